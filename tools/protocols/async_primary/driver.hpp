// async-primary in a run (its descriptor is descriptor.cpp beside this file; the protocol is
// protocol/async_primary/README.md): the kv workload and, once converged, the exact count of
// lost acknowledged writes (invariants/async_primary/lost_writes_checker.hpp) and the generic
// acknowledged_writes / replica_state check. Losing acknowledged writes is this protocol's
// expected behaviour under partitions: its scenarios expect that violation.
// Liveness after the heal: one primary of the highest epoch, and every up node following it with
// the primary's whole history.
#pragma once

#include <optional>
#include <string>

#include "invariants/async_primary/lost_writes_checker.hpp"
#include "invariants/kv/replica_state_checker.hpp"
#include "protocol/async_primary/core.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"

namespace ry {

class AsyncPrimaryDriver {
 public:
  using Core = async_primary::Core;

  explicit AsyncPrimaryDriver(const RunOptions& options) : options_(options) {}

  [[nodiscard]] async_primary::Config config() const;
  void attach(World<Core>& world, CheckerSuite<Core>& checkers);
  void begin_liveness(World<Core>&) { healed_ = true; }
  [[nodiscard]] bool live(World<Core>& world);
  std::optional<std::string> expected_halt(World<Core>& world) const;
  std::string liveness_failure(World<Core>& world);
  void summarize(World<Core>& world, RunResult& result);

 private:
  // The primary of the highest epoch among up nodes, or nullptr.
  [[nodiscard]] const Core* primary(World<Core>& world) const;
  [[nodiscard]] bool converged(World<Core>& world) const;
  void check_converged(World<Core>& world);

  RunOptions options_;
  ReplicaStateChecker* replicas_ = nullptr;
  async_primary::LostWritesChecker* lost_checker_ = nullptr;
  std::optional<async_primary::LostWrites> lost_;
  bool healed_ = false;
};

}  // namespace ry
