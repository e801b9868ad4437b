// TRAINS in a run: the broadcast workload, the ordering checkers (uniform total order,
// integrity, validity), and liveness = every accepted broadcast delivered at every node once
// the cluster is healed and the clients have stopped (docs/trains.md section 7).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "invariants/integrity_checker.hpp"
#include "invariants/total_order_checker.hpp"
#include "invariants/validity_checker.hpp"
#include "protocol/trains/core.hpp"
#include "sim/workload.hpp"
#include "sim/world.hpp"
#include "tools/latency_histogram.hpp"
#include "tools/run_options.hpp"
#include "tools/run_result.hpp"

namespace ry {

class TrainsDriver {
 public:
  using Core = trains::Core;

  explicit TrainsDriver(const RunOptions& options);
  ~TrainsDriver();
  TrainsDriver(const TrainsDriver&) = delete;
  TrainsDriver& operator=(const TrainsDriver&) = delete;

  [[nodiscard]] trains::Config config() const;
  void attach(World<Core>& world, Verdict& verdict);
  [[nodiscard]] std::uint64_t checks() const;
  void begin_liveness(World<Core>& world);
  [[nodiscard]] bool live() const;
  std::string liveness_failure(World<Core>& world);
  void summarize(World<Core>& world, RunResult& result);

 private:
  // Counts deliveries and measures latency (broadcast to delivery at each node).
  class Progress;

  RunOptions options_;
  std::optional<TotalOrderChecker> total_order_;
  std::optional<IntegrityChecker> integrity_;
  std::optional<ValidityChecker> validity_;
  std::vector<std::unique_ptr<Checker>> extra_checkers_;
  std::unique_ptr<Progress> progress_;
  std::optional<Workload> workload_;
  bool healed_ = false;
};

}  // namespace ry
