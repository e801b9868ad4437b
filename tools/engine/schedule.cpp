#include "tools/engine/schedule.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "sim/cluster.hpp"
#include "sim/partition.hpp"
#include "tools/engine/json_source.hpp"
#include "tools/engine/moments.hpp"
#include "traces/json_line.hpp"

namespace ry {

namespace {

using Json = nlohmann::json;
using Action = FaultStep::Action;

struct ActionSpec {
  std::string_view name;
  Action action;
  std::initializer_list<std::string_view> keys;  // allowed besides "at_ms" and "do"
};

const std::array<ActionSpec, 9> actions = {{
    {"partition", Action::partition, {"shape", "node", "side", "bridge", "links"}},
    {"heal", Action::heal, {}},
    {"clog", Action::clog, {"from", "to", "for_ms"}},
    {"crash", Action::crash, {"node", "moment"}},
    {"restart", Action::restart, {"node"}},
    {"pause", Action::pause, {"node", "for_ms"}},
    {"clock_jump", Action::clock_jump, {"node", "by_us"}},
    {"clock_drift", Action::clock_drift, {"node", "ppm"}},
    {"disk", Action::disk, {"node", "fault", "for_ms"}},
}};

// Which keys each partition shape needs.
struct ShapeSpec {
  std::string_view name;
  bool node, side, bridge, links;
};
const std::array<ShapeSpec, 6> shapes = {{
    {"isolate", true, false, false, false},
    {"split", false, true, false, false},
    {"ring_cut", true, false, false, false},
    {"bridge", false, true, true, false},
    {"one_way", false, true, false, false},
    {"links", false, false, false, true},
}};

const std::array<std::string_view, 4> disk_faults = {"torn", "corrupt", "misdirect", "slow"};

// Reads the fields of one step, stopping at the first problem (kept in `error`).
class StepReader {
 public:
  StepReader(const Json& step, std::uint32_t nodes, const JsonSource& source, std::string pointer,
             std::string& error)
      : step_(step), nodes_(nodes), source_(source), pointer_(std::move(pointer)), error_(error) {}

  bool fail(const std::string& key, const std::string& what) {
    const std::string at = key.empty() ? pointer_ : pointer_ + "/" + key;
    error_ = source_.where(at) + ": field '" + field_name(at) + "': " + what;
    return false;
  }

  [[nodiscard]] bool has(const char* key) const { return step_.contains(key); }

  bool integer(const char* key, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    if (!has(key)) return fail(key, "missing");
    const Json& v = step_[key];
    if (!v.is_number_integer()) return fail(key, "expected an integer");
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) {
      return fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    out = v.get<std::int64_t>();
    if (out < lo || out > hi) {
      return fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    }
    return true;
  }

  bool node(const char* key, std::uint32_t& out) {
    std::int64_t v = 0;
    if (!integer(key, 0, std::int64_t{nodes_} - 1, v)) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
  }

  bool string(const char* key, std::string& out) {
    if (!has(key)) return fail(key, "missing");
    if (!step_[key].is_string()) return fail(key, "expected a string");
    out = step_[key].get<std::string>();
    if (out.empty()) return fail(key, "must not be empty");
    return true;
  }

  // A set of distinct nodes that leaves at least one node on the other side.
  bool side(std::vector<std::uint32_t>& out) {
    if (!has("side")) return fail("side", "missing");
    const Json& v = step_["side"];
    if (!v.is_array() || v.empty()) return fail("side", "expected a non-empty array of nodes");
    for (const Json& item : v) {
      if (!item.is_number_integer() || item.get<std::int64_t>() < 0 ||
          item.get<std::int64_t>() >= std::int64_t{nodes_}) {
        return fail("side", "expected node numbers between 0 and " + std::to_string(nodes_ - 1));
      }
      out.push_back(item.get<std::uint32_t>());
    }
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
      return fail("side", "a node is listed twice");
    }
    if (out.size() >= nodes_) return fail("side", "must leave at least one node on the other side");
    return true;
  }

  bool links(std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) {
    if (!has("links")) return fail("links", "missing");
    const Json& v = step_["links"];
    if (!v.is_array() || v.empty())
      return fail("links", "expected a non-empty array of [from, to]");
    for (const Json& pair : v) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
          !pair[1].is_number_unsigned() || pair[0].get<std::uint64_t>() >= nodes_ ||
          pair[1].get<std::uint64_t>() >= nodes_ || pair[0] == pair[1]) {
        return fail("links", "expected [from, to] pairs of two different nodes below " +
                                 std::to_string(nodes_));
      }
      out.emplace_back(pair[0].get<std::uint32_t>(), pair[1].get<std::uint32_t>());
    }
    return true;
  }

 private:
  const Json& step_;
  std::uint32_t nodes_;
  const JsonSource& source_;
  std::string pointer_;
  std::string& error_;
};

constexpr std::int64_t hour_ms = 3'600'000;

bool read_partition(StepReader& r, FaultStep& s) {
  if (!r.string("shape", s.shape)) return false;
  const auto spec = std::find_if(shapes.begin(), shapes.end(),
                                 [&](const ShapeSpec& sh) { return sh.name == s.shape; });
  if (spec == shapes.end()) {
    return r.fail("shape", "unknown shape '" + s.shape +
                               "' (expected isolate, split, ring_cut, bridge, one_way or links)");
  }
  // A key that the shape does not use is a mistake, not something to ignore.
  const std::pair<const char*, bool> uses[] = {
      {"node", spec->node}, {"side", spec->side}, {"bridge", spec->bridge}, {"links", spec->links}};
  for (const auto& [key, used] : uses) {
    if (!used && r.has(key)) return r.fail(key, "not used by shape " + s.shape);
  }
  if (spec->node && !r.node("node", s.node)) return false;
  if (spec->side && !r.side(s.side)) return false;
  if (spec->bridge) {
    if (!r.node("bridge", s.peer)) return false;
    if (std::find(s.side.begin(), s.side.end(), s.peer) != s.side.end()) {
      return r.fail("bridge", "the bridge node cannot be on the side");
    }
  }
  if (spec->links && !r.links(s.links)) return false;
  return true;
}

// A crash at a moment the protocol never reaches would never fire: the run would pass without it.
bool read_moment(StepReader& r, std::string_view protocol, FaultStep& s) {
  if (!r.string("moment", s.moment)) return false;
  if (is_crash_moment(protocol, s.moment)) return true;
  std::string known;
  for (std::string_view m : crash_moments(protocol)) {
    known += (known.empty() ? "" : ", ") + std::string(m);
  }
  return r.fail("moment", "unknown moment '" + s.moment + "' for protocol " +
                              std::string(protocol) + " (expected one of " + known + ")");
}

bool read_action(StepReader& r, std::string_view protocol, FaultStep& s) {
  std::int64_t v = 0;
  switch (s.action) {
    case Action::partition: return read_partition(r, s);
    case Action::heal: return true;
    case Action::clog:
      if (!r.node("from", s.node) || !r.node("to", s.peer)) return false;
      if (s.node == s.peer) return r.fail("to", "a node has no link to itself");
      if (!r.integer("for_ms", 1, hour_ms, v)) return false;
      s.duration_ns = v * ms_ns;
      return true;
    case Action::crash:
      if (!r.node("node", s.node)) return false;
      return !r.has("moment") || read_moment(r, protocol, s);
    case Action::restart: return r.node("node", s.node);
    case Action::pause:
      if (!r.node("node", s.node) || !r.integer("for_ms", 1, hour_ms, v)) return false;
      s.duration_ns = v * ms_ns;
      return true;
    case Action::clock_jump:
      if (!r.node("node", s.node) || !r.integer("by_us", -hour_ms * 1000, hour_ms * 1000, v)) {
        return false;
      }
      if (v == 0) return r.fail("by_us", "a jump of 0 does nothing");
      s.delta_ns = v * us_ns;
      return true;
    case Action::clock_drift:
      return r.node("node", s.node) && r.integer("ppm", -99'999, 99'999, s.ppm);
    case Action::disk: {
      if (!r.node("node", s.node) || !r.string("fault", s.disk)) return false;
      if (std::find(disk_faults.begin(), disk_faults.end(), s.disk) == disk_faults.end()) {
        return r.fail("fault", "unknown disk fault '" + s.disk +
                                   "' (expected torn, corrupt, misdirect or slow)");
      }
      if (s.disk == "slow") {
        if (!r.integer("for_ms", 1, hour_ms, v)) return false;
        s.duration_ns = v * ms_ns;
      } else if (r.has("for_ms")) {
        return r.fail("for_ms", "only a slow disk lasts for a time");
      }
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<Schedule> schedule_from_json(const Json& array, std::uint32_t nodes,
                                           std::int64_t time_ms, std::string_view protocol,
                                           const JsonSource& source, const std::string& pointer,
                                           std::string& error) {
  if (!array.is_array()) {
    error = source.where(pointer) + ": field '" + field_name(pointer) + "': expected an array";
    return std::nullopt;
  }
  Schedule schedule;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const Json& item = array[i];
    const std::string at = pointer + "/" + std::to_string(i);
    StepReader r(item, nodes, source, at, error);
    if (!item.is_object()) {
      r.fail("", "expected an object such as {\"at_ms\": 100, \"do\": \"heal\"}");
      return std::nullopt;
    }
    FaultStep s;
    std::string name;
    if (!r.string("do", name)) return std::nullopt;
    const auto spec = std::find_if(actions.begin(), actions.end(),
                                   [&](const ActionSpec& a) { return a.name == name; });
    if (spec == actions.end()) {
      r.fail("do", "unknown action '" + name +
                       "' (expected partition, heal, clog, crash, restart, pause, clock_jump, "
                       "clock_drift or disk)");
      return std::nullopt;
    }
    s.action = spec->action;
    for (const auto& member : item.items()) {
      const std::string& key = member.key();
      if (key == "at_ms" || key == "do") continue;
      if (std::find(spec->keys.begin(), spec->keys.end(), key) == spec->keys.end()) {
        r.fail(key, "unknown key for action " + name);
        return std::nullopt;
      }
    }
    std::int64_t at_ms = 0;
    if (!r.integer("at_ms", 0, time_ms, at_ms)) {
      if (error.ends_with("must be between 0 and " + std::to_string(time_ms))) {
        error += " (the safety phase, time_ms)";
      }
      return std::nullopt;
    }
    s.at_ns = at_ms * ms_ns;
    if (!schedule.empty() && s.at_ns < schedule.back().at_ns) {
      r.fail("at_ms", "steps must be in time order (the step before is at " +
                          std::to_string(schedule.back().at_ns / ms_ns) + " ms)");
      return std::nullopt;
    }
    if (!read_action(r, protocol, s)) return std::nullopt;
    schedule.push_back(std::move(s));
  }
  return schedule;
}

std::string schedule_to_json(const Schedule& schedule) {
  std::string out;
  JsonLine j(out);
  out += '[';
  for (const FaultStep& s : schedule) {
    j.begin_element()
        .field("at_ms", s.at_ns / ms_ns)
        .field("do", actions[static_cast<std::size_t>(s.action)].name);
    switch (s.action) {
      case Action::partition:
        j.field("shape", std::string_view{s.shape});
        if (s.shape == "isolate" || s.shape == "ring_cut") j.field("node", s.node);
        if (!s.side.empty()) {
          j.array("side");
          for (auto n : s.side) j.element(std::int64_t{n});
          j.end_array();
        }
        if (s.shape == "bridge") j.field("bridge", s.peer);
        if (!s.links.empty()) {
          j.array("links");
          for (const auto& [from, to] : s.links) {
            j.raw_element("[" + std::to_string(from) + "," + std::to_string(to) + "]");
          }
          j.end_array();
        }
        break;
      case Action::heal: break;
      case Action::clog:
        j.field("from", s.node).field("to", s.peer).field("for_ms", s.duration_ns / ms_ns);
        break;
      case Action::crash:
        j.field("node", s.node);
        if (!s.moment.empty()) j.field("moment", std::string_view{s.moment});
        break;
      case Action::restart: j.field("node", s.node); break;
      case Action::pause: j.field("node", s.node).field("for_ms", s.duration_ns / ms_ns); break;
      case Action::clock_jump: j.field("node", s.node).field("by_us", s.delta_ns / us_ns); break;
      case Action::clock_drift: j.field("node", s.node).field("ppm", s.ppm); break;
      case Action::disk:
        j.field("node", s.node).field("fault", std::string_view{s.disk});
        if (s.disk == "slow") j.field("for_ms", s.duration_ns / ms_ns);
        break;
    }
    j.end();
  }
  out += ']';
  return out;
}

namespace {

std::string set_text(const std::vector<std::uint32_t>& nodes) {
  std::string out = "{";
  for (auto n : nodes) out += (out.size() > 1 ? "," : "") + std::to_string(n);
  return out + "}";
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

DiskFault disk_fault(const std::string& name) {
  if (name == "torn") return DiskFault::torn;
  if (name == "corrupt") return DiskFault::corrupt;
  if (name == "misdirect") return DiskFault::misdirect;
  return DiskFault::slow;
}

FaultInfo fault(const char* kind, std::uint32_t node, std::int64_t value) {
  FaultInfo f;
  f.kind = kind;
  f.node = node;
  f.value = value;
  return f;
}

}  // namespace

std::string describe(const FaultStep& s) {
  std::string what = std::string(actions[static_cast<std::size_t>(s.action)].name);
  switch (s.action) {
    case Action::partition:
      what += " " + s.shape;
      if (s.shape == "isolate" || s.shape == "ring_cut") what += " " + std::to_string(s.node);
      if (!s.side.empty()) what += " " + set_text(s.side);
      if (s.shape == "bridge") what += " via " + std::to_string(s.peer);
      if (!s.links.empty()) what += " (" + std::to_string(s.links.size()) + " links)";
      break;
    case Action::heal: break;
    case Action::clog:
      what += " " + std::to_string(s.node) + "->" + std::to_string(s.peer) + " for " +
              std::to_string(s.duration_ns / ms_ns) + " ms";
      break;
    case Action::crash:
      what += " " + std::to_string(s.node);
      if (!s.moment.empty()) what += " at " + s.moment;
      break;
    case Action::restart: what += " " + std::to_string(s.node); break;
    case Action::pause:
      what +=
          " " + std::to_string(s.node) + " for " + std::to_string(s.duration_ns / ms_ns) + " ms";
      break;
    case Action::clock_jump:
      what += " " + std::to_string(s.node) + " by " + std::to_string(s.delta_ns / us_ns) + " us";
      break;
    case Action::clock_drift:
      what += " " + std::to_string(s.node) + " to " + std::to_string(s.ppm) + " ppm";
      break;
    case Action::disk: what += " " + s.disk + " on " + std::to_string(s.node); break;
  }
  return std::to_string(s.at_ns / ms_ns) + " ms: " + what;
}

void play_schedule(const Schedule& schedule, Cluster& cluster, Fiber& fiber) {
  for (const FaultStep& s : schedule) {
    const Nanos wait = s.at_ns - cluster.now().ns;
    if (wait > 0 && !fiber.sleep(wait)) return;
    const NodeId node{s.node};
    switch (s.action) {
      case Action::partition: cluster.partition(make_partition(s, cluster.node_count())); break;
      case Action::heal:
        cluster.heal_partitions();
        cluster.network().unclog_all();  // new messages flow; held ones arrive when due
        break;
      case Action::clog: cluster.clog(node, NodeId{s.peer}, s.duration_ns); break;
      case Action::crash:
        if (!s.moment.empty()) {
          cluster.crash_at(node, s.moment);  // reported when the moment comes
        } else if (cluster.is_up(node)) {
          cluster.report_fault(fault("crash", s.node, 0));
          cluster.crash(node);
        }
        break;
      case Action::restart:
        if (!cluster.is_up(node)) {
          cluster.report_fault(fault("restart", s.node, 0));
          cluster.restart(node);
        }
        break;
      case Action::pause:
        if (cluster.is_up(node)) {
          cluster.report_fault(fault("pause", s.node, s.duration_ns));
          cluster.pause(node, s.duration_ns);
        }
        break;
      case Action::clock_jump: cluster.clock_jump(node, s.delta_ns); break;
      case Action::clock_drift: cluster.set_drift(node, s.ppm); break;
      case Action::disk: cluster.disk_fault(node, disk_fault(s.disk), s.duration_ns); break;
    }
  }
}

}  // namespace ry
