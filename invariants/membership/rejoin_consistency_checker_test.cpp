#include "invariants/membership/rejoin_consistency_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/membership/test_membership.hpp"

namespace ry::membership {
namespace {

using test::log_of;
using test::msg;
using test::ref;
using test::Script;

// Nodes 0 and 1 deliver (0,1), (0,2), (0,3); node 2 is down and restarts (incarnation 1).
void three_delivered_then_restart(Script& run) {
  run.crash(ref(2));
  for (std::uint32_t node = 0; node < 2; ++node) {
    run.deliver_all(ref(node), {msg(0, 1), msg(0, 2), msg(0, 3)});
  }
  run.restart(ref(2, 1));
}

TEST(RejoinConsistencyChecker, EmptyRunIsClean) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.name(), "rejoin_consistency");
}

TEST(RejoinConsistencyChecker, TransferOfTheGlobalPrefixIsClean) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  Script run{&checker};
  three_delivered_then_restart(run);
  run.transfer(ref(2, 1), 3, log_of({msg(0, 1), msg(0, 2), msg(0, 3)}), 0);
  for (std::uint32_t node = 0; node < 2; ++node) run.deliver(ref(node), msg(1, 1));
  run.deliver(ref(2, 1), msg(1, 1));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_GT(checker.checks(), 0U);
}

TEST(RejoinConsistencyChecker, TransferOfAShorterPrefixFollowedByTheTailIsClean) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  Script run{&checker};
  three_delivered_then_restart(run);
  run.transfer(ref(2, 1), 1, log_of({msg(0, 1)}), 1);  // the snapshot; the tail is delivered
  run.deliver_all(ref(2, 1), {msg(0, 2), msg(0, 3)});
  run.transfer(ref(0), 0, log_of({}));  // the empty log is a prefix too
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(RejoinConsistencyChecker, TransferredLogThatDiffersFires) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  Script run{&checker};
  three_delivered_then_restart(run);
  const std::uint64_t step = run.next_step();
  run.transfer(ref(2, 1), 3, log_of({msg(0, 1), msg(0, 3), msg(0, 2)}), 1);
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "rejoin_consistency");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, test::nodes({2, 0}));
  EXPECT_NE(v.detail.find("node 2/1 announced a state transfer from node 1 to position 3 with log "
                          "digest 0x"),
            std::string::npos)
      << v.detail;
  EXPECT_NE(v.detail.find("(position 3 is (0,3), first delivered by node 0/0 at step 4): the "
                          "transferred log differs from the global sequence at or before "
                          "position 3"),
            std::string::npos)
      << v.detail;
}

TEST(RejoinConsistencyChecker, TransferBeyondTheLongestLogFires) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  Script run{&checker};
  three_delivered_then_restart(run);
  run.transfer(ref(2, 1), 5, log_of({}), 0);
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("to position 5, but the longest log anywhere has 3 "
                                        "positions: no node delivered 4..5"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(RejoinConsistencyChecker, TailThatDoesNotJoinTheSnapshotFires) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  Script run{&checker};
  three_delivered_then_restart(run);
  run.transfer(ref(2, 1), 1, log_of({msg(0, 1)}), 0);
  const std::uint64_t step = run.next_step();
  run.deliver(ref(2, 1), msg(0, 3));  // off by one: skips (0,2)
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("node 2/1's first delivery after its state transfer from "
                                        "node 0 to position 1 (step 9) is (0,3)"),
            std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("at position 2, but position 2 of the global sequence is "
                                        "(0,2)"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(RejoinConsistencyChecker, OtherNotesAreIgnored) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict);
  Script run{&checker};
  run.note(ref(1), Note{"stable", 99, 99, 99});
  run.note(ref(1), Note{"state_transfer", 99, 99, 99});  // a note never stands for a transfer
  run.note(ref(1), Note{});
  EXPECT_FALSE(verdict.violated());
}

// Nodes 0 and 1 deliver `n` messages (0,1)..(0,n); node 2 is down all along.
void long_run(Script& run, std::uint64_t n) {
  run.crash(ref(2));
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    run.deliver(ref(0), msg(0, seq));
    run.deliver(ref(1), msg(0, seq));
  }
}

TEST(RejoinConsistencyChecker, MemoryFollowsTheSlowestLiveNode) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict, 3);
  Script run{&checker};
  long_run(run, 5000);
  EXPECT_EQ(checker.global_length(), 5000U);
  EXPECT_LE(checker.kept(), RejoinConsistencyChecker::trim_period + 1);
  run.restart(ref(2, 1));
  run.transfer(ref(2, 1), 5000, test::log_of_seqs(0, 5000), 0);
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(RejoinConsistencyChecker, TransferBelowTheKeptWindowIsCheckedByDigest) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict, 3);
  Script run{&checker};
  long_run(run, 3000);
  ASSERT_GT(checker.global_length() - checker.kept(), 100U);  // position 100 is gone
  run.restart(ref(2, 1));
  run.transfer(ref(2, 1), 100, test::log_of_seqs(0, 100, 50), 0);  // wrong at position 50
  EXPECT_FALSE(verdict.violated());
  for (std::uint64_t seq = 101; seq <= 3000 && !verdict.violated(); ++seq) {
    run.deliver(ref(2, 1), msg(0, seq));
  }
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("node 2/1's log after its state transfer from node 0 to "
                                        "position 100"),
            std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("differs from the global sequence somewhere in positions "
                                        "1.."),
            std::string::npos)
      << verdict.first().detail;
}

TEST(RejoinConsistencyChecker, CorrectTransferBelowTheKeptWindowIsClean) {
  Verdict verdict;
  RejoinConsistencyChecker checker(verdict, 3);
  Script run{&checker};
  long_run(run, 3000);
  run.restart(ref(2, 1));
  run.transfer(ref(2, 1), 100, test::log_of_seqs(0, 100), 0);
  for (std::uint64_t seq = 101; seq <= 3000; ++seq) run.deliver(ref(2, 1), msg(0, seq));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

}  // namespace
}  // namespace ry::membership
