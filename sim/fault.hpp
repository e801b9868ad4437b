// One fault vocabulary. A FaultStep is one injected fault with its time, its target and how long
// it holds; the seeded nemesis draws FaultSteps, scenario files and recorded schedules list them
// (tools/engine/schedule.hpp reads and writes their JSON), and a FaultPlayer applies them to a
// Cluster. So a fault the nemesis injected can be written down, replayed without the nemesis, and
// removed or weakened one at a time by the shrinker (tools/engine/shrink.hpp).
//
// A step with a hold (duration_ns > 0) undoes itself: a crash restarts the node, a partition or a
// cut heals the links it cut (unless another fault still in force cuts them too). Pauses, clogs
// and slow disks end by themselves; their hold only says how long they count as in force.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/cluster.hpp"

namespace ry {

struct FaultStep {
  enum class Action : std::uint8_t {
    partition,    // shape + node / side / bridge / links; held: healed after duration
    heal,         // heal every cut, partition and clog
    clog,         // node -> peer held for duration, then released in a burst
    crash,        // node; with `moment`, at the next time its core reaches that moment;
                  // held: restarted after duration
    restart,      // node
    pause,        // node stalls for duration
    clock_jump,   // node's clock moves by delta (either way)
    clock_drift,  // node's clock runs at ppm from now on
    disk,         // disk fault `disk` on node (slow: for duration)
    cut,          // the one directed link node -> peer; held: healed after duration
  };
  Nanos at_ns = 0;
  Action action = Action::heal;
  std::string shape;  // partition: isolate | split | ring_cut | bridge | one_way | links
  std::uint32_t node = 0;
  std::uint32_t peer = 0;  // clog, cut: the receiving end; bridge: the bridge node
  std::vector<std::uint32_t> side;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  Nanos duration_ns = 0;
  Nanos delta_ns = 0;
  std::int64_t ppm = 0;
  std::string moment;  // crash: a protocol moment (a note kind of the core)
  std::string disk;    // torn | corrupt | misdirect | slow
  friend bool operator==(const FaultStep&, const FaultStep&) = default;
};

using Schedule = std::vector<FaultStep>;

// The action's name in files and summaries ("partition", "clock_jump", ...).
std::string_view action_name(FaultStep::Action action);

// One line for a person: "100 ms: partition split {0,1}".
std::string describe(const FaultStep& step);

// The links a partition step cuts among `nodes` nodes.
Partition make_partition(const FaultStep& step, std::uint32_t nodes);

// Applies fault steps to a cluster now, keeps the ones with a hold in force until their hold
// ends, and (if asked) writes down every step it applied, with the time it applied it.
class FaultPlayer {
 public:
  explicit FaultPlayer(Cluster& cluster) : cluster_(cluster) {}
  FaultPlayer(const FaultPlayer&) = delete;
  FaultPlayer& operator=(const FaultPlayer&) = delete;

  // Every step applied from now on is appended to `out` (nullptr: none).
  void record_to(Schedule* out) noexcept { record_ = out; }

  // Applies `step` now (its at_ns is not looked at). A crash or a pause of a node that is down
  // and a restart of one that is up do nothing and are not recorded.
  void apply(const FaultStep& step);

  // Faults with a hold that are in force now.
  [[nodiscard]] std::size_t held() const noexcept { return held_.size(); }
  // Whether a held cut or partition cuts this link.
  [[nodiscard]] bool holds_cut(NodeId from, NodeId to) const;

  // Restarts it made (a restart step, or the end of a crash's hold).
  [[nodiscard]] std::uint64_t restarts() const noexcept { return restarts_; }

  // Forgets every hold (the caller heals the whole cluster): no hold ends after this.
  void stop();

 private:
  using Link = std::pair<NodeId, NodeId>;
  struct Held {
    std::uint64_t id;
    FaultStep::Action action;
    NodeId node;
    std::vector<Link> links;  // cut or partition: the links it cuts
    std::string detail;       // partition: its description
  };

  bool apply_now(const FaultStep& step);
  void hold(Held fault, Nanos duration);
  void end_hold(std::uint64_t id);

  Cluster& cluster_;
  Schedule* record_ = nullptr;
  std::vector<Held> held_;  // in the order they were applied
  std::uint64_t next_id_ = 1;
  std::uint64_t restarts_ = 0;
  bool stopped_ = false;
};

// Plays `schedule` (steps in time order, at_ns from the run's start) through `player`: sleeps
// until each step's time and applies it. Runs inside a fiber; returns early if the run stops.
void play_schedule(const Schedule& schedule, Cluster& cluster, FaultPlayer& player, Fiber& fiber);

}  // namespace ry
