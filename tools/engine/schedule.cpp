#include "tools/engine/schedule.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "tools/engine/json_source.hpp"
#include "tools/engine/moments.hpp"
#include "traces/json_line.hpp"

namespace ry {

namespace {

using Json = nlohmann::json;
using Action = FaultStep::Action;

// The keys each action takes besides "at_ms" (or "at_ns") and "do"; "for_ms" stands for
// "for_ns" too and "by_us" for "by_ns" (a recorded schedule keeps the nemesis's nanoseconds).
struct ActionSpec {
  Action action;
  std::initializer_list<std::string_view> keys;
};

const std::array<ActionSpec, 10> actions = {{
    {Action::partition, {"shape", "node", "side", "bridge", "links", "for_ms"}},
    {Action::heal, {}},
    {Action::clog, {"from", "to", "for_ms"}},
    {Action::crash, {"node", "moment", "for_ms"}},
    {Action::restart, {"node"}},
    {Action::pause, {"node", "for_ms"}},
    {Action::clock_jump, {"node", "by_us"}},
    {Action::clock_drift, {"node", "ppm"}},
    {Action::disk, {"node", "fault", "for_ms"}},
    {Action::cut, {"from", "to", "for_ms"}},
}};

bool allowed(const ActionSpec& spec, std::string_view key) {
  if (key == "for_ns") key = "for_ms";
  if (key == "by_ns") key = "by_us";
  return std::find(spec.keys.begin(), spec.keys.end(), key) != spec.keys.end();
}

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

// A time in whole units of `unit_ns` (key `coarse`, for people) or in nanoseconds (key `fine`,
// for recorded faults); one of the two, between lo and hi nanoseconds.
bool read_time(StepReader& r, const char* coarse, const char* fine, Nanos unit_ns, Nanos lo,
               Nanos hi, bool required, Nanos& out) {
  if (r.has(coarse) && r.has(fine)) {
    return r.fail(fine, std::string("give ") + coarse + " or " + fine + ", not both");
  }
  std::int64_t v = 0;
  if (r.has(fine)) {
    if (!r.integer(fine, lo, hi, v)) return false;
    out = v;
    return true;
  }
  if (!r.has(coarse) && !required) return true;
  if (!r.integer(coarse, lo / unit_ns, hi / unit_ns, v)) return false;
  out = v * unit_ns;
  return true;
}

// Writes a time in whole `unit_ns` when it is one (as people write it), else in nanoseconds.
void time_field(JsonLine& j, const char* coarse, const char* fine, Nanos unit_ns, Nanos value) {
  if (value % unit_ns == 0) {
    j.field(coarse, value / unit_ns);
  } else {
    j.field(fine, value);
  }
}

bool read_duration(StepReader& r, bool required, Nanos& out) {
  return read_time(r, "for_ms", "for_ns", ms_ns, 1, hour_ms * ms_ns, required, out);
}

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
  switch (s.action) {
    case Action::partition: return read_partition(r, s) && read_duration(r, false, s.duration_ns);
    case Action::heal: return true;
    case Action::clog:
    case Action::cut:
      if (!r.node("from", s.node) || !r.node("to", s.peer)) return false;
      if (s.node == s.peer) return r.fail("to", "a node has no link to itself");
      return read_duration(r, s.action == Action::clog, s.duration_ns);
    case Action::crash:
      if (!r.node("node", s.node)) return false;
      if (r.has("moment") && !read_moment(r, protocol, s)) return false;
      return read_duration(r, false, s.duration_ns);
    case Action::restart: return r.node("node", s.node);
    case Action::pause: return r.node("node", s.node) && read_duration(r, true, s.duration_ns);
    case Action::clock_jump:
      if (!r.node("node", s.node) || !read_time(r, "by_us", "by_ns", us_ns, -hour_ms * ms_ns,
                                                hour_ms * ms_ns, true, s.delta_ns)) {
        return false;
      }
      if (s.delta_ns == 0)
        return r.fail(r.has("by_ns") ? "by_ns" : "by_us", "a jump of 0 does nothing");
      return true;
    case Action::clock_drift:
      return r.node("node", s.node) && r.integer("ppm", -99'999, 99'999, s.ppm);
    case Action::disk: {
      if (!r.node("node", s.node) || !r.string("fault", s.disk)) return false;
      if (std::find(disk_faults.begin(), disk_faults.end(), s.disk) == disk_faults.end()) {
        return r.fail("fault", "unknown disk fault '" + s.disk +
                                   "' (expected torn, corrupt, misdirect or slow)");
      }
      if (s.disk == "slow") return read_duration(r, true, s.duration_ns);
      if (r.has("for_ms") || r.has("for_ns")) {
        return r.fail(r.has("for_ms") ? "for_ms" : "for_ns", "only a slow disk lasts for a time");
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
    const auto spec = std::find_if(actions.begin(), actions.end(), [&](const ActionSpec& a) {
      return action_name(a.action) == name;
    });
    if (spec == actions.end()) {
      r.fail("do", "unknown action '" + name +
                       "' (expected partition, heal, clog, cut, crash, restart, pause, "
                       "clock_jump, clock_drift or disk)");
      return std::nullopt;
    }
    s.action = spec->action;
    for (const auto& member : item.items()) {
      const std::string& key = member.key();
      if (key == "at_ms" || key == "at_ns" || key == "do") continue;
      if (!allowed(*spec, key)) {
        r.fail(key, "unknown key for action " + name);
        return std::nullopt;
      }
    }
    if (!r.has("at_ms") && !r.has("at_ns")) {
      r.fail("at_ms", "missing");
      return std::nullopt;
    }
    if (!read_time(r, "at_ms", "at_ns", ms_ns, 0, time_ms * ms_ns, true, s.at_ns)) {
      if (error.find("must be between 0 and ") != std::string::npos) {
        error += " (the safety phase, time_ms)";
      }
      return std::nullopt;
    }
    if (!schedule.empty() && s.at_ns < schedule.back().at_ns) {
      r.fail(r.has("at_ns") ? "at_ns" : "at_ms",
             "steps must be in time order (the step before is at " +
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
    j.begin_element();
    time_field(j, "at_ms", "at_ns", ms_ns, s.at_ns);
    j.field("do", action_name(s.action));
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
      case Action::cut: j.field("from", s.node).field("to", s.peer); break;
      case Action::crash:
        j.field("node", s.node);
        if (!s.moment.empty()) j.field("moment", std::string_view{s.moment});
        break;
      case Action::restart:
      case Action::pause: j.field("node", s.node); break;
      case Action::clock_jump:
        j.field("node", s.node);
        time_field(j, "by_us", "by_ns", us_ns, s.delta_ns);
        break;
      case Action::clock_drift: j.field("node", s.node).field("ppm", s.ppm); break;
      case Action::disk: j.field("node", s.node).field("fault", std::string_view{s.disk}); break;
    }
    if (s.duration_ns > 0) time_field(j, "for_ms", "for_ns", ms_ns, s.duration_ns);
    j.end();
  }
  out += ']';
  return out;
}

std::optional<std::vector<LinkDecision>> network_from_json(const Json& array, std::uint32_t nodes,
                                                           const JsonSource& source,
                                                           const std::string& pointer,
                                                           std::string& error) {
  if (!array.is_array()) {
    error = source.where(pointer) + ": field '" + field_name(pointer) + "': expected an array";
    return std::nullopt;
  }
  std::vector<LinkDecision> out;
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint64_t>> seen;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const Json& item = array[i];
    StepReader r(item, nodes, source, pointer + "/" + std::to_string(i), error);
    if (!item.is_object()) {
      r.fail("", "expected an object such as {\"from\": 0, \"to\": 1, \"send\": 3, ...}");
      return std::nullopt;
    }
    for (const auto& member : item.items()) {
      const std::string& key = member.key();
      if (key != "at_ns" && key != "from" && key != "to" && key != "send" && key != "kind" &&
          key != "fate") {
        r.fail(key, "unknown key (expected at_ns, from, to, send, kind, fate)");
        return std::nullopt;
      }
    }
    LinkDecision d;
    std::int64_t send = 0;
    std::string fate;
    if (!r.integer("at_ns", 0, std::numeric_limits<std::int64_t>::max(), d.at_ns) ||
        !r.node("from", d.from) || !r.node("to", d.to)) {
      return std::nullopt;
    }
    if (d.from == d.to) {
      r.fail("to", "a node has no link to itself");
      return std::nullopt;
    }
    if (!r.integer("send", 1, std::numeric_limits<std::int64_t>::max(), send) ||
        !r.string("kind", d.kind) || !r.string("fate", fate)) {
      return std::nullopt;
    }
    d.send = static_cast<std::uint64_t>(send);
    if (fate == "lost" || fate == "duplicated") {
      d.fate = fate == "lost" ? LinkDecision::Fate::lost : LinkDecision::Fate::duplicated;
    } else {
      r.fail("fate", "unknown fate '" + fate + "' (expected lost or duplicated)");
      return std::nullopt;
    }
    if (!seen.insert({d.from, d.to, d.send}).second) {
      r.fail("send", "send " + std::to_string(d.send) + " on " + std::to_string(d.from) + "->" +
                         std::to_string(d.to) + " is listed twice");
      return std::nullopt;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string network_to_json(const std::vector<LinkDecision>& decisions) {
  std::string out;
  JsonLine j(out);
  out += '[';
  for (const LinkDecision& d : decisions) {
    j.begin_element()
        .field("at_ns", d.at_ns)
        .field("from", d.from)
        .field("to", d.to)
        .field("send", d.send)
        .field("kind", std::string_view{d.kind})
        .field("fate", fate_name(d.fate));
    j.end();
  }
  out += ']';
  return out;
}

}  // namespace ry
