// The seeded nemesis: many faults, overlapping. Every interval (drawn from the faults stream) it
// picks a fault kind by weight, draws a FaultStep (sim/fault.hpp, the vocabulary scenario files
// and recorded schedules share) and applies it through its FaultPlayer; a fault with a hold
// (crash, pause, cut, partition, clog, slow disk) ends after the hold, so faults overlap, at
// most `max_active` of them at once. Instant faults (clock jump, drift change, torn,
// corrupt and misdirected writes) take no slot. Every fault and heal is reported.
//
// stop_and_heal() ends the safety phase (README.md, "Phases"): it stops injecting, heals
// cuts, partitions and clogs, turns off loss, duplication and delay spikes, and restarts crashed
// nodes if `restart` is set, so the liveness phase starts from a quiet cluster.
//
// Deterministic: one Prng on the faults stream (disk fault details come from the World's disk
// stream), active faults in a vector in injection order, no unordered containers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "protocol/common/prng.hpp"
#include "sim/cluster.hpp"
#include "sim/fault.hpp"

namespace ry {

struct NemesisOptions {
  bool enabled = false;
  Nanos interval_min_ns = 50 * ms_ns;  // time between two injections
  Nanos interval_max_ns = 200 * ms_ns;
  Nanos hold_min_ns = 5 * ms_ns;  // how long a fault lasts before it is healed
  Nanos hold_max_ns = 80 * ms_ns;
  std::uint32_t max_active = 2;  // concurrent faults with a hold
  // Relative weights; 0 turns a kind off.
  std::uint32_t crash = 1, pause = 1, cut = 1, partition = 1, clog = 0, clock_jump = 1,
                clock_drift = 0, disk = 0;
  bool restart = true;         // false: a crashed node stays down until the end of the run
  std::uint32_t max_down = 1;  // at most this many nodes crashed at once
  Nanos clock_jump_max_ns = 20 * ms_ns;
  std::int64_t drift_ppm_max = 500;  // for clock_drift: a new drift in [-max, max]
};

struct NemesisStats {
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
  std::uint64_t pauses = 0;
  std::uint64_t cuts = 0;
  std::uint64_t partitions = 0;
  std::uint64_t clogs = 0;
  std::uint64_t clock_jumps = 0;
  std::uint64_t clock_drifts = 0;
  std::uint64_t disk_faults = 0;
};

class Nemesis {
 public:
  Nemesis(Cluster& cluster, NemesisOptions options);

  void start();
  // Stops injecting and heals (see above). Clocks, disks and pauses are left as they are.
  void stop_and_heal();

  [[nodiscard]] NemesisStats stats() const noexcept;
  // Faults with a hold that are in force now.
  [[nodiscard]] std::size_t active() const noexcept { return player_.held(); }
  // Whether an active cut or partition of the nemesis cuts this link (for tests).
  [[nodiscard]] bool holds_cut(NodeId from, NodeId to) const { return player_.holds_cut(from, to); }
  // What applies the nemesis's faults; a scripted schedule plays through it too, so that holds
  // and heals of both know of each other, and a recording sees every fault.
  [[nodiscard]] FaultPlayer& player() noexcept { return player_; }

 private:
  enum class Kind : std::uint8_t {
    crash,
    pause,
    cut,
    partition,
    clog,
    clock_jump,
    clock_drift,
    disk,
    none
  };
  void run(Fiber& fiber);
  [[nodiscard]] Kind pick_kind();
  void inject(Kind kind);
  [[nodiscard]] FaultStep pick_partition();
  [[nodiscard]] std::vector<NodeId> pick_distinct(std::vector<NodeId> pool, std::uint64_t count);
  NodeId pick_node();
  std::uint32_t down_count() const;

  Cluster& cluster_;
  NemesisOptions options_;
  Prng prng_;
  NemesisStats stats_;
  FaultPlayer player_;
  bool stopped_ = false;
};

}  // namespace ry
