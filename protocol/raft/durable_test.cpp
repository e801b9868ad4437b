#include "protocol/raft/durable.hpp"

#include <gtest/gtest.h>

#include "protocol/common/kv_store.hpp"

namespace ry::raft {
namespace {

std::string entry(Index index, Term term, std::string payload = "p") {
  return encode(Record{EntryRecord{index, term, EntryKind::command, std::move(payload)}});
}

TEST(RaftDurable, EveryRecordRoundTrips) {
  Snapshot s{7, 2, 99, Membership{{NodeId{0}, NodeId{2}}, {NodeId{1}}}, KvStore{}.image()};
  const std::vector<Record> records = {
      TermVoteRecord{5, NodeId{2}}, TermVoteRecord{6, std::nullopt},
      EntryRecord{3, 2, EntryKind::config, "cfg"}, TruncateRecord{4}, SnapshotRecord{s, 5, 2, 77}};
  for (const Record& r : records) {
    const auto decoded = decode_record(encode(r));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, r);
  }
}

TEST(RaftDurable, AnyFlippedBitOrMissingByteIsRefused) {
  const std::string good = entry(1, 1, "payload");
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
  const std::vector<std::string> disk = {encode(Record{TermVoteRecord{1, NodeId{0}}}),
                                         entry(1, 1),
                                         entry(2, 1),
                                         entry(3, 1),
                                         encode(Record{TermVoteRecord{2, std::nullopt}}),
                                         encode(Record{TruncateRecord{3}}),
                                         entry(3, 2, "q")};
  const RecoveredState r = recover(disk);
  EXPECT_FALSE(r.cut());
  EXPECT_EQ(r.term, 2U);
  EXPECT_EQ(r.voted_for, std::nullopt);
  EXPECT_EQ(r.log.last_index(), 3U);
  EXPECT_EQ(r.log.term_at(3), 2U);
  EXPECT_EQ(r.log.at(3).payload, "q");
}

TEST(RaftDurable, ATornTailIsCut) {
  std::vector<std::string> disk = {encode(Record{TermVoteRecord{1, std::nullopt}}), entry(1, 1),
                                   entry(2, 1)};
  disk.back().resize(disk.back().size() / 2);
  const RecoveredState r = recover(disk);
  EXPECT_TRUE(r.cut());
  EXPECT_EQ(r.dropped, 1U);
  EXPECT_EQ(r.log.last_index(), 1U);
}

TEST(RaftDurable, ACorruptRecordCutsEverythingAfterIt) {
  std::vector<std::string> disk = {encode(Record{TermVoteRecord{3, NodeId{1}}}), entry(1, 1),
                                   entry(2, 1), entry(3, 1)};
  disk[2][9] = static_cast<char>(disk[2][9] ^ 0x10);
  const RecoveredState r = recover(disk);
  EXPECT_EQ(r.dropped, 2U);  // the corrupt one and the good one after it: no holes
  EXPECT_EQ(r.log.last_index(), 1U);
  EXPECT_EQ(r.term, 3U);
  EXPECT_EQ(r.voted_for, NodeId{1});
}

TEST(RaftDurable, AMisplacedRecordCutsLikeACorruptOne) {
  // Entry 3 where entry 2 belongs (a misdirected write), and a term that falls.
  EXPECT_EQ(recover({entry(1, 1), entry(3, 1)}).log.last_index(), 1U);
  EXPECT_TRUE(recover({encode(Record{TermVoteRecord{4, std::nullopt}}),
                       encode(Record{TermVoteRecord{3, std::nullopt}})})
                  .cut());
  // A repeat of an entry already held is skipped, not cut.
  const RecoveredState r = recover({entry(1, 1), entry(2, 1), entry(2, 1)});
  EXPECT_FALSE(r.cut());
  EXPECT_EQ(r.duplicates, 1U);
}

TEST(RaftDurable, ASnapshotRecordRestartsTheLogAtItsBase) {
  KvStore kv;
  Snapshot s{4, 2, 1234, Membership{{NodeId{0}}, {}}, kv.image()};
  const std::vector<std::string> disk = {entry(1, 1), entry(2, 1),
                                         encode(Record{SnapshotRecord{s, 4, 2, 1234}}), entry(5, 2),
                                         encode(Record{TruncateRecord{4}})};
  const RecoveredState r = recover(disk);
  ASSERT_TRUE(r.snapshot.has_value());
  EXPECT_EQ(r.snapshot->last_index, 4U);
  EXPECT_EQ(r.log.base(), 4U);
  EXPECT_EQ(r.log.last_index(), 5U);
  EXPECT_TRUE(r.cut());  // a truncation into the snapshot is refused
}

}  // namespace
}  // namespace ry::raft
