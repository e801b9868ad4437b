#include "invariants/total_order_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/test_history.hpp"

namespace ry {
namespace {

using test::History;
using test::msg;
using test::ref;

std::vector<NodeId> nodes(std::initializer_list<std::uint32_t> ids) {
  std::vector<NodeId> out;
  for (const auto id : ids) out.push_back(NodeId{id});
  return out;
}

TEST(TotalOrderChecker, EmptyLogsAreClean) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.global_length(), 0U);
  EXPECT_EQ(checker.position(NodeId{3}), 0U);
  EXPECT_EQ(checker.name(), "uniform_total_order");
}

TEST(TotalOrderChecker, IdenticalLogsAreClean) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  for (std::uint32_t node = 0; node < 3; ++node) {
    h.deliver_all(ref(node), {msg(0, 1), msg(1, 1), msg(0, 2), msg(2, 1)});
  }
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.global_length(), 4U);
  EXPECT_GT(checker.checks(), 0U);
}

TEST(TotalOrderChecker, InterleavedPrefixesAreClean) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1));
  h.deliver(ref(1), msg(1, 1));  // node 1 now leads and appends position 2
  h.deliver(ref(0), msg(1, 1));
  h.deliver(ref(2), msg(0, 1));
  h.deliver(ref(0), msg(2, 1));
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.global_length(), 3U);
}

TEST(TotalOrderChecker, LaggingNodeIsClean) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3), msg(0, 4), msg(0, 5)});
  h.deliver_all(ref(2), {msg(0, 1), msg(0, 2)});  // node 2 never catches up: still a prefix
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.position(NodeId{2}), 2U);
}

TEST(TotalOrderChecker, NodeAheadOfOthersIsClean) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(4), {msg(1, 1), msg(2, 1), msg(3, 1)});
  h.deliver_all(ref(0), {msg(1, 1), msg(2, 1)});
  h.deliver(ref(4), msg(4, 1));
  h.deliver_all(ref(0), {msg(3, 1), msg(4, 1)});
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.global_length(), 4U);
}

TEST(TotalOrderChecker, RestartedNodeContinuesItsPosition) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3)});
  h.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
  h.crash(ref(1));
  h.restart(ref(1, 1));
  h.deliver(ref(1, 1), msg(0, 3));  // position 3, not 1: node 1 recovered its log
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.position(NodeId{1}), 3U);
}

TEST(TotalOrderChecker, DivergenceAtTheHeadFires) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  h.deliver(ref(1), msg(0, 1));
  const std::uint64_t step = h.next_step();
  h.deliver(ref(1), msg(1, 7));  // position 2 is (0,2)
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "uniform_total_order");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, nodes({1, 0}));
  EXPECT_NE(v.detail.find("node 1/0 delivered (1,7)"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("position 2"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("(0,2)"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("first delivered by node 0/0 at step 2"), std::string::npos) << v.detail;
}

TEST(TotalOrderChecker, DivergenceBehindTheHeadFires) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3), msg(0, 4)});
  const std::uint64_t step = h.next_step();
  h.deliver(ref(2), msg(0, 2));  // skips (0,1): its first delivery differs from position 1
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_EQ(verdict.first().nodes, nodes({2, 0}));
}

TEST(TotalOrderChecker, SameIdWithDifferentContentFires) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1), test::digest(msg(0, 1)) ^ 1U);
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 2U);
}

TEST(TotalOrderChecker, RestartedNodeThatRedeliversFromTheStartFires) {
  // A node that forgot its log and starts over at position 1 breaks the prefix property
  // (protocol/trains/README.md section 6: never different content at a position delivered before
  // the crash).
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3)});
  h.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
  h.crash(ref(1));
  h.restart(ref(1, 1));
  const std::uint64_t step = h.next_step();
  h.deliver(ref(1, 1), msg(0, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_EQ(verdict.first().nodes, nodes({1, 0}));
  EXPECT_NE(verdict.first().detail.find("node 1/1 delivered (0,1)"), std::string::npos);
}

TEST(TotalOrderChecker, SameIdAtDifferentPositionsFires) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(1, 1)});
  h.deliver_all(ref(1), {msg(1, 1), msg(0, 1)});
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 3U);
}

// Bug B2 (protocol/trains/README.md section 8): the prefix test without the length guard. The
// planted checker must miss a violation that the correct checker reports on the same hand-made
// history: this is how the test suite detects B2.
TEST(TotalOrderChecker, B2CaughtByTheCheckerTests) {
  Verdict correct_verdict;
  Verdict b2_verdict;
  const bool bugs = true;
  TotalOrderChecker correct(correct_verdict);
  TotalOrderChecker b2(b2_verdict, bugs);
  History h{&correct, &b2};
  // Split brain at the head of the sequence: node 1 delivers right after node 0, differently.
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(1, 1));
  EXPECT_TRUE(correct_verdict.violated()) << "the correct checker must fire";
  EXPECT_FALSE(b2_verdict.violated()) << "B2 must miss it; if it fires, B2 is no longer planted";
  // B2 caught by the checker tests: the expectation above documents that the test suite
  // distinguishes the planted checker from the correct one.
  const bool b2_caught = correct_verdict.violated() && !b2_verdict.violated();
  EXPECT_TRUE(b2_caught) << "B2 caught by the checker tests";
}

// The table of violating histories this file's tests use, run through a checker built with
// `bugs`: how many of them it misses. Zero for the correct checker; not zero with B2.
using Violating = void (*)(History&);
constexpr Violating violating_histories[] = {
    [](History& h) {  // divergence at the head
      h.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
      h.deliver_all(ref(1), {msg(0, 1), msg(1, 7)});
    },
    [](History& h) {  // divergence behind the head
      h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3)});
      h.deliver(ref(2), msg(0, 2));
    },
    [](History& h) {  // same id, different content
      h.deliver(ref(0), msg(0, 1));
      h.deliver(ref(1), msg(0, 1), test::digest(msg(0, 1)) ^ 1U);
    },
    [](History& h) {  // a restarted node starting over
      h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3), msg(0, 4)});
      h.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
      h.deliver(ref(1, 1), msg(0, 1));
    },
};

int missed_violations(bool bugs) {
  int missed = 0;
  for (const Violating history : violating_histories) {
    Verdict verdict;
    TotalOrderChecker checker(verdict, bugs);
    History h{&checker};
    history(h);
    if (!verdict.violated()) ++missed;
  }
  return missed;
}

TEST(TotalOrderChecker, ViolationSuiteCatchesB2) {
  const bool b2 = true;
  EXPECT_EQ(missed_violations(false), 0);
  EXPECT_GT(missed_violations(b2), 0) << "B2 caught by the checker tests: it misses a violation";
}

TEST(TotalOrderChecker, B2StillChecksBehindTheHead) {
  // B2 is a subtle bug, not a disabled checker: divergence deep in the sequence still fires.
  Verdict verdict;
  const bool bugs = true;
  TotalOrderChecker checker(verdict, bugs);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3)});
  h.deliver(ref(1), msg(9, 9));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 4U);
}

TEST(TotalOrderChecker, KeepsOnlyTheFirstViolation) {
  Verdict verdict;
  TotalOrderChecker checker(verdict);
  History h{&checker};
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  h.deliver_all(ref(1), {msg(5, 1), msg(5, 2)});
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 3U);
}

// --- bounded memory: the global sequence is kept from the slowest live node on -------------

// Delivers msg(0, first..last) at `node`.
void deliver_range(History& h, std::uint32_t node, std::uint64_t first, std::uint64_t last,
                   std::uint32_t incarnation = 0) {
  for (std::uint64_t seq = first; seq <= last; ++seq)
    h.deliver(ref(node, incarnation), msg(0, seq));
}

TEST(TotalOrderChecker, WindowFollowsTheSlowestLiveNode) {
  Verdict verdict;
  TotalOrderChecker checker(verdict, {}, 3);
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 5000; ++seq) {
    for (std::uint32_t node = 0; node < 3; ++node) h.deliver(ref(node), msg(0, seq));
  }
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.global_length(), 5000U);
  EXPECT_LE(checker.retained(), TotalOrderChecker::trim_period);
}

TEST(TotalOrderChecker, SilentNodeOfTheClusterPinsTheWindow) {
  Verdict verdict;
  TotalOrderChecker checker(verdict, {}, 3);
  History h{&checker};
  deliver_range(h, 0, 1, 3000);
  EXPECT_EQ(checker.retained(), 3000U);  // nodes 1 and 2 have not delivered anything yet
  deliver_range(h, 1, 1, 3000);
  deliver_range(h, 2, 1, 2);
  h.deliver(ref(2), msg(0, 99));  // position 3 is (0,3)
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("at position 3, but position 3 of the global sequence is "
                                        "(0,3)"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(TotalOrderChecker, DivergenceLongAfterTrimmingFires) {
  Verdict verdict;
  TotalOrderChecker checker(verdict, {}, 2);
  History h{&checker};
  deliver_range(h, 0, 1, 4000);
  deliver_range(h, 1, 1, 3999);
  ASSERT_LT(checker.retained(), 4000U);
  const std::uint64_t step = h.next_step();
  h.deliver(ref(1), msg(1, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("at position 4000"), std::string::npos)
      << verdict.first().detail;
}

TEST(TotalOrderChecker, CrashedNodeNoLongerPinsTheWindow) {
  Verdict verdict;
  TotalOrderChecker checker(verdict, {}, 2);
  History h{&checker};
  deliver_range(h, 1, 1, 10);
  h.crash(ref(1));
  deliver_range(h, 0, 1, 5000);
  EXPECT_FALSE(verdict.violated());
  EXPECT_LE(checker.retained(), TotalOrderChecker::trim_period);
}

TEST(TotalOrderChecker, RestartedNodeBelowTheWindowIsCheckedByHash) {
  Verdict verdict;
  TotalOrderChecker checker(verdict, {}, 2);
  History h{&checker};
  deliver_range(h, 1, 1, 10);
  h.crash(ref(1));
  deliver_range(h, 0, 1, 5000);
  h.restart(ref(1, 1));
  deliver_range(h, 1, 11, 5000, 1);  // catches up with the right log: clean
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(checker.position(NodeId{1}), 5000U);
}

TEST(TotalOrderChecker, RestartedNodeWithAWrongLogBelowTheWindowFires) {
  Verdict verdict;
  TotalOrderChecker checker(verdict, {}, 2);
  History h{&checker};
  deliver_range(h, 1, 1, 10);
  h.crash(ref(1));
  deliver_range(h, 0, 1, 5000);
  h.restart(ref(1, 1));
  deliver_range(h, 1, 11, 20, 1);
  h.deliver(ref(1, 1), msg(2, 2));  // position 21 is wrong, and no longer kept one by one
  deliver_range(h, 1, 22, 5000, 1);
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{1}});
  EXPECT_NE(verdict.first().detail.find("node 1/1 delivered, at positions 11 to"),
            std::string::npos)
      << verdict.first().detail;
}

}  // namespace
}  // namespace ry
