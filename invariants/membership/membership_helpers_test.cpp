// The membership checkers' small helpers: id intervals, node sets, member sets, the view floor,
// and the state_transfer note's encoding (the contract cores will emit).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "invariants/membership/id_intervals.hpp"
#include "invariants/membership/node_set.hpp"
#include "invariants/membership/test_membership.hpp"
#include "invariants/membership/views.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::membership {
namespace {

using test::msg;
using test::nodes;

TEST(MembershipIdIntervals, InOrderSeqsMergeIntoOneInterval) {
  IdIntervals ids;
  for (std::uint64_t seq = 1; seq <= 1000; ++seq) ids.insert(msg(3, seq));
  EXPECT_EQ(ids.intervals(), 1U);
  EXPECT_TRUE(ids.contains(msg(3, 1)));
  EXPECT_TRUE(ids.contains(msg(3, 1000)));
  EXPECT_FALSE(ids.contains(msg(3, 0)));
  EXPECT_FALSE(ids.contains(msg(3, 1001)));
  EXPECT_FALSE(ids.contains(msg(4, 5)));
}

TEST(MembershipIdIntervals, OutOfOrderSeqsMergeFromBothSidesAndGapsStayOpen) {
  IdIntervals ids;
  ids.insert(msg(0, 5));
  ids.insert(msg(0, 3));
  EXPECT_EQ(ids.intervals(), 2U);
  ids.insert(msg(0, 4));  // joins both
  EXPECT_EQ(ids.intervals(), 1U);
  ids.insert(msg(0, 2));  // extends the interval downwards
  ids.insert(msg(0, 2));
  EXPECT_EQ(ids.intervals(), 1U);
  ids.insert(msg(0, 9));  // 6..8 never delivered: a gap that stays
  EXPECT_EQ(ids.intervals(), 2U);
  EXPECT_FALSE(ids.contains(msg(0, 7)));
  EXPECT_TRUE(ids.contains(msg(0, 2)));
  EXPECT_TRUE(ids.contains(msg(0, 5)));
}

TEST(MembershipIdIntervals, ExtremeSeqsAndSenders) {
  IdIntervals ids;
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  ids.insert(msg(0, max));
  ids.insert(msg(0, max - 1));
  ids.insert(msg(0, 0));
  ids.insert(msg(std::numeric_limits<std::uint32_t>::max(), 7));
  EXPECT_EQ(ids.intervals(), 3U);
  EXPECT_TRUE(ids.contains(msg(0, max)));
  EXPECT_TRUE(ids.contains(msg(std::numeric_limits<std::uint32_t>::max(), 7)));
}

TEST(MembershipNodeSet, SmallAndLargeIds) {
  NodeSet set;
  EXPECT_TRUE(set.insert(NodeId{3}));
  EXPECT_FALSE(set.insert(NodeId{3}));
  EXPECT_TRUE(set.insert(NodeId{63}));
  EXPECT_TRUE(set.insert(NodeId{64}));
  EXPECT_TRUE(set.insert(NodeId{1'000'000}));
  EXPECT_TRUE(set.contains(NodeId{64}));
  EXPECT_FALSE(set.contains(NodeId{65}));
  EXPECT_TRUE(set.erase(NodeId{64}));
  EXPECT_FALSE(set.erase(NodeId{64}));
  EXPECT_FALSE(set.contains(NodeId{64}));
  EXPECT_TRUE(set.erase(NodeId{3}));
  EXPECT_FALSE(set.contains(NodeId{3}));
  EXPECT_TRUE(set.contains(NodeId{63}));
}

TEST(MembershipViews, MemberSets) {
  EXPECT_EQ(normalized(nodes({4, 0, 4, 2})), nodes({0, 2, 4}));
  EXPECT_EQ(common_count(nodes({0, 1, 2, 5}), nodes({1, 2, 3, 5, 7})), 3U);
  EXPECT_EQ(common_count({}, nodes({1})), 0U);
  EXPECT_EQ(describe_members(nodes({0, 1, 4})), "{0,1,4}");
  EXPECT_EQ(describe_members({}), "{}");
}

TEST(MembershipViews, FloorIsTheLowestHighestViewOverAllNodes) {
  ViewFloor floor(3);
  EXPECT_EQ(floor.floor(), std::nullopt);
  floor.record(NodeId{0}, ViewId{5});
  floor.record(NodeId{1}, ViewId{3});
  EXPECT_EQ(floor.floor(), std::nullopt);  // node 2 has installed nothing
  floor.record(NodeId{2}, ViewId{4});
  EXPECT_EQ(floor.floor(), ViewId{3});
  floor.record(NodeId{1}, ViewId{2});  // lower than its highest: ignored
  EXPECT_EQ(floor.floor(), ViewId{3});
  floor.record(NodeId{1}, ViewId{9});
  EXPECT_EQ(floor.floor(), ViewId{4});
  EXPECT_EQ(ViewFloor(0).floor(), std::nullopt);
}

TEST(MembershipStateTransfer, LogDigestIsOrderDependent) {
  EXPECT_NE(test::log_of({msg(0, 1), msg(0, 2)}), test::log_of({msg(0, 2), msg(0, 1)}));
  EXPECT_NE(test::log_of({msg(0, 1)}), test::log_of({}));
  EXPECT_EQ(test::log_of({}), log_digest_empty);
  EXPECT_EQ(test::log_of_seqs(0, 2), test::log_of({msg(0, 1), msg(0, 2)}));
}

}  // namespace
}  // namespace ry::membership
