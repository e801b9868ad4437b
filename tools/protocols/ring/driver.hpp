// The `ring` protocol in a run (its descriptor is descriptor.cpp beside this file): the token
// checker, and liveness = the token keeps moving once the cluster is healed (two whole laps), or
// has finished its `laps`.
#pragma once

#include <optional>

#include "invariants/ring/token_checker.hpp"
#include "protocol/ring/ring.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {

class RingDriver {
 public:
  using Core = ring::Core;

  explicit RingDriver(const RunOptions& options) : options_(options) {}

  [[nodiscard]] ring::Config config() const;
  void attach(World<Core>& world, CheckerSuite<Core>& checkers);
  void begin_liveness(World<Core>& world);
  [[nodiscard]] bool live(World<Core>& world) const;
  std::optional<std::string> expected_halt(World<Core>& world) const {
    return nodes_down_for_good(world);
  }
  std::string liveness_failure(World<Core>& world);
  void summarize(World<Core>& world, RunResult& result);

 private:
  [[nodiscard]] std::int64_t accepted() const { return checker_->next_hop() - 1; }

  RunOptions options_;
  ring::TokenChecker* checker_ = nullptr;
  std::int64_t hops_at_heal_ = 0;
};

}  // namespace ry
