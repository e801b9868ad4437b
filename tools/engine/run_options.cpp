#include "tools/engine/run_options.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "protocol/common/assert.hpp"
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/swarm.hpp"
#include "traces/json_line.hpp"

namespace ry {

namespace {

using O = RunOptions;
using S = OptionScope;
const std::array<OptionSpec, 21> options = {{
    {"protocol", "--protocol", "protocol to simulate (see `railyard protocols`)", &O::protocol},
    {"mode", "--mode", "the protocol's mode (trains: uto or to)", &O::mode, S::modes},
    {"nodes", "--nodes", "number of nodes", &O::nodes},
    {"seed", "--seed", "the run's seed: same seed, same trace", &O::seed},
    {"faults", "--faults",
     "fault profile: none, mild, or safety (every fault kind at high rates, no liveness phase)",
     &O::faults},
    {"time_ms", "--time-ms", "simulated length of the safety phase (ms)", &O::time_ms},
    {"liveness_ms", "--liveness-ms", "liveness budget after the heal (simulated ms)",
     &O::liveness_ms},
    {"swarm", "--swarm", "swarm testing: the seed picks which fault kinds are on and how hard",
     &O::swarm},
    {"latency_min_us", "--latency-min-us", "minimum link latency (us)", &O::latency_min_us},
    {"latency_max_us", "--latency-max-us", "maximum link latency (us)", &O::latency_max_us},
    {"loss_ppm", "--loss-ppm", "message loss, parts per million (default from --faults)",
     &O::loss_ppm},
    {"dup_ppm", "--dup-ppm", "message duplication, parts per million (default from --faults)",
     &O::dup_ppm},
    {"fifo", "--fifo", "links never reorder", &O::fifo},
    {"drift_ppm_max", "--drift-ppm-max",
     "per-node clock drift drawn in [-max, max] ppm (default from --faults)", &O::drift_ppm_max},
    {"workload", "--workload", "what the clients do: broadcast or kv (see `railyard protocols`)",
     &O::workload, S::clients},
    {"clients", "--clients", "number of clients (broadcast: at most one per node)", &O::clients,
     S::clients},
    {"interval_us", "--interval-us", "broadcast: mean time between two; kv: mean think time (us)",
     &O::interval_us, S::clients},
    {"payload_bytes", "--payload-bytes", "broadcast: bytes per payload", &O::payload_bytes,
     S::clients},
    {"keys", "--keys", "kv: number of keys", &O::keys, S::clients},
    {"client_timeout_us", "--client-timeout-us", "kv: a client retries after this long (us)",
     &O::client_timeout_us, S::clients},
    {"bugs", "--bug", "plant a bug (repeatable; see `railyard bugs`)", &O::bugs},
}};

template <class T>
void write_json(JsonLine& j, std::string_view key, const T& value) {
  j.field(key, value);
}
void write_json(JsonLine& j, std::string_view key, const std::string& value) {
  j.field(key, std::string_view{value});
}
template <class T>
void write_json(JsonLine& j, std::string_view key, const std::optional<T>& value) {
  j.field(key, value.value_or(T{}));
}
void write_json(JsonLine& j, std::string_view key, const std::vector<std::string>& values) {
  j.array(key);
  for (const auto& v : values) j.element(v);
  j.end_array();
}

std::string text(const std::string& v) { return v; }
template <class Int>
std::string text(Int v) {
  return std::to_string(v);
}

// Appends `--flag value` when `value` differs from `reference` (or always).
template <class T>
void append_flag(std::string& cmd, std::string_view flag, const T& value, const T& reference,
                 bool always) {
  if (always || value != reference) cmd += " " + std::string(flag) + " " + text(value);
}
void append_flag(std::string& cmd, std::string_view flag, bool value, bool reference, bool) {
  if (value == reference) return;
  // An option that is off by default is a bare flag; one that is on takes a value.
  cmd += " " + std::string(flag) + (reference ? (value ? " true" : " false") : "");
}
template <class T>
void append_flag(std::string& cmd, std::string_view flag, const std::optional<T>& value,
                 const std::optional<T>& reference, bool) {
  if (value != reference) cmd += " " + std::string(flag) + " " + text(value.value_or(T{}));
}
void append_flag(std::string& cmd, std::string_view flag, const std::vector<std::string>& values,
                 const std::vector<std::string>&, bool) {
  for (const auto& v : values) cmd += " " + std::string(flag) + " " + v;
}

}  // namespace

std::span<const OptionSpec> option_table() { return options; }

std::int64_t RunOptions::param(std::string_view key) const {
  const auto it = params.find(key);
  RY_ASSERT(it != params.end());  // a protocol reads only its own options, after resolve()
  return it->second;
}

bool RunOptions::has_bug(std::string_view name) const {
  for (const auto& b : bugs) {
    if (b == name) return true;
  }
  return false;
}

namespace {

// Does `spec` mean anything to `protocol`?
bool applies(const OptionSpec& spec, const ProtocolDescriptor& protocol) {
  switch (spec.scope) {
    case OptionScope::any: return true;
    case OptionScope::modes: return !protocol.modes.empty();
    case OptionScope::clients: return !protocol.workloads.empty();
  }
  return true;
}

std::string choices(std::span<const Choice> items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i].name;
  }
  return out;
}

}  // namespace

std::optional<std::string> validate_protocol(const RunOptions& o) {
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  if (p == nullptr) {
    return "protocol: unknown protocol '" + o.protocol + "' (expected " + protocol_names() + ")";
  }
  for (const auto& [key, value] : o.params) {
    if (p->param(key) == nullptr) {
      return std::string(key) + ": not an option of protocol " + o.protocol;
    }
  }
  return std::nullopt;
}

void resolve(RunOptions& o) {
  const bool mild = o.faults == "mild";
  const bool safety = o.faults == "safety";
  if (!o.loss_ppm) o.loss_ppm = safety ? 20'000U : mild ? 5'000U : 0U;
  if (!o.dup_ppm) o.dup_ppm = safety ? 20'000U : mild ? 5'000U : 0U;
  if (!o.drift_ppm_max) o.drift_ppm_max = safety ? 1'000 : mild ? 200 : 0;
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  if (p == nullptr) return;
  if (o.mode.empty() && !p->modes.empty()) o.mode = p->modes.front().name;
  if (o.workload.empty() && !p->workloads.empty()) o.workload = p->workloads.front().name;
  if (o.clients == 0 && !p->workloads.empty()) {
    o.clients = o.workload == "broadcast" ? std::min(5U, o.nodes) : 5U;
  }
  for (const ParamSpec& spec : p->params)
    o.params.try_emplace(std::string(spec.key), spec.fallback);
}

std::optional<std::string> validate(const RunOptions& o) {
  if (auto problem = validate_protocol(o)) return problem;
  const ProtocolDescriptor& p = *find_protocol(o.protocol);
  if (o.nodes < 2 || o.nodes > 1'000'000) return "nodes: must be between 2 and 1000000";
  if (o.faults != "none" && o.faults != "mild" && o.faults != "safety") {
    return "faults: unknown profile '" + o.faults + "' (expected none, mild or safety)";
  }
  if (o.time_ms <= 0 || o.time_ms > 86'400'000) return "time_ms: must be between 1 and 86400000";
  if (o.liveness_ms <= 0 || o.liveness_ms > 86'400'000) {
    return "liveness_ms: must be between 1 and 86400000";
  }
  if (o.latency_min_us < 0 || o.latency_max_us < o.latency_min_us ||
      o.latency_max_us > 60'000'000) {
    return "latency_min_us/latency_max_us: need 0 <= min <= max <= 60000000";
  }
  if (o.loss_ppm && *o.loss_ppm >= 1'000'000) return "loss_ppm: must be below 1000000";
  if (o.dup_ppm && *o.dup_ppm > 1'000'000) return "dup_ppm: must be at most 1000000";
  if (o.drift_ppm_max && (*o.drift_ppm_max < 0 || *o.drift_ppm_max >= 100'000)) {
    return "drift_ppm_max: must be between 0 and 99999";
  }
  if (p.modes.empty() && !o.mode.empty()) return "mode: protocol " + o.protocol + " has no modes";
  if (!p.modes.empty() && !p.has_mode(o.mode)) {
    return "mode: unknown mode '" + o.mode + "' (expected " + choices(p.modes) + ")";
  }
  if (p.workloads.empty() && !o.workload.empty()) {
    return "workload: protocol " + o.protocol + " takes no clients";
  }
  if (!p.workloads.empty()) {
    if (!p.has_workload(o.workload)) {
      return "workload: unknown workload '" + o.workload + "' (expected " + choices(p.workloads) +
             ")";
    }
    if (o.clients < 1 || o.clients > 10'000) return "clients: must be between 1 and 10000";
    if (o.workload == "broadcast" && o.clients > o.nodes) {
      return "clients: the broadcast workload has at most one client per node (" +
             std::to_string(o.nodes) + " nodes)";
    }
    if (o.interval_us < 1 || o.interval_us > 3'600'000'000) {
      return "interval_us: must be between 1 and 3600000000";
    }
    if (o.payload_bytes < 1 || o.payload_bytes > 64 * 1024) {
      return "payload_bytes: must be between 1 and 65536";
    }
    if (o.keys < 1 || o.keys > 1'000'000) return "keys: must be between 1 and 1000000";
    if (o.client_timeout_us < 1 || o.client_timeout_us > 3'600'000'000) {
      return "client_timeout_us: must be between 1 and 3600000000";
    }
  }
  for (const ParamSpec& spec : p.params) {
    const auto it = o.params.find(spec.key);
    if (it == o.params.end()) continue;  // not resolved yet
    if (it->second < spec.min || it->second > spec.max) {
      return std::string(spec.key) + ": must be between " + std::to_string(spec.min) + " and " +
             std::to_string(spec.max);
    }
  }
  for (const auto& name : o.bugs) {
    if (!p.has_bug(name)) {
      return "bug: " + name + " is not a bug of protocol " + o.protocol + " (see `railyard bugs " +
             "--protocol " + o.protocol + "`)";
    }
  }
  if (p.validate != nullptr) return p.validate(o);
  return std::nullopt;
}

std::string to_json(const RunOptions& o) {
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  RY_ASSERT(p != nullptr);
  std::string out;
  JsonLine j(out);
  j.begin();
  for (const OptionSpec& spec : options) {
    if (!applies(spec, *p)) continue;
    std::visit([&](auto member) { write_json(j, spec.key, o.*member); }, spec.field);
  }
  for (const ParamSpec& spec : p->params) {
    if (spec.boolean) {
      j.field(spec.key, o.param(spec.key) != 0);
    } else if (!spec.choices.empty()) {
      j.field(spec.key, spec.text(o.param(spec.key)));
    } else {
      j.field(spec.key, o.param(spec.key));
    }
  }
  if (!o.schedule.empty()) j.raw("schedule", schedule_to_json(o.schedule));
  if (o.scripted) j.field("scripted", true);
  // Checking options that can make a run fail: written when not at their default, so that a
  // trace or a schedule of a run that failed with them replays with them.
  if (o.reference) j.field("reference", true);
  if (!o.progress_check) j.field("progress_check", false);
  if (!o.network.empty()) j.raw("network", network_to_json(o.network));
  // Derived from the seed, written so that a failing seed shows its world; readers skip it.
  if (o.swarm) j.raw("swarm_mix", to_json(draw_swarm(o)));
  j.end();
  return out;
}

std::string reproduce_command(const RunOptions& o) {
  if (!o.scenario.empty()) {
    // A scenario's options and schedule live in its file; only the seed can be overridden.
    return "railyard run --scenario " + o.scenario + " --seed " + std::to_string(o.seed);
  }
  // Options left unset on the command line take their values from the fault profile or the
  // protocol: compare those with the profile's, and every other option with its default.
  RunOptions defaults;
  defaults.protocol = o.protocol;
  RunOptions profile = defaults;
  profile.faults = o.faults;
  resolve(defaults);
  resolve(profile);
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  RY_ASSERT(p != nullptr);
  std::string cmd = "railyard run";
  for (const OptionSpec& spec : options) {
    if (!applies(spec, *p)) continue;
    const bool always = spec.key == "protocol" || spec.key == "nodes" || spec.key == "seed";
    std::visit(
        [&](auto member) {
          using Value = std::remove_cvref_t<decltype(o.*member)>;
          constexpr bool from_profile = std::is_same_v<Value, std::optional<std::uint32_t>> ||
                                        std::is_same_v<Value, std::optional<std::int64_t>>;
          const RunOptions& reference = from_profile ? profile : defaults;
          append_flag(cmd, spec.flag, o.*member, reference.*member, always);
        },
        spec.field);
  }
  for (const ParamSpec& spec : p->params) {
    const std::int64_t value = o.param(spec.key);
    if (value == spec.fallback) continue;
    cmd += " " + std::string(spec.flag) + " " + spec.text(value);
  }
  if (o.reference) cmd += " --reference";  // a reference_order violation needs it to show
  if (!o.progress_check) cmd += " --no-progress-check";
  return cmd;
}

}  // namespace ry
