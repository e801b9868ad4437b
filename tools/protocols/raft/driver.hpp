// Raft in a run (its descriptor is descriptor.cpp beside this file; the protocol is
// protocol/raft/README.md): the kv workload, the ordering checkers over the applied commands
// (uniform total order), the telemetry checker (election safety, term and commit
// monotonicity), the log and vote checkers of invariants/raft/ (README.md "Simulation
// checkers"), and, once converged, acknowledged writes and equal replica states.
// Liveness after the heal: a leader, every up voter has applied everything the leader has, and
// every client operation that was acknowledged or left unknown has settled.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "invariants/kv/replica_state_checker.hpp"
#include "invariants/progress/progress_checker.hpp"
#include "protocol/raft/core.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/engine/coverage.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"

namespace ry {

class RaftDriver {
 public:
  using Core = raft::Core;

  explicit RaftDriver(const RunOptions& options) : options_(options) {}

  [[nodiscard]] raft::Config config() const;
  void attach(World<Core>& world, CheckerSuite<Core>& checkers);
  void begin_liveness(World<Core>&) {
    healed_ = true;
    if (bounded_) bounded_->stop();  // the liveness phase has its own budget (live())
  }
  [[nodiscard]] bool live(World<Core>& world);
  std::optional<std::string> expected_halt(World<Core>& world) const;
  std::string liveness_failure(World<Core>& world);
  void summarize(World<Core>& world, RunResult& result);

 private:
  // The leader of the highest term among up nodes, or nullptr.
  [[nodiscard]] const Core* leader(World<Core>& world) const;
  [[nodiscard]] bool converged(World<Core>& world) const;
  // The membership churn of --membership-ms (section 8): one change per interval, at the
  // leader, until the heal.
  void churn(Fiber& fiber, World<Core>& world) const;

  RunOptions options_;
  Verdict* verdict_ = nullptr;
  ReplicaStateChecker* replicas_ = nullptr;
  std::unique_ptr<CoverageTracker> coverage_;  // abstract_state.hpp
  // Bounded progress (progress_bounds.hpp); a plain observer, so the footer's checks stay as
  // they were.
  std::unique_ptr<ProgressChecker> bounded_;
  bool healed_ = false;
  bool converged_checked_ = false;
};

}  // namespace ry
