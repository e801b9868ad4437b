#include "tools/engine/run_options.hpp"

#include <array>

#include "tools/engine/swarm.hpp"
#include "traces/json_line.hpp"

namespace ry {

namespace {

using O = RunOptions;
const std::array<OptionSpec, 24> options = {{
    {"protocol", "--protocol", "protocol to simulate: trains (default) or ring", &O::protocol},
    {"nodes", "--nodes", "number of nodes", &O::nodes},
    {"seed", "--seed", "the run's seed: same seed, same trace", &O::seed},
    {"faults", "--faults", "fault profile: none or mild", &O::faults},
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
    {"trains", "--trains", "trains: K train slots (issuers 0..K-1)", &O::trains},
    {"mode", "--mode", "trains: delivery mode, uto (static ring) or to", &O::mode},
    {"clients", "--clients", "trains: nodes 0..clients-1 broadcast", &O::clients},
    {"interval_us", "--interval-us", "trains: mean time between broadcasts of a client",
     &O::interval_us},
    {"payload_bytes", "--payload-bytes", "trains: bytes per broadcast", &O::payload_bytes},
    {"link_retransmit_us", "--link-retransmit-us", "trains: link-layer retransmission timeout",
     &O::link_retransmit_us},
    {"issuer_stagger_us", "--issuer-stagger-us",
     "trains: issuers start at seeded times in [0, this]", &O::issuer_stagger_us},
    {"laps", "--laps", "ring: stop after this many laps (0: run the whole phase)", &O::laps},
    {"ring_retransmit_us", "--ring-retransmit-us",
     "ring: retransmission timeout (0: no acks, no retransmission)", &O::ring_retransmit_us},
    {"ring_persist", "--ring-persist",
     "ring: write and sync each accepted hop before forwarding (true/false)", &O::ring_persist},
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

void resolve(RunOptions& o) {
  const bool mild = o.faults == "mild";
  if (!o.loss_ppm) o.loss_ppm = mild ? 5'000U : 0U;
  if (!o.dup_ppm) o.dup_ppm = mild ? 5'000U : 0U;
  if (!o.drift_ppm_max) o.drift_ppm_max = mild ? 200 : 0;
}

std::optional<std::string> validate(const RunOptions& o) {
  if (o.protocol != "ring" && o.protocol != "trains") {
    return "protocol: unknown protocol '" + o.protocol + "' (expected ring or trains)";
  }
  if (o.nodes < 2 || o.nodes > 1'000'000) return "nodes: must be between 2 and 1000000";
  if (o.faults != "none" && o.faults != "mild") {
    return "faults: unknown profile '" + o.faults + "' (expected none or mild)";
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
  if (o.ring_retransmit_us < 0 || o.ring_retransmit_us > 60'000'000) {
    return "ring_retransmit_us: must be between 0 and 60000000";
  }
  if (o.trains < 1 || o.trains > o.nodes) return "trains: must be between 1 and nodes";
  if (o.mode != "uto" && o.mode != "to")
    return "mode: unknown mode '" + o.mode + "' (expected uto or to)";
  if (o.interval_us < 1 || o.interval_us > 3'600'000'000) {
    return "interval_us: must be between 1 and 3600000000";
  }
  if (o.payload_bytes < 1 || o.payload_bytes > 64 * 1024)
    return "payload_bytes: must be between 1 and 65536";
  if (o.link_retransmit_us < 1 || o.link_retransmit_us > 60'000'000) {
    return "link_retransmit_us: must be between 1 and 60000000";
  }
  if (o.issuer_stagger_us < 0 || o.issuer_stagger_us > 60'000'000) {
    return "issuer_stagger_us: must be between 0 and 60000000";
  }
  if (o.protocol == "ring" && o.ring_retransmit_us == 0 && o.loss_ppm.value_or(0) > 0) {
    return "ring_retransmit_us: 0 (no retransmission) cannot survive loss_ppm > 0";
  }
  for (const auto& name : o.bugs) {
    const auto bug = bug_from_name(name);
    if (!bug) return "bug: unknown bug '" + name + "' (see `railyard bugs`)";
    if (!bug_planted(*bug, o.protocol)) {
      return "bug: " + name + " is not planted in protocol " + o.protocol +
             " (see `railyard bugs`)";
    }
  }
  return std::nullopt;
}

bool bug_planted(Bug /*bug*/, const std::string& protocol) {
  // The ring has no checker or rule these bugs live in.
  return protocol == "trains";
}

BugSet bug_set(const RunOptions& o) {
  BugSet bugs;
  for (const auto& name : o.bugs) {
    if (auto bug = bug_from_name(name)) bugs.add(*bug);
  }
  return bugs;
}

std::string to_json(const RunOptions& o) {
  std::string out;
  JsonLine j(out);
  j.begin();
  for (const OptionSpec& spec : options) {
    std::visit([&](auto member) { write_json(j, spec.key, o.*member); }, spec.field);
  }
  if (!o.schedule.empty()) j.raw("schedule", schedule_to_json(o.schedule));
  // Derived from the seed, written so that a failing seed shows its world; readers skip it.
  if (o.swarm) j.raw("swarm_mix", to_json(draw_swarm(o)));
  j.end();
  return out;
}

std::string reproduce_command(const RunOptions& o) {
  // Options left unset on the command line take their values from the fault profile: compare
  // those with the profile's, and every other option with its default.
  const RunOptions defaults;
  RunOptions profile;
  profile.faults = o.faults;
  resolve(profile);
  if (!o.scenario.empty()) {
    // A scenario's options and schedule live in its file; only the seed can be overridden.
    return "railyard run --scenario " + o.scenario + " --seed " + std::to_string(o.seed);
  }
  std::string cmd = "railyard run";
  for (const OptionSpec& spec : options) {
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
  return cmd;
}

}  // namespace ry
