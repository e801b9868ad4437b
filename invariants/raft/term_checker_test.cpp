// The telemetry checker fires on each of its properties, and stays quiet on a legal run.
#include "invariants/raft/term_checker.hpp"

#include <gtest/gtest.h>

namespace ry::raft {
namespace {

ry::Status status(std::int64_t term, std::int64_t role, std::int64_t commit) {
  return ry::Status{}.add("term", term).add("role", role).add("leader", -1).add("commit", commit);
}

struct Fixture {
  Verdict verdict;
  TermChecker checker{verdict, 3};
  std::uint64_t step = 0;
  void report(std::uint32_t node, const ry::Status& s, std::uint32_t inc = 0) {
    checker.on_status(Step{++step, Time{}}, NodeRef{NodeId{node}, inc}, s);
  }
};

TEST(RaftTermChecker, TwoLeadersOfOneTermViolateElectionSafety) {
  Fixture f;
  f.report(0, status(2, 2, 0));
  f.report(1, status(2, 2, 0));
  ASSERT_TRUE(f.verdict.violated());
  EXPECT_EQ(f.verdict.first().property, "election_safety");
}

TEST(RaftTermChecker, LeadersOfDifferentTermsAreFine) {
  Fixture f;
  f.report(0, status(2, 2, 1));
  f.report(1, status(3, 2, 1));
  f.report(0, status(3, 0, 1));
  f.report(2, status(3, 0, 1));
  EXPECT_FALSE(f.verdict.violated());
}

void sent(Fixture& f, std::uint32_t node, std::int64_t term) {
  MessageInfo info;
  info.kind = "append_entries_response";
  info.add("term", term);
  f.checker.on_send(Step{++f.step, Time{}}, NodeRef{NodeId{node}, 0}, NodeId{1}, info);
}

TEST(RaftTermChecker, ATermNeverSentMayBeLostWithACrash) {
  Fixture f;
  f.report(0, status(4, 0, 0));
  sent(f, 0, 4);
  f.report(0, status(5, 0, 0));  // adopted, not yet synced: nothing carried it
  f.checker.on_crash(Step{9, Time{}}, NodeRef{NodeId{0}, 0});
  f.report(0, status(4, 0, 0), 1);
  EXPECT_FALSE(f.verdict.violated());
}

TEST(RaftTermChecker, ATermGoingDownIsCaughtEvenAcrossARestart) {
  Fixture f;
  f.report(0, status(5, 0, 0));
  sent(f, 0, 5);
  f.checker.on_crash(Step{9, Time{}}, NodeRef{NodeId{0}, 0});
  f.report(0, status(4, 0, 0), 1);
  ASSERT_TRUE(f.verdict.violated());
  EXPECT_EQ(f.verdict.first().property, "term_monotonicity");
}

TEST(RaftTermChecker, ATermLostWithTheDiskIsAllowedOnlyAtTheRestartThatSaysSo) {
  Fixture f;
  f.report(0, status(5, 0, 0));
  sent(f, 0, 5);
  f.checker.on_crash(Step{9, Time{}}, NodeRef{NodeId{0}, 0});
  f.report(0, status(0, 0, 0).add("suspect", 3), 1);
  EXPECT_FALSE(f.verdict.violated());
  f.report(0, status(2, 0, 0).add("suspect", 3), 1);
  f.report(0, status(1, 0, 0).add("suspect", 3), 1);  // within one life: never
  ASSERT_TRUE(f.verdict.violated());
  EXPECT_EQ(f.verdict.first().property, "term_monotonicity");
}

TEST(RaftTermChecker, CommitGoingDownWithinALifeIsCaughtButNotAfterARestart) {
  Fixture f;
  f.report(1, status(1, 0, 7));
  f.checker.on_crash(Step{3, Time{}}, NodeRef{NodeId{1}, 0});
  f.report(1, status(1, 0, 0), 1);  // commit restarts at the snapshot: legal
  EXPECT_FALSE(f.verdict.violated());
  f.report(1, status(1, 0, 5), 1);
  f.report(1, status(1, 0, 4), 1);
  ASSERT_TRUE(f.verdict.violated());
  EXPECT_EQ(f.verdict.first().property, "commit_monotonic");
}

}  // namespace
}  // namespace ry::raft
