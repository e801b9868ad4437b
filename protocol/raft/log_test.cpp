#include "protocol/raft/log.hpp"

#include <gtest/gtest.h>

namespace ry::raft {
namespace {

Log make(std::initializer_list<Term> terms) {
  Log log;
  for (const Term t : terms)
    log.append(t, EntryKind::noop, "e" + std::to_string(log.last_index() + 1));
  return log;
}

TEST(RaftLog, AppendsContiguouslyWithChainHashes) {
  Log log = make({1, 1, 2});
  EXPECT_EQ(log.last_index(), 3U);
  EXPECT_EQ(log.last_term(), 2U);
  EXPECT_EQ(log.term_at(0), 0U);
  EXPECT_EQ(log.term_at(2), 1U);
  EXPECT_EQ(log.term_at(4), std::nullopt);
  // Each hash folds in the previous one: h[i] = H(h[i-1], term, kind, payload).
  EXPECT_EQ(log.at(1).hash, chain_hash(chain_hash_empty(), 1, EntryKind::noop, "e1"));
  EXPECT_EQ(log.at(3).hash, chain_hash(log.at(2).hash, 2, EntryKind::noop, "e3"));
}

TEST(RaftLog, EqualHashesMeanEqualPrefixes) {
  Log a = make({1, 1, 2});
  Log b = make({1, 2, 2});
  EXPECT_EQ(a.hash_at(1), b.hash_at(1));
  EXPECT_NE(a.hash_at(2), b.hash_at(2));
  EXPECT_NE(a.hash_at(3), b.hash_at(3));  // same term and payload at 3, different prefix
}

TEST(RaftLog, TruncateDropsTheSuffix) {
  Log log = make({1, 1, 2, 2});
  log.truncate_from(3);
  EXPECT_EQ(log.last_index(), 2U);
  EXPECT_EQ(log.last_term(), 1U);
  log.append(3, EntryKind::noop, "x");
  EXPECT_EQ(log.term_at(3), 3U);
}

TEST(RaftLog, CompactKeepsTermAndHashOfTheBase) {
  Log log = make({1, 1, 2, 3});
  const auto h2 = log.hash_at(2);
  const auto h4 = log.hash_at(4);
  log.compact_to(2);
  EXPECT_EQ(log.base(), 2U);
  EXPECT_EQ(log.base_term(), 1U);
  EXPECT_EQ(log.hash_at(2), h2);
  EXPECT_EQ(log.hash_at(4), h4);
  EXPECT_EQ(log.term_at(1), std::nullopt);
  EXPECT_EQ(log.last_index(), 4U);
  log.compact_to(4);
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(log.last_term(), 3U);
  EXPECT_EQ(log.last_hash(), *h4);
}

TEST(RaftLog, ResetStartsAfterASnapshot) {
  Log log = make({1, 1});
  log.reset(10, 4, 1234);
  EXPECT_EQ(log.last_index(), 10U);
  EXPECT_EQ(log.last_term(), 4U);
  const Entry& e = log.append(4, EntryKind::noop, "");
  EXPECT_EQ(e.index, 11U);
  EXPECT_EQ(e.hash, chain_hash(1234, 4, EntryKind::noop, ""));
}

TEST(RaftLog, UpToDateComparesLastTermThenLength) {
  const Log log = make({1, 2, 2});
  EXPECT_TRUE(log.other_up_to_date(3, 1));
  EXPECT_TRUE(log.other_up_to_date(2, 3));
  EXPECT_FALSE(log.other_up_to_date(2, 2));
  EXPECT_FALSE(log.other_up_to_date(1, 9));
}

TEST(RaftLog, FirstIndexOfTermIsTheConflictHint) {
  const Log log = make({1, 1, 4, 4, 4, 5});
  EXPECT_EQ(log.first_index_of_term_at(5), 3U);
  EXPECT_EQ(log.first_index_of_term_at(2), 1U);
  EXPECT_EQ(log.first_index_of_term_at(6), 6U);
}

}  // namespace
}  // namespace ry::raft
