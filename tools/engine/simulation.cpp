#include "tools/engine/simulation.hpp"

#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/swarm.hpp"
#include "traces/json_line.hpp"

namespace ry {

WorldOptions world_options(const RunOptions& o) {
  WorldOptions w;
  w.nodes = o.nodes;
  w.seed = o.seed;
  w.link.latency_min_ns = o.latency_min_us * us_ns;
  w.link.latency_max_ns = o.latency_max_us * us_ns;
  w.link.loss_ppm = o.loss_ppm.value_or(0);
  w.link.duplicate_ppm = o.dup_ppm.value_or(0);
  w.link.fifo = o.fifo;
  if (o.swarm) w.link = draw_swarm(o).link;
  return w;
}

// The safety profile: no liveness phase, so nothing needs to heal in time, and every fault kind
// the protocol can take comes at high rates and overlaps: up to four at once, any number of
// nodes down (they restart after their hold), clock jumps of up to 100 ms.
NemesisOptions safety_profile(const RunOptions& o) {
  NemesisOptions n;
  n.enabled = !o.scripted;
  n.interval_min_ns = 2 * ms_ns;
  n.interval_max_ns = 30 * ms_ns;
  n.hold_min_ns = 5 * ms_ns;
  n.hold_max_ns = 120 * ms_ns;
  n.max_active = 4;
  n.max_down = o.nodes;
  n.crash = n.pause = n.cut = n.partition = n.clog = n.clock_jump = n.clock_drift = 1;
  n.clock_jump_max_ns = 100 * ms_ns;
  n.drift_ppm_max = 2'000;
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  n.disk = p != nullptr && p->disk_faults ? 1 : 0;
  if (p != nullptr && !p->restarts(o)) {
    n.crash = 0;
    n.restart = false;
  }
  return n;
}

NemesisOptions nemesis_options(const RunOptions& o) {
  NemesisOptions n;
  if (o.faults == "safety" && !o.swarm) return safety_profile(o);
  if (o.swarm) {
    n = draw_swarm(o).nemesis;
    n.enabled = n.enabled && !o.scripted;  // a recorded run's faults are all in its schedule
    return n;
  }
  n.enabled = o.faults == "mild" && !o.scripted;
  // The mild profile: crashes, pauses, single-link cuts and clock jumps, one fault at a time.
  n.crash = n.pause = n.cut = n.clock_jump = 1;
  n.partition = n.clog = n.clock_drift = n.disk = 0;
  n.max_active = 1;
  // A protocol whose crashed nodes cannot come back (its descriptor says so) is not crashed by
  // the nemesis, and a crash from a scenario is not undone at the heal.
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  if (p != nullptr && !p->restarts(o)) {
    n.crash = 0;
    n.restart = false;
  }
  return n;
}

ClientOptions client_options(const RunOptions& o) {
  ClientOptions c;
  c.kind = o.workload == "kv" ? WorkloadKind::kv : WorkloadKind::broadcast;
  c.clients = o.clients;
  c.interval_ns = o.interval_us * us_ns;
  c.payload_bytes = o.payload_bytes;
  c.keys = o.keys;
  c.timeout_ns = o.client_timeout_us * us_ns;
  return c;
}

void set_clocks(Cluster& cluster, const RunOptions& o) {
  const std::int64_t drift = o.swarm ? draw_swarm(o).drift_ppm_max : o.drift_ppm_max.value_or(0);
  if (drift == 0) return;
  Prng prng(o.seed, Stream::clocks);
  for (std::uint32_t i = 0; i < cluster.node_count(); ++i) {
    const Nanos offset = prng.between(-ms_ns, ms_ns);
    cluster.clock(NodeId{i}) = NodeClock(offset, prng.between(-drift, drift));
  }
}

std::string footer_extra(const RunResult& r) {
  std::string out;
  JsonLine j(out);
  j.field("sim_ns", r.sim_end.ns)
      .field("sends", r.stats.sends)
      .field("deliveries", r.stats.deliveries)
      .field("faults", r.stats.faults)
      .field("checks", r.checks);
  if (r.outcome == Outcome::violation) {
    j.object("violation")
        .field("property", r.violation.property)
        .field("step", r.violation.step)
        .field("detail", r.violation.detail)
        .array("nodes");
    for (NodeId n : r.violation.nodes) j.element(std::int64_t{n.value});
    j.end_array().end();
  }
  if (r.outcome == Outcome::no_liveness) j.field("liveness", r.liveness_detail);
  if (r.outcome == Outcome::halted) j.field("halted", r.liveness_detail);
  return out;
}

std::optional<std::string> nodes_down_for_good(const Cluster& cluster) {
  std::string down;
  for (std::uint32_t i = 0; i < cluster.node_count(); ++i) {
    if (!cluster.is_up(NodeId{i})) down += (down.empty() ? "" : ",") + std::to_string(i);
  }
  if (down.empty()) return std::nullopt;
  return "node(s) " + down + " crashed for good; safety held";
}

std::string describe(const ClientStats& s) {
  std::string out = std::to_string(s.invoked) + " invoked: " + std::to_string(s.ok) + " ok, " +
                    std::to_string(s.fail) + " fail, " + std::to_string(s.info) + " info";
  if (s.retries > 0) out += "; " + std::to_string(s.retries) + " retries";
  if (s.node_down > 0) out += "; " + std::to_string(s.node_down) + " refused (node down or paused)";
  return out;
}

std::string describe(const Status& status) {
  std::string out;
  for (std::size_t i = 0; i < status.size; ++i) {
    out += (i == 0 ? "" : ", ") + std::string(status.fields[i].name) + " " +
           std::to_string(status.fields[i].value);
  }
  return out;
}

RunResult simulate_any(const RunOptions& options, const TraceTarget* trace) {
  const ProtocolDescriptor* p = find_protocol(options.protocol);
  RY_ASSERT(p != nullptr && p->simulate != nullptr);  // validate() said so
  return p->simulate(options, trace);
}

}  // namespace ry
