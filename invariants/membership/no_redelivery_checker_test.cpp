#include "invariants/membership/no_redelivery_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/membership/test_membership.hpp"

namespace ry::membership {
namespace {

using test::log_of;
using test::msg;
using test::ref;
using test::Script;

// Node 1 delivers (0,1), (0,2), (0,3) in incarnation 0, crashes and restarts (incarnation 1).
void delivered_then_restarted(Script& run) {
  run.deliver_all(ref(1), {msg(0, 1), msg(0, 2), msg(0, 3)});
  run.crash(ref(1));
  run.restart(ref(1, 1));
}

TEST(NoRedeliveryChecker, EmptyRunIsClean) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.name(), "no_redelivery_after_restart");
}

TEST(NoRedeliveryChecker, RestartedNodeContinuingItsLogIsClean) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  run.deliver_all(ref(1, 1), {msg(0, 4), msg(2, 1)});
  run.deliver_all(ref(2), {msg(0, 1), msg(0, 2)});  // other nodes deliver the same ids: fine
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_GT(checker.checks(), 0U);
}

TEST(NoRedeliveryChecker, RedeliveryAfterARestartFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  const std::uint64_t step = run.next_step();
  run.deliver(ref(1, 1), msg(0, 2));  // replays its log from a stale point, no state transfer
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "no_redelivery_after_restart");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, test::nodes({1}));
  EXPECT_NE(v.detail.find("node 1/1 delivered (0,2) at position 4, but it had delivered it at "
                          "position 2 in incarnation 0 at step 2: a message is delivered at most "
                          "once at a node"),
            std::string::npos)
      << v.detail;
}

// The crash lost the writes of positions 2 and 3; a state transfer to 1 puts them back.
TEST(NoRedeliveryChecker, SamePositionsAgainAfterAStateTransferAreClean) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  run.transfer(ref(1, 1), 1, log_of({msg(0, 1)}), 0);
  run.deliver_all(ref(1, 1), {msg(0, 2), msg(0, 3), msg(0, 4)});
  run.crash(ref(1, 1));
  run.restart(ref(1, 2));
  run.transfer(ref(1, 2), 2, log_of({msg(0, 1), msg(0, 2)}), 2);  // and once more, in life 2
  run.deliver_all(ref(1, 2), {msg(0, 3), msg(0, 4), msg(0, 5)});
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(NoRedeliveryChecker, DifferentContentAtAPositionDeliveredBeforeFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  run.transfer(ref(1, 1), 1, log_of({msg(0, 1)}), 0);
  const std::uint64_t step = run.next_step();
  run.deliver(ref(1, 1), msg(2, 7));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("node 1/1 after its state transfer from node 0 to position "
                                        "1 (step 6) delivered (2,7) digest 0x"),
            std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("at position 2, but it had delivered (0,2) digest 0x"),
            std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("in incarnation 0 at step 2 at that position: different "
                                        "content at a position it delivered before its crash"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, SameIdWithOtherContentAtThePositionFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  run.transfer(ref(1, 1), 1, log_of({msg(0, 1)}), 0);
  run.deliver(ref(1, 1), msg(0, 2), 42);
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("different content"), std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, MessageMovedToAnotherPositionAfterATransferFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  run.transfer(ref(1, 1), 1, log_of({msg(0, 1)}), 0);
  run.deliver(ref(1, 1), msg(0, 3));  // (0,3) was at position 3
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("delivered (0,3) at position 2, but it had delivered it "
                                        "at position 3 in incarnation 0"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, TransferThatRewritesItsOwnPastFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  const std::uint64_t step = run.next_step();
  run.transfer(ref(1, 1), 2, log_of({msg(0, 1), msg(5, 5)}), 3);
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("node 1/1's state transfer from node 3 to position 2 "
                                        "gives it a log with digest 0x"),
            std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("(it had delivered (0,2) there in incarnation 0 at step "
                                        "2): different content at positions it delivered before "
                                        "its crash"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, RedeliveryWithinOneIncarnationFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  run.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
  run.transfer(ref(1), 1, log_of({msg(0, 1)}), 0);  // excluded, rejoins, no crash
  run.deliver(ref(1), msg(0, 2));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("which it had delivered there already in this "
                                        "incarnation at step 2"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, TransferBeyondItsLogIsClean) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict);
  Script run{&checker};
  delivered_then_restarted(run);
  run.transfer(ref(1, 1), 10, 777, 0);  // positions 4..10 come from the donor
  run.deliver(ref(1, 1), msg(0, 11));
  run.crash(ref(1, 1));
  run.restart(ref(1, 2));
  run.transfer(ref(1, 2), 10, 777, 0);  // the same log again
  run.deliver(ref(1, 2), msg(0, 11));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  run.deliver(ref(1, 2), msg(0, 2));  // it had (0,2) at position 2
  EXPECT_TRUE(verdict.violated());
}

// Nodes 0, 1 and 2 deliver (0,1)..(0,n); node 1 crashes and restarts in incarnation 1.
void long_run(Script& run, std::uint64_t n) {
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    for (std::uint32_t node = 0; node < 3; ++node) run.deliver(ref(node), msg(0, seq));
  }
  run.crash(ref(1));
  run.restart(ref(1, 1));
}

TEST(NoRedeliveryChecker, MemoryFollowsTheSlowestLiveNode) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict, 3);
  Script run{&checker};
  long_run(run, 3000);
  EXPECT_LE(checker.kept(), 3 * NoRedeliveryChecker::trim_period);
  run.deliver(ref(1, 1), msg(0, 5));  // an old id, forgotten but for its seq interval
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("node 1/1 delivered (0,5) at position 3001, but it had "
                                        "delivered it before, at a position up to"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, TransferBelowTheKeptWindowIsCheckedByDigest) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict, 3);
  Script run{&checker};
  long_run(run, 3000);
  // Its log up to 10 is right, but what it delivers again after that is not.
  run.transfer(ref(1, 1), 10, test::log_of_seqs(0, 10), 0);
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  run.deliver(ref(1, 1), msg(0, 11), 99);  // other content at position 11
  for (std::uint64_t seq = 12; seq <= 3000 && !verdict.violated(); ++seq) {
    run.deliver(ref(1, 1), msg(0, seq));
  }
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("different content somewhere in positions 11.."),
            std::string::npos)
      << verdict.first().detail;
}

// --- what a transfer brings is the node's too (N given) ---------------------------------------

TEST(NoRedeliveryChecker, TransferredMessageDeliveredAgainFires) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict, 3);
  Script run{&checker};
  for (std::uint32_t node = 0; node < 2; ++node) {
    run.deliver_all(ref(node), {msg(0, 1), msg(0, 2), msg(0, 3), msg(1, 1)});
  }
  run.crash(ref(2));
  run.restart(ref(2, 1));
  run.transfer(ref(2, 1), 3, test::log_of_seqs(0, 3), 0);  // positions 1..3 are node 0's
  EXPECT_EQ(checker.spreading(), 1U);                      // only position 4 is not everywhere
  run.deliver(ref(2, 1), msg(1, 1));
  EXPECT_EQ(checker.spreading(), 0U);
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  const std::uint64_t step = run.next_step();
  run.deliver(ref(2, 1), msg(0, 2));  // at position 5: it got (0,2) at position 2
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("delivered (0,2) at position 5, but it had delivered it "
                                        "before, at a position up to 3"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(NoRedeliveryChecker, TransfersLeaveNoGapsInTheIds) {
  Verdict verdict;
  NoRedeliveryChecker checker(verdict, 3);
  Script run{&checker};
  for (std::uint64_t seq = 1; seq <= 1000; ++seq) {
    for (std::uint32_t node = 0; node < 2; ++node) run.deliver(ref(node), msg(0, seq));
    if (seq <= 100) run.deliver(ref(2), msg(0, seq));
  }
  run.crash(ref(2));
  run.restart(ref(2, 1));
  EXPECT_EQ(checker.spreading(), 900U);
  run.transfer(ref(2, 1), 900, test::log_of_seqs(0, 900), 1);
  for (std::uint64_t seq = 901; seq <= 1000; ++seq) run.deliver(ref(2, 1), msg(0, seq));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(checker.spreading(), 0U);
  EXPECT_EQ(checker.intervals(), 3U);  // one per node: (0,101)..(0,900) left no gap at node 2
}

}  // namespace
}  // namespace ry::membership
