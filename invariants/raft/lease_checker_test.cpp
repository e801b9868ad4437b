// The lease checker fires when a node is elected while an older leader's lease still holds on
// that leader's clock, stays quiet once the lease ran out, and is disarmed by a clock jump or a
// drift past the declared bound (the lease's timing assumption then no longer holds).
#include "invariants/raft/lease_checker.hpp"

#include <gtest/gtest.h>

namespace ry::raft {
namespace {

struct Fixture {
  std::vector<NodeClock> clocks = std::vector<NodeClock>(3);
  Verdict verdict;
  LeaseChecker checker{verdict, 3, [this](NodeId n) -> const NodeClock& { return clocks[n.value]; },
                       100};
  std::uint64_t steps = 0;

  void note(std::uint32_t n, Time at, const char* kind, std::int64_t a) {
    checker.on_note(Step{++steps, at}, NodeRef{NodeId{n}, 0}, Note{kind, a, 0, 0});
  }
  [[nodiscard]] std::string violated() const {
    return verdict.violated() ? std::string(verdict.first().property) : "";
  }
};

constexpr Time at_ms(std::int64_t ms) { return Time{ms * ms_ns}; }

TEST(RaftLeaseChecker, AnElectionDuringAnOlderLeadersLeaseViolatesLeaseSafety) {
  Fixture f;
  f.note(0, at_ms(10), "elected", 1);
  f.note(0, at_ms(20), "lease", at_ms(160).ns);
  f.note(1, at_ms(100), "elected", 2);
  EXPECT_EQ(f.violated(), "lease_safety");
  EXPECT_GT(f.checker.checks(), 0U);
}

TEST(RaftLeaseChecker, AnElectionAfterTheLeaseRanOutPasses) {
  Fixture f;
  f.note(0, at_ms(10), "elected", 1);
  f.note(0, at_ms(20), "lease", at_ms(160).ns);
  f.note(1, at_ms(170), "elected", 2);
  EXPECT_EQ(f.violated(), "");
}

TEST(RaftLeaseChecker, ALeaderThatSteppedDownOrTransfersHoldsNoLease) {
  Fixture f;
  f.note(0, at_ms(10), "elected", 1);
  f.note(0, at_ms(20), "lease", at_ms(160).ns);
  f.note(0, at_ms(30), "transfer", 1);
  f.note(1, at_ms(40), "elected", 2);
  EXPECT_EQ(f.violated(), "");
}

TEST(RaftLeaseChecker, AClockJumpOrADriftPastTheBoundDisarmsIt) {
  Fixture f;
  f.note(0, at_ms(10), "elected", 1);
  f.note(0, at_ms(20), "lease", at_ms(160).ns);
  f.checker.on_fault(Step{99, at_ms(50)}, FaultInfo{"clock_jump", 2, -1, 5 * ms_ns});
  f.note(1, at_ms(100), "elected", 2);
  EXPECT_FALSE(f.checker.armed());
  EXPECT_EQ(f.violated(), "");

  Fixture g;
  g.clocks[2].set_drift_ppm(500);
  g.note(0, at_ms(10), "elected", 1);
  g.note(0, at_ms(20), "lease", at_ms(160).ns);
  g.note(1, at_ms(100), "elected", 2);
  EXPECT_FALSE(g.checker.armed());
  EXPECT_EQ(g.violated(), "");
}

}  // namespace
}  // namespace ry::raft
