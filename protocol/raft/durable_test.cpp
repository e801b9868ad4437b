#include "protocol/raft/durable.hpp"

#include <gtest/gtest.h>

#include "protocol/common/kv_store.hpp"

namespace ry::raft {
namespace {

Record entry(Index index, Term term, std::string payload = "p") {
  return EntryRecord{index, term, EntryKind::command, std::move(payload)};
}

RecoveredState recover_records(const std::vector<Record>& records) {
  return recover(encode_all(records));
}

TEST(RaftDurable, EveryRecordRoundTrips) {
  Snapshot s{7, 2, 99, Membership{{NodeId{0}, NodeId{2}}, {NodeId{1}}}, KvStore{}.image()};
  const std::vector<Record> records = {
      TermVoteRecord{5, NodeId{2}}, TermVoteRecord{6, std::nullopt},
      EntryRecord{3, 2, EntryKind::config, "cfg"}, TruncateRecord{4}, SnapshotRecord{s, 5, 2, 77}};
  for (const Record& r : records) {
    const auto decoded = decode_record(encode(r, 3));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, r);
  }
}

TEST(RaftDurable, AnyFlippedBitOrMissingByteIsRefused) {
  const std::string good = encode(entry(1, 1, "payload"), 0);
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_FALSE(decode_record(bad).has_value()) << "byte " << i << " bit " << bit;
    }
    EXPECT_FALSE(decode_record(good.substr(0, i)).has_value()) << "torn at " << i;
  }
}

TEST(RaftDurable, RecoversTermVoteLogAndTruncations) {
  const std::vector<Record> disk = {
      TermVoteRecord{1, NodeId{0}},    entry(1, 1),       entry(2, 1),     entry(3, 1),
      TermVoteRecord{2, std::nullopt}, TruncateRecord{3}, entry(3, 2, "q")};
  const RecoveredState r = recover_records(disk);
  EXPECT_FALSE(r.cut());
  EXPECT_EQ(r.term, 2U);
  EXPECT_EQ(r.voted_for, std::nullopt);
  EXPECT_EQ(r.log.last_index(), 3U);
  EXPECT_EQ(r.log.term_at(3), 2U);
  EXPECT_EQ(r.log.at(3).payload, "q");
}

TEST(RaftDurable, ATornTailIsCut) {
  std::vector<std::string> disk =
      encode_all({TermVoteRecord{1, std::nullopt}, entry(1, 1), entry(2, 1)});
  const std::string whole = disk.back();
  for (std::size_t size = 1; size < whole.size(); ++size) {
    disk.back() = whole.substr(0, size);
    const RecoveredState r = recover(disk);
    EXPECT_TRUE(r.cut());
    EXPECT_EQ(r.dropped, 1U);
    EXPECT_EQ(r.log.last_index(), 1U);
    // A torn write was never synced: nothing the node promised is gone.
    EXPECT_TRUE(r.torn_tail) << size;
    EXPECT_FALSE(r.lost()) << size;
  }
}

TEST(RaftDurable, AFlippedBitInTheLastRecordIsALossNotATear) {
  std::vector<std::string> disk =
      encode_all({TermVoteRecord{1, std::nullopt}, entry(1, 1), entry(2, 1)});
  const std::string whole = disk.back();
  for (std::size_t i = 0; i < whole.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      disk.back() = whole;
      disk.back()[i] = static_cast<char>(disk.back()[i] ^ (1 << bit));
      const RecoveredState r = recover(disk);
      EXPECT_TRUE(r.lost()) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(RaftDurable, ARecordWrittenOverAnotherIsALoss) {
  // A misdirected write: entry 3 (position 3) lands on entry 2's place; the disk looks like a
  // valid shorter log, but the position gives it away.
  std::vector<std::string> disk =
      encode_all({TermVoteRecord{1, std::nullopt}, entry(1, 1), entry(2, 1)});
  disk[2] = encode(entry(2, 1, "other"), 3);
  EXPECT_TRUE(recover(disk).lost());
  // The term record overwritten by an entry: the log's last term is above the recovered one.
  disk = encode_all({TermVoteRecord{2, std::nullopt}, entry(1, 2)});
  disk[0] = encode(TermVoteRecord{1, std::nullopt}, 0);
  EXPECT_TRUE(recover(disk).lost());
  EXPECT_FALSE(recover(encode_all({TermVoteRecord{2, std::nullopt}, entry(1, 2)})).lost());
}

TEST(RaftDurable, EpochAndSuspicionSurviveInTheTermRecord) {
  const RecoveredState r = recover_records({TermVoteRecord{3, NodeId{1}, 7, suspect_log}});
  EXPECT_EQ(r.epoch, 7U);
  EXPECT_EQ(r.suspect, suspect_log);
}

TEST(RaftDurable, ACorruptRecordCutsEverythingAfterIt) {
  std::vector<std::string> disk =
      encode_all({TermVoteRecord{3, NodeId{1}}, entry(1, 1), entry(2, 1), entry(3, 1)});
  disk[2][9] = static_cast<char>(disk[2][9] ^ 0x10);
  const RecoveredState r = recover(disk);
  EXPECT_TRUE(r.lost());
  EXPECT_EQ(r.dropped, 2U);  // the corrupt one and the good one after it: no holes
  EXPECT_EQ(r.log.last_index(), 1U);
  EXPECT_EQ(r.term, 3U);
  EXPECT_EQ(r.voted_for, NodeId{1});
}

TEST(RaftDurable, AMisplacedRecordCutsLikeACorruptOne) {
  // Entry 3 where entry 2 belongs (a misdirected write), and a term that falls.
  EXPECT_EQ(recover_records({entry(1, 1), entry(3, 1)}).log.last_index(), 1U);
  EXPECT_TRUE(
      recover_records({TermVoteRecord{4, std::nullopt}, TermVoteRecord{3, std::nullopt}}).cut());
  // A repeat of an entry already held is skipped, not cut.
  const RecoveredState r = recover_records({entry(1, 1), entry(2, 1), entry(2, 1)});
  EXPECT_FALSE(r.cut());
  EXPECT_EQ(r.duplicates, 1U);
}

TEST(RaftDurable, ASnapshotRecordRestartsTheLogAtItsBase) {
  KvStore kv;
  Snapshot s{4, 2, 1234, Membership{{NodeId{0}}, {}}, kv.image()};
  const RecoveredState r = recover_records(
      {entry(1, 1), entry(2, 1), SnapshotRecord{s, 4, 2, 1234}, entry(5, 2), TruncateRecord{4}});
  ASSERT_TRUE(r.snapshot.has_value());
  EXPECT_EQ(r.snapshot->last_index, 4U);
  EXPECT_EQ(r.log.base(), 4U);
  EXPECT_EQ(r.log.last_index(), 5U);
  EXPECT_TRUE(r.cut());  // a truncation into the snapshot is refused
}

}  // namespace
}  // namespace ry::raft
