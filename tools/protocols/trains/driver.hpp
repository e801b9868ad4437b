// TRAINS in a run (its descriptor is descriptor.cpp beside this file): the ordering checkers
// (uniform total order, integrity, validity), the TRAINS checkers, the membership checkers
// (protocol/trains/README.md section 7), and liveness once the cluster is healed and the clients
// have stopped:
//  - uto: every accepted broadcast delivered at every node;
//  - to: every up node (but one whose disk lost its clock, which never rejoins) is a member of the
//    highest view and has installed it, all members' logs are equal (length and digest), and every
//    broadcast accepted by an incarnation that has not crashed since was delivered; then uniform
//    agreement is checked once over the members (a message a crashed node delivered must be
//    there too). A `to` run halts only when no majority of that view is up.
// With the kv workload the nodes also apply their deliveries to a key-value store; once converged,
// every acknowledged write must be applied at every member and their stores must be equal
// (invariants/kv/replica_state_checker.hpp).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "invariants/integrity_checker.hpp"
#include "invariants/kv/replica_state_checker.hpp"
#include "invariants/membership/uniform_agreement_checker.hpp"
#include "invariants/progress/progress_checker.hpp"
#include "invariants/total_order_checker.hpp"
#include "invariants/validity_checker.hpp"
#include "protocol/trains/core.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/engine/coverage.hpp"
#include "tools/engine/latency_histogram.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"
#include "tools/protocols/trains/reference_check.hpp"

namespace ry {

class TrainsDriver {
 public:
  using Core = trains::Core;

  explicit TrainsDriver(const RunOptions& options);
  ~TrainsDriver();
  TrainsDriver(const TrainsDriver&) = delete;
  TrainsDriver& operator=(const TrainsDriver&) = delete;

  [[nodiscard]] trains::Config config() const;
  void attach(World<Core>& world, CheckerSuite<Core>& checkers);
  void begin_liveness(World<Core>& world);
  [[nodiscard]] bool live(World<Core>& world);
  std::optional<std::string> expected_halt(World<Core>& world) const;
  std::string liveness_failure(World<Core>& world);
  void summarize(World<Core>& world, RunResult& result);
  // Uniform agreement's end-of-run check over `live` (`to` only); World tests call it once their
  // run is quiet. The reason it fails, or nothing.
  std::optional<std::string> uniform_agreement(std::uint64_t step,
                                               const std::vector<NodeId>& live) const;

 private:
  // Counts deliveries and measures latency (broadcast to delivery at each node).
  class Progress;

  RunOptions options_;
  ValidityChecker* validity_ = nullptr;
  membership::UniformAgreementChecker* uniform_ = nullptr;
  ReplicaStateChecker* replicas_ = nullptr;  // kv workload only
  std::unique_ptr<Progress> progress_;
  // Bounded progress in the safety phase (progress_bounds.hpp). A plain observer rather than a
  // suite checker, so that its checks leave the trace footer's count as it was.
  std::unique_ptr<ProgressChecker> bounded_;
  trains::ReferenceCheck* reference_ = nullptr;  // --reference only
  std::unique_ptr<CoverageTracker> coverage_;    // abstract_state.hpp
  [[nodiscard]] bool to_mode() const { return options_.mode != "uto"; }
  [[nodiscard]] bool membership_converged() const;
  // Once, when quiet: agreement over the members, and the key-value stores (kv workload).
  void check_converged();

  World<Core>* world_ = nullptr;
  Verdict* verdict_ = nullptr;
  bool healed_ = false;
  bool converged_checked_ = false;
};

}  // namespace ry
