#include "sim/disk.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

namespace ry {
namespace {

using Records = std::vector<std::string>;

TEST(Disk, UnsyncedAppendsAreLostOnCrash) {
  Disk d;
  d.append("a");
  d.append("b");
  EXPECT_EQ(d.unsynced(), 2U);
  EXPECT_TRUE(d.durable().empty());
  d.crash();
  EXPECT_TRUE(d.durable().empty());
  EXPECT_EQ(d.unsynced(), 0U);
}

TEST(Disk, SyncedAppendsSurviveACrash) {
  Disk d;
  d.append("a");
  d.append("bb");
  const std::uint64_t mark = d.sync_mark();
  d.append("c");  // after the mark: not covered by it
  d.sync_complete(mark);
  EXPECT_EQ(d.durable(), (Records{"a", "bb"}));
  EXPECT_EQ(d.unsynced(), 1U);
  EXPECT_EQ(d.bytes(), 3U);
  d.crash();
  EXPECT_EQ(d.durable(), (Records{"a", "bb"}));
}

TEST(Disk, SyncsCompleteInOrderAndAStaleMarkIsHarmless) {
  Disk d;
  d.append("a");
  const std::uint64_t m1 = d.sync_mark();
  d.append("b");
  const std::uint64_t m2 = d.sync_mark();
  d.sync_complete(m2);
  EXPECT_EQ(d.durable(), (Records{"a", "b"}));
  d.sync_complete(m1);  // already covered
  d.sync_complete(m2);  // twice
  EXPECT_EQ(d.durable(), (Records{"a", "b"}));
  EXPECT_EQ(d.unsynced(), 0U);
}

TEST(Disk, RewriteReplacesEverythingOnceSynced) {
  Disk d;
  d.append("old1");
  d.append("old2");
  d.sync_complete(d.sync_mark());
  d.rewrite();
  d.append("new");
  // Until the sync, the old content is what survives.
  EXPECT_EQ(d.durable(), (Records{"old1", "old2"}));
  d.sync_complete(d.sync_mark());
  EXPECT_EQ(d.durable(), (Records{"new"}));
  d.append("more");
  d.sync_complete(d.sync_mark());
  EXPECT_EQ(d.durable(), (Records{"new", "more"}));
}

TEST(Disk, UnsyncedRewriteIsLostOnCrash) {
  Disk d;
  d.append("keep");
  d.sync_complete(d.sync_mark());
  d.rewrite();
  d.append("gone");
  d.crash();
  EXPECT_EQ(d.durable(), (Records{"keep"}));
}

TEST(Disk, SyncMarkFromBeforeACrashNeverMakesALaterWriteDurable) {
  Disk d;
  d.append("lost1");
  d.append("lost2");
  const std::uint64_t before = d.sync_mark();
  d.crash();
  d.append("after1");
  d.append("after2");
  d.sync_complete(before);  // the sync that was in flight when the node crashed completes
  EXPECT_TRUE(d.durable().empty());
  EXPECT_EQ(d.unsynced(), 2U);
  d.sync_complete(d.sync_mark());
  EXPECT_EQ(d.durable(), (Records{"after1", "after2"}));
}

TEST(Disk, SyncMarkSpanningACrashCoversOnlyPostCrashWritesUpToIt) {
  Disk d;
  d.append("x");
  d.sync_complete(d.sync_mark());
  d.append("lost");
  d.crash();
  d.append("a");
  const std::uint64_t m = d.sync_mark();
  d.append("b");
  d.sync_complete(m);
  EXPECT_EQ(d.durable(), (Records{"x", "a"}));
  EXPECT_EQ(d.unsynced(), 1U);
}

// ---- Faults.

// How many bits differ between two records of one length.
int bit_distance(const std::string& a, const std::string& b) {
  EXPECT_EQ(a.size(), b.size());
  int bits = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bits += std::popcount(
        static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return bits;
}

TEST(Disk, TornWriteLeavesAStrictNonEmptyPrefixOfTheFirstUnsyncedAppend) {
  const std::string record = "0123456789abcdef";
  std::vector<std::size_t> lengths;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Disk d;
    d.append("kept");
    d.sync_complete(d.sync_mark());
    d.append(record);
    d.append("second");  // only the first unsynced write is torn: this one is lost
    d.arm_torn(seed);
    EXPECT_TRUE(d.torn_armed());
    d.crash();
    EXPECT_FALSE(d.torn_armed());  // consumed by the crash
    ASSERT_EQ(d.durable().size(), 2U);
    EXPECT_EQ(d.durable()[0], "kept");
    const std::string& torn = d.durable()[1];
    EXPECT_GE(torn.size(), 1U);
    EXPECT_LT(torn.size(), record.size());
    EXPECT_EQ(record.substr(0, torn.size()), torn);
    lengths.push_back(torn.size());
  }
  // The length is seeded: different seeds tear at different places.
  std::sort(lengths.begin(), lengths.end());
  EXPECT_GT(std::unique(lengths.begin(), lengths.end()) - lengths.begin(), 5);
}

TEST(Disk, TornWriteWithNothingUnsyncedLeavesNothingAndIsConsumed) {
  Disk d;
  d.append("a");
  d.sync_complete(d.sync_mark());
  d.arm_torn(3);
  d.crash();
  EXPECT_EQ(d.durable(), (Records{"a"}));
  d.append("later");
  d.crash();  // the torn write was used up by the first crash
  EXPECT_EQ(d.durable(), (Records{"a"}));
  // A one-byte record has no strict non-empty prefix; an unsynced rewrite is all or nothing.
  d.append("x");
  d.arm_torn(3);
  d.crash();
  EXPECT_EQ(d.durable(), (Records{"a"}));
  d.rewrite();
  d.append("new content");
  d.arm_torn(3);
  d.crash();
  EXPECT_EQ(d.durable(), (Records{"a"}));
}

TEST(Disk, TornWriteIsDeterministicForASeed) {
  auto tear = [](std::uint64_t seed) {
    Disk d;
    d.append("a fairly long record of some bytes");
    d.arm_torn(seed);
    d.crash();
    return d.durable();
  };
  EXPECT_EQ(tear(42), tear(42));
}

TEST(Disk, CorruptionFlipsExactlyOneBitOfOneRecord) {
  const Records original = {"alpha", "", "gamma-delta", "z"};
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Disk d;
    for (const std::string& r : original) d.append(r);
    d.sync_complete(d.sync_mark());
    ASSERT_TRUE(d.corrupt(seed));
    ASSERT_EQ(d.durable().size(), original.size());
    int changed_records = 0;
    int changed_bits = 0;
    for (std::size_t i = 0; i < original.size(); ++i) {
      const int bits = bit_distance(original[i], d.durable()[i]);
      changed_records += bits > 0;
      changed_bits += bits;
    }
    EXPECT_EQ(changed_records, 1) << "seed " << seed;
    EXPECT_EQ(changed_bits, 1) << "seed " << seed;
  }
}

TEST(Disk, CorruptionOfAnEmptyDiskIsANoOp) {
  Disk d;
  EXPECT_FALSE(d.corrupt(1));
  d.append("");
  d.sync_complete(d.sync_mark());
  EXPECT_FALSE(d.corrupt(1));  // only empty records
  EXPECT_EQ(d.durable(), (Records{""}));
  d.append("unsynced");
  EXPECT_FALSE(d.corrupt(1));  // unsynced writes are not on the platter yet
}

TEST(Disk, MisdirectedWriteReplacesOneDurableRecordAndIsMissingWhereItWasMeant) {
  std::vector<std::size_t> victims;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    Disk d;
    for (const char* r : {"r0", "r1", "r2", "r3"}) d.append(r);
    d.sync_complete(d.sync_mark());
    d.arm_misdirect(seed);
    d.append("new");
    EXPECT_EQ(d.durable().size(), 4U);  // nothing happens before the write becomes durable
    d.sync_complete(d.sync_mark());
    EXPECT_FALSE(d.misdirect_armed());
    ASSERT_EQ(d.durable().size(), 4U);  // not appended
    std::size_t replaced = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      if (d.durable()[i] == "new") {
        victims.push_back(i);
        ++replaced;
      } else {
        EXPECT_EQ(d.durable()[i], "r" + std::to_string(i));
      }
    }
    EXPECT_EQ(replaced, 1U);
    // Only one write goes astray.
    d.append("next");
    d.sync_complete(d.sync_mark());
    EXPECT_EQ(d.durable().back(), "next");
    EXPECT_EQ(d.durable().size(), 5U);
  }
  std::sort(victims.begin(), victims.end());
  EXPECT_EQ(std::unique(victims.begin(), victims.end()) - victims.begin(), 4);  // seeded victim
}

TEST(Disk, MisdirectedWriteToAnEmptyDiskIsLost) {
  Disk d;
  d.arm_misdirect(5);
  d.crash();  // still armed after a crash: it waits for the next durable append
  EXPECT_TRUE(d.misdirect_armed());
  d.append("lost");
  d.append("kept");
  d.sync_complete(d.sync_mark());
  EXPECT_EQ(d.durable(), (Records{"kept"}));
}

}  // namespace
}  // namespace ry
