#include "sim/fault.hpp"

#include <algorithm>
#include <array>

namespace ry {

namespace {

using Action = FaultStep::Action;

constexpr std::array<std::string_view, 10> action_names = {
    "partition", "heal",       "clog",        "crash", "restart",
    "pause",     "clock_jump", "clock_drift", "disk",  "cut"};

std::string set_text(const std::vector<std::uint32_t>& nodes) {
  std::string out = "{";
  for (auto n : nodes) out += (out.size() > 1 ? "," : "") + std::to_string(n);
  return out + "}";
}

DiskFault disk_fault_kind(const std::string& name) {
  if (name == "torn") return DiskFault::torn;
  if (name == "corrupt") return DiskFault::corrupt;
  if (name == "misdirect") return DiskFault::misdirect;
  return DiskFault::slow;
}

// "12 ms", or "12.345678 ms" when the time is not a whole millisecond (a recorded fault).
std::string ms_text(Nanos ns) {
  std::string out = std::to_string(ns / ms_ns);
  if (ns % ms_ns != 0) {
    std::string frac = std::to_string((ns < 0 ? -ns : ns) % ms_ns);
    out += "." + std::string(6 - frac.size(), '0') + frac;
  }
  return out + " ms";
}

}  // namespace

std::string_view action_name(Action action) {
  return action_names[static_cast<std::size_t>(action)];
}

Partition make_partition(const FaultStep& s, std::uint32_t nodes) {
  auto ids = [](const std::vector<std::uint32_t>& v) {
    std::vector<NodeId> out;
    for (auto n : v) out.push_back(NodeId{n});
    return out;
  };
  if (s.shape == "isolate") return isolate(nodes, NodeId{s.node});
  if (s.shape == "split") return split(nodes, ids(s.side));
  if (s.shape == "ring_cut") return ring_cut(nodes, NodeId{s.node});
  if (s.shape == "bridge") return bridge(nodes, ids(s.side), NodeId{s.peer});
  if (s.shape == "one_way") return one_way(nodes, ids(s.side));
  std::vector<std::pair<NodeId, NodeId>> directed;
  for (const auto& [from, to] : s.links) directed.emplace_back(NodeId{from}, NodeId{to});
  return links(nodes, std::move(directed));
}

std::string describe(const FaultStep& s) {
  std::string what(action_name(s.action));
  const std::string node = std::to_string(s.node);
  switch (s.action) {
    case Action::partition:
      what += " " + s.shape;
      if (s.shape == "isolate" || s.shape == "ring_cut") what += " " + node;
      if (!s.side.empty()) what += " " + set_text(s.side);
      if (s.shape == "bridge") what += " via " + std::to_string(s.peer);
      if (!s.links.empty()) what += " (" + std::to_string(s.links.size()) + " links)";
      break;
    case Action::heal: break;
    case Action::clog:
    case Action::cut: what += " " + node + "->" + std::to_string(s.peer); break;
    case Action::crash:
      what += " " + node;
      if (!s.moment.empty()) what += " at " + s.moment;
      break;
    case Action::restart:
    case Action::pause: what += " " + node; break;
    case Action::clock_jump:
      what += " " + node + " by " + std::to_string(s.delta_ns / us_ns) + " us";
      break;
    case Action::clock_drift: what += " " + node + " to " + std::to_string(s.ppm) + " ppm"; break;
    case Action::disk: what += " " + s.disk + " on " + node; break;
  }
  if (s.duration_ns > 0) what += " for " + ms_text(s.duration_ns);
  return ms_text(s.at_ns) + ": " + what;
}

void FaultPlayer::apply(const FaultStep& step) {
  if (!apply_now(step) || record_ == nullptr) return;
  record_->push_back(step);
  record_->back().at_ns = cluster_.now().ns;
}

bool FaultPlayer::apply_now(const FaultStep& s) {
  const NodeId node{s.node};
  const Nanos hold_ns = s.duration_ns;
  switch (s.action) {
    case Action::partition: {
      Partition p = make_partition(s, cluster_.node_count());
      cluster_.partition(p);
      std::string name = p.describe();
      if (hold_ns > 0) hold({0, s.action, node, std::move(p.cut), std::move(name)}, hold_ns);
      return true;
    }
    case Action::cut:
      cluster_.report_fault({"cut", s.node, s.peer, hold_ns, {}});
      cluster_.network().cut(node, NodeId{s.peer});
      if (hold_ns > 0) hold({0, s.action, node, {{node, NodeId{s.peer}}}, {}}, hold_ns);
      return true;
    case Action::heal:
      cluster_.heal_partitions();
      cluster_.network().unclog_all();  // new messages flow; held ones arrive when due
      return true;
    case Action::clog:
      cluster_.clog(node, NodeId{s.peer}, hold_ns);  // reports itself; ends by itself
      hold({0, s.action, node, {}, {}}, hold_ns);
      return true;
    case Action::crash:
      if (!s.moment.empty()) {
        cluster_.crash_at(node, s.moment);  // reported when the moment comes
      } else {
        if (!cluster_.is_up(node)) return false;
        cluster_.report_fault({"crash", s.node, -1, hold_ns, {}});
        cluster_.crash(node);
      }
      if (hold_ns > 0) hold({0, s.action, node, {}, {}}, hold_ns);
      return true;
    case Action::restart:
      if (cluster_.is_up(node)) return false;
      ++restarts_;
      cluster_.report_fault({"restart", s.node, -1, 0, {}});
      cluster_.restart(node);
      return true;
    case Action::pause:
      if (!cluster_.is_up(node)) return false;
      cluster_.report_fault({"pause", s.node, -1, hold_ns, {}});
      cluster_.pause(node, hold_ns);
      hold({0, s.action, node, {}, {}}, hold_ns);
      return true;
    case Action::clock_jump: cluster_.clock_jump(node, s.delta_ns); return true;
    case Action::clock_drift: cluster_.set_drift(node, s.ppm); return true;
    case Action::disk:
      cluster_.disk_fault(node, disk_fault_kind(s.disk), hold_ns);  // slow: ends by itself
      if (hold_ns > 0) hold({0, s.action, node, {}, {}}, hold_ns);
      return true;
  }
  return false;
}

void FaultPlayer::hold(Held fault, Nanos duration) {
  const std::uint64_t id = next_id_++;
  fault.id = id;
  held_.push_back(std::move(fault));
  cluster_.spawn([this, id, duration](Fiber& fiber) {
    // After stop(), everything is healed already.
    if (!fiber.sleep(duration) || stopped_) return;
    end_hold(id);
  });
}

void FaultPlayer::end_hold(std::uint64_t id) {
  auto it = std::find_if(held_.begin(), held_.end(), [id](const Held& h) { return h.id == id; });
  if (it == held_.end()) return;
  Held fault = std::move(*it);
  held_.erase(it);
  switch (fault.action) {
    case Action::crash:
      if (cluster_.is_up(fault.node)) return;  // restarted by someone else already
      ++restarts_;
      cluster_.report_fault({"restart", fault.node.value, -1, 0, {}});
      cluster_.restart(fault.node);
      return;
    case Action::cut:
      cluster_.report_fault(
          {"heal", fault.links[0].first.value, fault.links[0].second.value, 0, {}});
      break;
    case Action::partition:
      cluster_.report_fault({"heal", -1, -1, 0, std::move(fault.detail)});
      break;
    // Pauses, clogs and slow disks end by themselves: their hold only counted them in force.
    default: return;
  }
  // Heals the links that no other fault in force still cuts.
  for (const Link& link : fault.links) {
    if (!holds_cut(link.first, link.second)) cluster_.network().heal(link.first, link.second);
  }
}

bool FaultPlayer::holds_cut(NodeId from, NodeId to) const {
  const Link link{from, to};
  return std::any_of(held_.begin(), held_.end(), [&](const Held& h) {
    return std::find(h.links.begin(), h.links.end(), link) != h.links.end();
  });
}

void FaultPlayer::stop() {
  stopped_ = true;
  held_.clear();
}

void play_schedule(const Schedule& schedule, Cluster& cluster, FaultPlayer& player, Fiber& fiber) {
  for (const FaultStep& s : schedule) {
    const Nanos wait = s.at_ns - cluster.now().ns;
    if (wait > 0 && !fiber.sleep(wait)) return;
    player.apply(s);
  }
}

}  // namespace ry
