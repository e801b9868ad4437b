#include "sim/nemesis.hpp"

namespace ry {

Nemesis::Nemesis(Cluster& cluster, NemesisOptions options)
    : cluster_(cluster), options_(options), prng_(cluster.seed(), Stream::faults) {}

void Nemesis::start() {
  if (!options_.enabled) return;
  cluster_.spawn([this](Fiber& fiber) { run(fiber); });
}

NodeId Nemesis::pick_node() {
  return NodeId{static_cast<std::uint32_t>(prng_.below(cluster_.node_count()))};
}

void Nemesis::run(Fiber& fiber) {
  enum Kind : std::uint32_t { crash, pause, cut, jump, kinds };
  const bool allowed[kinds] = {options_.crashes, options_.pauses,
                               options_.cuts && cluster_.node_count() > 1, options_.clock_jumps};
  while (fiber.sleep(prng_.between(options_.interval_min_ns, options_.interval_max_ns))) {
    if (stopped_) return;
    const auto kind = static_cast<Kind>(prng_.below(kinds));
    if (!allowed[kind]) continue;
    const NodeId node = pick_node();
    const Nanos hold = prng_.between(options_.hold_min_ns, options_.hold_max_ns);
    switch (kind) {
      case crash: {
        if (!cluster_.is_up(node)) break;
        ++stats_.crashes;
        cluster_.report_fault({"crash", node.value, -1, hold});
        cluster_.crash(node);
        if (!fiber.sleep(hold) || stopped_) return;  // stop_and_heal restarts it
        cluster_.report_fault({"restart", node.value, -1, 0});
        cluster_.restart(node);
        break;
      }
      case pause: {
        if (!cluster_.is_up(node)) break;
        ++stats_.pauses;
        cluster_.report_fault({"pause", node.value, -1, hold});
        cluster_.pause(node, hold);
        break;
      }
      case cut: {
        NodeId peer = pick_node();
        if (peer == node) peer = NodeId{(node.value + 1) % cluster_.node_count()};
        ++stats_.cuts;
        cluster_.report_fault({"cut", node.value, peer.value, hold});
        cluster_.network().cut(node, peer);
        if (!fiber.sleep(hold) || stopped_) return;  // stop_and_heal heals it
        cluster_.report_fault({"heal", node.value, peer.value, 0});
        cluster_.network().heal(node, peer);
        break;
      }
      case jump: {
        const Nanos delta = prng_.between(-options_.clock_jump_max_ns, options_.clock_jump_max_ns);
        ++stats_.clock_jumps;
        cluster_.report_fault({"clock_jump", node.value, -1, delta});
        cluster_.clock(node).jump(delta);
        break;
      }
      case kinds: break;
    }
  }
}

void Nemesis::stop_and_heal() {
  stopped_ = true;
  cluster_.report_fault({"heal_all", -1, -1, 0});
  cluster_.network().heal_all();
  LinkModel quiet = cluster_.network().model();
  quiet.loss_ppm = 0;
  quiet.duplicate_ppm = 0;
  cluster_.network().set_model(quiet);
  for (std::uint32_t i = 0; i < cluster_.node_count(); ++i) {
    if (!cluster_.is_up(NodeId{i})) {
      cluster_.report_fault({"restart", i, -1, 0});
      cluster_.restart(NodeId{i});
    }
  }
}

}  // namespace ry
