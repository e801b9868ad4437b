#include "sim/disk.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ry
