#include "sim/nemesis.hpp"

#include <algorithm>
#include <array>

namespace ry {

Nemesis::Nemesis(Cluster& cluster, NemesisOptions options)
    : cluster_(cluster),
      options_(options),
      prng_(cluster.seed(), Stream::faults),
      player_(cluster) {
  RY_ASSERT(options.interval_min_ns >= 0 && options.interval_min_ns <= options.interval_max_ns);
  RY_ASSERT(options.hold_min_ns >= 0 && options.hold_min_ns <= options.hold_max_ns);
  RY_ASSERT(options.clock_jump_max_ns >= 0);
  RY_ASSERT(options.drift_ppm_max >= 0 && options.drift_ppm_max < NodeClock::drift_ppm_max);
}

NemesisStats Nemesis::stats() const noexcept {
  NemesisStats s = stats_;
  s.restarts += player_.restarts();
  return s;
}

void Nemesis::start() {
  if (!options_.enabled) return;
  cluster_.spawn([this](Fiber& fiber) { run(fiber); });
}

NodeId Nemesis::pick_node() {
  return NodeId{static_cast<std::uint32_t>(prng_.below(cluster_.node_count()))};
}

std::uint32_t Nemesis::down_count() const {
  std::uint32_t down = 0;
  for (std::uint32_t i = 0; i < cluster_.node_count(); ++i) {
    if (!cluster_.is_up(NodeId{i})) ++down;
  }
  return down;
}

// A kind drawn by weight; network faults need two nodes. `none` if every weight is 0.
Nemesis::Kind Nemesis::pick_kind() {
  const bool links = cluster_.node_count() > 1;
  const std::array<std::uint64_t, 8> weight = {options_.crash,
                                               options_.pause,
                                               links ? options_.cut : 0U,
                                               links ? options_.partition : 0U,
                                               links ? options_.clog : 0U,
                                               options_.clock_jump,
                                               options_.clock_drift,
                                               options_.disk};
  std::uint64_t total = 0;
  for (std::uint64_t w : weight) total += w;
  if (total == 0) return Kind::none;
  std::uint64_t draw = prng_.below(total);
  for (std::size_t k = 0; k < weight.size(); ++k) {
    if (draw < weight[k]) return static_cast<Kind>(k);
    draw -= weight[k];
  }
  RY_ASSERT(false);
  return Kind::none;
}

void Nemesis::run(Fiber& fiber) {
  while (fiber.sleep(prng_.between(options_.interval_min_ns, options_.interval_max_ns))) {
    if (stopped_) return;
    const Kind kind = pick_kind();
    if (kind == Kind::none) return;
    inject(kind);
  }
}

std::vector<NodeId> Nemesis::pick_distinct(std::vector<NodeId> pool, std::uint64_t count) {
  RY_ASSERT(count <= pool.size());
  // A partial Fisher-Yates shuffle with our own draws.
  for (std::size_t i = 0; i < count; ++i) {
    const auto j = i + static_cast<std::size_t>(prng_.below(pool.size() - i));
    std::swap(pool[i], pool[j]);
  }
  pool.resize(static_cast<std::size_t>(count));
  std::sort(pool.begin(), pool.end());
  return pool;
}

// A partition shape drawn from the faults stream, as a step (sim/fault.hpp).
FaultStep Nemesis::pick_partition() {
  const std::uint32_t n = cluster_.node_count();
  RY_ASSERT(n > 1);
  std::vector<NodeId> all;
  for (std::uint32_t i = 0; i < n; ++i) all.push_back(NodeId{i});
  auto values = [](const std::vector<NodeId>& nodes) {
    std::vector<std::uint32_t> out;
    for (NodeId id : nodes) out.push_back(id.value);
    return out;
  };
  FaultStep step;
  step.action = FaultStep::Action::partition;
  enum Shape : std::uint64_t { isolate_one, minority, ring, bridged, one_direction, shapes };
  auto shape = static_cast<Shape>(prng_.below(shapes));
  if (shape == bridged && n < 3) shape = isolate_one;
  switch (shape) {
    case isolate_one:
      step.shape = "isolate";
      step.node = pick_node().value;
      return step;
    case minority: {
      const auto most = static_cast<std::int64_t>(std::max<std::uint32_t>(1, (n - 1) / 2));
      step.shape = "split";
      step.side = values(pick_distinct(all, static_cast<std::uint64_t>(prng_.between(1, most))));
      return step;
    }
    case ring:
      step.shape = "ring_cut";
      step.node = pick_node().value;
      return step;
    case bridged: {
      const NodeId middle = pick_node();
      std::erase(all, middle);
      const auto size = static_cast<std::uint64_t>(prng_.between(1, n - 2));
      step.shape = "bridge";
      step.side = values(pick_distinct(all, size));
      step.peer = middle.value;
      return step;
    }
    case one_direction:
    case shapes: break;
  }
  const auto size = static_cast<std::uint64_t>(prng_.between(1, n - 1));
  step.shape = "one_way";
  step.side = values(pick_distinct(all, size));
  return step;
}

// Draws one fault of `kind` (the draws and their order are part of every seed's identity) and
// applies it; a kind whose preconditions do not hold now (a slot, a node up) is skipped.
void Nemesis::inject(Kind kind) {
  using Action = FaultStep::Action;
  const bool slot_free = player_.held() < options_.max_active;
  FaultStep step;
  switch (kind) {
    case Kind::crash: {
      if (down_count() >= options_.max_down || (options_.restart && !slot_free)) return;
      std::vector<NodeId> up;
      for (std::uint32_t i = 0; i < cluster_.node_count(); ++i) {
        if (cluster_.is_up(NodeId{i})) up.push_back(NodeId{i});
      }
      if (up.empty()) return;
      step.action = Action::crash;
      step.node = up[static_cast<std::size_t>(prng_.below(up.size()))].value;
      const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      // Without restart the node stays down for good: no hold, no slot.
      step.duration_ns = options_.restart ? hold : 0;
      ++stats_.crashes;
      break;
    }
    case Kind::pause: {
      if (!slot_free) return;
      step.action = Action::pause;
      step.node = pick_node().value;
      if (!cluster_.is_up(NodeId{step.node})) return;
      step.duration_ns = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++stats_.pauses;
      break;
    }
    case Kind::cut:
    case Kind::clog: {
      if (!slot_free) return;
      const NodeId node = pick_node();
      NodeId peer = pick_node();
      if (peer == node) peer = NodeId{(node.value + 1) % cluster_.node_count()};
      step.action = kind == Kind::clog ? Action::clog : Action::cut;
      step.node = node.value;
      step.peer = peer.value;
      step.duration_ns = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++(kind == Kind::clog ? stats_.clogs : stats_.cuts);
      break;
    }
    case Kind::partition: {
      if (!slot_free) return;
      step = pick_partition();
      step.duration_ns = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++stats_.partitions;
      break;
    }
    case Kind::clock_jump:
      step.action = Action::clock_jump;
      step.node = pick_node().value;
      step.delta_ns = prng_.between(-options_.clock_jump_max_ns, options_.clock_jump_max_ns);
      ++stats_.clock_jumps;
      break;
    case Kind::clock_drift:
      step.action = Action::clock_drift;
      step.node = pick_node().value;
      step.ppm = prng_.between(-options_.drift_ppm_max, options_.drift_ppm_max);
      ++stats_.clock_drifts;
      break;
    case Kind::disk: {
      static constexpr std::array<const char*, 4> names = {"torn", "corrupt", "misdirect", "slow"};
      step.action = Action::disk;
      step.node = pick_node().value;
      const auto fault = static_cast<DiskFault>(prng_.below(4));
      step.disk = names[static_cast<std::size_t>(fault)];
      if (fault == DiskFault::slow) {
        if (!slot_free) return;
        step.duration_ns = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      }
      ++stats_.disk_faults;
      break;
    }
    case Kind::none: return;
  }
  player_.apply(step);
}

void Nemesis::stop_and_heal() {
  stopped_ = true;
  player_.stop();
  cluster_.report_fault({"heal_all", -1, -1, 0, {}});
  cluster_.network().heal_all();
  cluster_.network().unclog_all();
  LinkModel quiet = cluster_.network().model();
  quiet.loss_ppm = 0;
  quiet.duplicate_ppm = 0;
  quiet.spike_ppm = 0;
  cluster_.network().set_model(quiet);
  if (!options_.restart) return;  // crashed nodes stay down: protocols without recovery
  for (std::uint32_t i = 0; i < cluster_.node_count(); ++i) {
    if (!cluster_.is_up(NodeId{i})) {
      ++stats_.restarts;
      cluster_.report_fault({"restart", i, -1, 0, {}});
      cluster_.restart(NodeId{i});
    }
  }
}

}  // namespace ry
