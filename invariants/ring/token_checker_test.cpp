#include "invariants/ring/token_checker.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "invariants/test_history.hpp"

namespace ry::ring {
namespace {

using test::History;
using test::ref;

Note accept(std::int64_t hop, std::uint32_t nodes) {
  return Note{"accept", hop, hop / static_cast<std::int64_t>(nodes)};
}

// The token goes round `laps` times from hop 1: node h % N accepts hop h.
void go_round(History& h, std::uint32_t nodes, std::int64_t first, std::int64_t last) {
  for (std::int64_t hop = first; hop <= last; ++hop) {
    h.note(ref(static_cast<std::uint32_t>(hop % nodes)), accept(hop, nodes));
  }
}

TEST(TokenChecker, NoTokenYetIsClean) {
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.next_hop(), 1);
  EXPECT_EQ(checker.name(), "ring_token");
}

TEST(TokenChecker, SeveralLapsInOrderAreClean) {
  Verdict verdict;
  TokenChecker checker(verdict, 4);
  History h{&checker};
  go_round(h, 4, 1, 4 * 5);
  h.note(ref(1), Note{"forward", 99, 0, 0});  // other notes are not the checker's business
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.next_hop(), 21);
  EXPECT_GT(checker.checks(), 0U);
}

TEST(TokenChecker, RestartedNodeContinuingIsClean) {
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  History h{&checker};
  go_round(h, 3, 1, 4);  // node 1 accepted hop 4
  h.crash(ref(1));
  h.restart(ref(1, 1));  // resumes forwarding hop 5 from its disk, accepts nothing twice
  h.note(ref(2), accept(5, 3));
  h.note(ref(0), accept(6, 3));
  h.note(ref(1, 1), accept(7, 3));
  EXPECT_FALSE(verdict.violated());
}

TEST(TokenChecker, SingleNodeRing) {
  Verdict verdict;
  TokenChecker checker(verdict, 1);
  History h{&checker};
  go_round(h, 1, 1, 5);
  EXPECT_FALSE(verdict.violated());
}

TEST(TokenChecker, RepeatedHopFires) {
  // Without `persist` a restarted node can accept a hop twice: two tokens.
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  History h{&checker};
  go_round(h, 3, 1, 5);
  const std::uint64_t step = h.next_step();
  h.note(ref(2, 1), accept(5, 3));
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "ring_token");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, std::vector<NodeId>{NodeId{2}});
  EXPECT_NE(v.detail.find("hop 5 repeated"), std::string::npos) << v.detail;
}

TEST(TokenChecker, GapFires) {
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  History h{&checker};
  go_round(h, 3, 1, 3);
  const std::uint64_t step = h.next_step();
  h.note(ref(2), accept(5, 3));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{2}, NodeId{0}}));
  EXPECT_NE(verdict.first().detail.find("expected hop 4 but got hop 5"), std::string::npos)
      << verdict.first().detail;
}

TEST(TokenChecker, WrongNodeFires) {
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  History h{&checker};
  h.note(ref(2), accept(1, 3));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 1U);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{2}});
  EXPECT_NE(verdict.first().detail.find("must be accepted at node 1"), std::string::npos);
}

TEST(TokenChecker, WrongLapFires) {
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  History h{&checker};
  go_round(h, 3, 1, 2);
  h.note(ref(0), Note{"accept", 3, 0, 0});  // hop 3 is lap 1
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 3U);
  EXPECT_NE(verdict.first().detail.find("belongs to lap 1"), std::string::npos);
}

TEST(TokenChecker, FirstHopMustBeOne) {
  Verdict verdict;
  TokenChecker checker(verdict, 3);
  History h{&checker};
  h.note(ref(0), accept(0, 3));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("hops count from 1"), std::string::npos);
}

}  // namespace
}  // namespace ry::ring
