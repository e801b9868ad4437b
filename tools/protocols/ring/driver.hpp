// The `ring` protocol in a run: the token checker, and liveness = the token keeps moving once
// the cluster is healed (two whole laps), or has finished its `laps`.
#pragma once

#include <optional>

#include "invariants/ring/token_checker.hpp"
#include "protocol/ring/ring.hpp"
#include "sim/world.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"

namespace ry {

class RingDriver {
 public:
  using Core = ring::Core;

  explicit RingDriver(const RunOptions& options) : options_(options) {}

  [[nodiscard]] ring::Config config() const;
  void attach(World<Core>& world, Verdict& verdict);
  [[nodiscard]] std::uint64_t checks() const { return checker_ ? checker_->checks() : 0; }
  void begin_liveness(World<Core>& world);
  [[nodiscard]] bool live() const;
  std::string liveness_failure(World<Core>& world);
  void summarize(World<Core>& world, RunResult& result);

 private:
  [[nodiscard]] std::int64_t accepted() const { return checker_->next_hop() - 1; }

  RunOptions options_;
  std::optional<ring::TokenChecker> checker_;
  std::int64_t hops_at_heal_ = 0;
};

}  // namespace ry
