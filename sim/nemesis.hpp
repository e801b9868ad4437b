// The seeded nemesis: a fiber that injects one fault at a time (crash then restart, pause, a cut
// link then heal, a clock jump) at times drawn from the faults stream, and reports each one.
// stop_and_heal() ends the safety phase: it stops injecting and heals everything, so the
// liveness phase starts from a whole, quiet cluster (docs/design.md, "Phases").
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/common/prng.hpp"
#include "sim/cluster.hpp"

namespace ry {

struct NemesisOptions {
  bool enabled = false;
  Nanos interval_min_ns = 50 * ms_ns;  // quiet time between two faults
  Nanos interval_max_ns = 200 * ms_ns;
  Nanos hold_min_ns = 5 * ms_ns;  // how long a fault lasts before it is healed
  Nanos hold_max_ns = 80 * ms_ns;
  bool crashes = true;
  bool pauses = true;
  bool cuts = true;
  bool clock_jumps = true;
  Nanos clock_jump_max_ns = 20 * ms_ns;
};

struct NemesisStats {
  std::uint64_t crashes = 0;
  std::uint64_t pauses = 0;
  std::uint64_t cuts = 0;
  std::uint64_t clock_jumps = 0;
};

class Nemesis {
 public:
  Nemesis(Cluster& cluster, NemesisOptions options);

  void start();
  // Stops injecting and heals: restarts crashed nodes, heals cuts, turns off loss and
  // duplication. Pauses run out by themselves.
  void stop_and_heal();

  [[nodiscard]] const NemesisStats& stats() const noexcept { return stats_; }

 private:
  void run(Fiber& fiber);
  NodeId pick_node();

  Cluster& cluster_;
  NemesisOptions options_;
  Prng prng_;
  NemesisStats stats_;
  bool stopped_ = false;
};

}  // namespace ry
