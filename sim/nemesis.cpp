#include "sim/nemesis.hpp"

#include <algorithm>
#include <array>

namespace ry {

Nemesis::Nemesis(Cluster& cluster, NemesisOptions options)
    : cluster_(cluster), options_(options), prng_(cluster.seed(), Stream::faults) {
  RY_ASSERT(options.interval_min_ns >= 0 && options.interval_min_ns <= options.interval_max_ns);
  RY_ASSERT(options.hold_min_ns >= 0 && options.hold_min_ns <= options.hold_max_ns);
  RY_ASSERT(options.clock_jump_max_ns >= 0);
  RY_ASSERT(options.drift_ppm_max >= 0 && options.drift_ppm_max < NodeClock::drift_ppm_max);
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

Partition Nemesis::pick_partition() {
  const std::uint32_t n = cluster_.node_count();
  RY_ASSERT(n > 1);
  std::vector<NodeId> all;
  for (std::uint32_t i = 0; i < n; ++i) all.push_back(NodeId{i});
  enum Shape : std::uint64_t { isolate_one, minority, ring, bridged, one_direction, shapes };
  auto shape = static_cast<Shape>(prng_.below(shapes));
  if (shape == bridged && n < 3) shape = isolate_one;
  switch (shape) {
    case isolate_one: return isolate(n, pick_node());
    case minority: {
      const auto most = static_cast<std::int64_t>(std::max<std::uint32_t>(1, (n - 1) / 2));
      return split(n, pick_distinct(all, static_cast<std::uint64_t>(prng_.between(1, most))));
    }
    case ring: return ring_cut(n, pick_node());
    case bridged: {
      const NodeId middle = pick_node();
      std::erase(all, middle);
      const auto size = static_cast<std::uint64_t>(prng_.between(1, n - 2));
      return bridge(n, pick_distinct(all, size), middle);
    }
    case one_direction:
    case shapes: break;
  }
  const auto size = static_cast<std::uint64_t>(prng_.between(1, n - 1));
  return one_way(n, pick_distinct(all, size));
}

void Nemesis::inject(Kind kind) {
  const bool slot_free = active_.size() < options_.max_active;
  switch (kind) {
    case Kind::crash: {
      if (down_count() >= options_.max_down || (options_.restart && !slot_free)) return;
      std::vector<NodeId> up;
      for (std::uint32_t i = 0; i < cluster_.node_count(); ++i) {
        if (cluster_.is_up(NodeId{i})) up.push_back(NodeId{i});
      }
      if (up.empty()) return;
      const NodeId node = up[static_cast<std::size_t>(prng_.below(up.size()))];
      const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++stats_.crashes;
      cluster_.report_fault({"crash", node.value, -1, options_.restart ? hold : 0, {}});
      cluster_.crash(node);
      // Without restart the node stays down for good: it holds no slot.
      if (options_.restart) hold_then_heal(Active{next_id_++, kind, node, {}, {}}, hold);
      return;
    }
    case Kind::pause: {
      if (!slot_free) return;
      const NodeId node = pick_node();
      if (!cluster_.is_up(node)) return;
      const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++stats_.pauses;
      cluster_.report_fault({"pause", node.value, -1, hold, {}});
      cluster_.pause(node, hold);
      hold_then_heal(Active{next_id_++, kind, node, {}, {}}, hold);
      return;
    }
    case Kind::cut:
    case Kind::clog: {
      if (!slot_free) return;
      const NodeId node = pick_node();
      NodeId peer = pick_node();
      if (peer == node) peer = NodeId{(node.value + 1) % cluster_.node_count()};
      const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      if (kind == Kind::clog) {
        ++stats_.clogs;
        cluster_.clog(node, peer, hold);  // reports itself; ends by itself
        hold_then_heal(Active{next_id_++, kind, node, {}, {}}, hold);
        return;
      }
      ++stats_.cuts;
      cluster_.report_fault({"cut", node.value, peer.value, hold, {}});
      cluster_.network().cut(node, peer);
      hold_then_heal(Active{next_id_++, kind, node, {{node, peer}}, {}}, hold);
      return;
    }
    case Kind::partition: {
      if (!slot_free) return;
      Partition p = pick_partition();
      const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++stats_.partitions;
      cluster_.partition(p);
      std::string name = p.describe();
      hold_then_heal(Active{next_id_++, kind, NodeId{}, std::move(p.cut), std::move(name)}, hold);
      return;
    }
    case Kind::clock_jump: {
      const NodeId node = pick_node();
      const Nanos delta = prng_.between(-options_.clock_jump_max_ns, options_.clock_jump_max_ns);
      ++stats_.clock_jumps;
      cluster_.clock_jump(node, delta);
      return;
    }
    case Kind::clock_drift: {
      const NodeId node = pick_node();
      const std::int64_t ppm = prng_.between(-options_.drift_ppm_max, options_.drift_ppm_max);
      ++stats_.clock_drifts;
      cluster_.set_drift(node, ppm);
      return;
    }
    case Kind::disk: {
      const NodeId node = pick_node();
      const auto fault = static_cast<DiskFault>(prng_.below(4));
      if (fault != DiskFault::slow) {
        ++stats_.disk_faults;
        cluster_.disk_fault(node, fault, 0);
        return;
      }
      if (!slot_free) return;
      const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
      ++stats_.disk_faults;
      cluster_.disk_fault(node, fault, hold);  // ends by itself
      hold_then_heal(Active{next_id_++, kind, node, {}, {}}, hold);
      return;
    }
    case Kind::none: return;
  }
}

void Nemesis::hold_then_heal(Active fault, Nanos hold) {
  const std::uint64_t id = fault.id;
  active_.push_back(std::move(fault));
  cluster_.spawn([this, id, hold](Fiber& fiber) {
    // After stop_and_heal, everything is healed already.
    if (!fiber.sleep(hold) || stopped_) return;
    heal(id);
  });
}

void Nemesis::heal(std::uint64_t id) {
  auto it =
      std::find_if(active_.begin(), active_.end(), [id](const Active& a) { return a.id == id; });
  if (it == active_.end()) return;
  Active fault = std::move(*it);
  active_.erase(it);
  switch (fault.kind) {
    case Kind::crash:
      if (cluster_.is_up(fault.node)) return;  // restarted by someone else already
      ++stats_.restarts;
      cluster_.report_fault({"restart", fault.node.value, -1, 0, {}});
      cluster_.restart(fault.node);
      return;
    case Kind::cut:
      cluster_.report_fault(
          {"heal", fault.links[0].first.value, fault.links[0].second.value, 0, {}});
      heal_links(fault.links);
      return;
    case Kind::partition:
      cluster_.report_fault({"heal", -1, -1, 0, std::move(fault.detail)});
      heal_links(fault.links);
      return;
    // Pauses, clogs and slow disks end by themselves: healing only frees the slot.
    case Kind::pause:
    case Kind::clog:
    case Kind::disk:
    case Kind::clock_jump:
    case Kind::clock_drift:
    case Kind::none: return;
  }
}

// Heals the links that no other active fault still cuts.
void Nemesis::heal_links(const std::vector<Link>& links) {
  for (const Link& link : links) {
    if (!holds_cut(link.first, link.second)) cluster_.network().heal(link.first, link.second);
  }
}

bool Nemesis::holds_cut(NodeId from, NodeId to) const {
  const Link link{from, to};
  return std::any_of(active_.begin(), active_.end(), [&](const Active& a) {
    return std::find(a.links.begin(), a.links.end(), link) != a.links.end();
  });
}

void Nemesis::stop_and_heal() {
  stopped_ = true;
  active_.clear();
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
