#include "tools/run_options.hpp"

#include "traces/json_line.hpp"

namespace ry {

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
  if (o.ring_retransmit_us < 0) return "ring_retransmit_us: must not be negative";
  if (o.trains < 1 || o.trains > o.nodes) return "trains: must be between 1 and nodes";
  if (o.mode != "uto" && o.mode != "to")
    return "mode: unknown mode '" + o.mode + "' (expected uto or to)";
  if (o.interval_us < 1) return "interval_us: must be at least 1";
  if (o.payload_bytes < 1 || o.payload_bytes > 64 * 1024)
    return "payload_bytes: must be between 1 and 65536";
  if (o.link_retransmit_us < 1) return "link_retransmit_us: must be at least 1";
  if (o.issuer_stagger_us < 0) return "issuer_stagger_us: must not be negative";
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

bool bug_planted(Bug bug, const std::string& protocol) {
  // The ring has no checker or rule these bugs live in; TRAINS membership bugs (B6-U1) come
  // with view changes.
  if (protocol != "trains") return false;
  return bug == Bug::B2 || bug == Bug::B3 || bug == Bug::B4 || bug == Bug::B5;
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
  j.begin()
      .field("protocol", o.protocol)
      .field("nodes", o.nodes)
      .field("seed", o.seed)
      .field("faults", o.faults)
      .field("time_ms", o.time_ms)
      .field("liveness_ms", o.liveness_ms)
      .field("latency_min_us", o.latency_min_us)
      .field("latency_max_us", o.latency_max_us)
      .field("loss_ppm", o.loss_ppm.value_or(0))
      .field("dup_ppm", o.dup_ppm.value_or(0))
      .field("fifo", o.fifo)
      .field("drift_ppm_max", o.drift_ppm_max.value_or(0))
      .field("trains", o.trains)
      .field("mode", o.mode)
      .field("clients", o.clients)
      .field("interval_us", o.interval_us)
      .field("payload_bytes", o.payload_bytes)
      .field("link_retransmit_us", o.link_retransmit_us)
      .field("issuer_stagger_us", o.issuer_stagger_us)
      .field("laps", o.laps)
      .field("ring_retransmit_us", o.ring_retransmit_us)
      .field("ring_persist", o.ring_persist)
      .array("bugs");
  for (const auto& b : o.bugs) j.element(b);
  j.end_array().end();
  return out;
}

std::string reproduce_command(const RunOptions& o) {
  const RunOptions defaults;
  std::string cmd = "railyard run --protocol " + o.protocol + " --nodes " +
                    std::to_string(o.nodes) + " --seed " + std::to_string(o.seed);
  if (o.faults != defaults.faults) cmd += " --faults " + o.faults;
  if (o.time_ms != defaults.time_ms) cmd += " --time-ms " + std::to_string(o.time_ms);
  if (o.liveness_ms != defaults.liveness_ms)
    cmd += " --liveness-ms " + std::to_string(o.liveness_ms);
  if (o.latency_min_us != defaults.latency_min_us)
    cmd += " --latency-min-us " + std::to_string(o.latency_min_us);
  if (o.latency_max_us != defaults.latency_max_us)
    cmd += " --latency-max-us " + std::to_string(o.latency_max_us);
  RunOptions profile;
  profile.faults = o.faults;
  resolve(profile);
  if (o.loss_ppm != profile.loss_ppm)
    cmd += " --loss-ppm " + std::to_string(o.loss_ppm.value_or(0));
  if (o.dup_ppm != profile.dup_ppm) cmd += " --dup-ppm " + std::to_string(o.dup_ppm.value_or(0));
  if (o.drift_ppm_max != profile.drift_ppm_max) {
    cmd += " --drift-ppm-max " + std::to_string(o.drift_ppm_max.value_or(0));
  }
  if (o.fifo) cmd += " --fifo";
  if (o.trains != defaults.trains) cmd += " --trains " + std::to_string(o.trains);
  if (o.mode != defaults.mode) cmd += " --mode " + o.mode;
  if (o.clients != defaults.clients) cmd += " --clients " + std::to_string(o.clients);
  if (o.interval_us != defaults.interval_us)
    cmd += " --interval-us " + std::to_string(o.interval_us);
  if (o.payload_bytes != defaults.payload_bytes)
    cmd += " --payload-bytes " + std::to_string(o.payload_bytes);
  if (o.link_retransmit_us != defaults.link_retransmit_us) {
    cmd += " --link-retransmit-us " + std::to_string(o.link_retransmit_us);
  }
  if (o.issuer_stagger_us != defaults.issuer_stagger_us) {
    cmd += " --issuer-stagger-us " + std::to_string(o.issuer_stagger_us);
  }
  if (o.laps != defaults.laps) cmd += " --laps " + std::to_string(o.laps);
  if (o.ring_retransmit_us != defaults.ring_retransmit_us) {
    cmd += " --ring-retransmit-us " + std::to_string(o.ring_retransmit_us);
  }
  if (o.ring_persist != defaults.ring_persist) cmd += " --ring-persist false";
  for (const auto& b : o.bugs) cmd += " --bug " + b;
  return cmd;
}

}  // namespace ry
