#include "tools/engine/simulation.hpp"

#include "tools/protocols/ring/driver.hpp"
#include "tools/engine/swarm.hpp"
#include "tools/protocols/trains/driver.hpp"
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

NemesisOptions nemesis_options(const RunOptions& o) {
  if (o.swarm) return draw_swarm(o).nemesis;
  NemesisOptions n;
  n.enabled = o.faults == "mild";
  // The mild profile: crashes, pauses, single-link cuts and clock jumps, one fault at a time.
  n.crash = n.pause = n.cut = n.clock_jump = 1;
  n.partition = n.clog = n.clock_drift = n.disk = 0;
  n.max_active = 1;
  // TRAINS uto has no membership (docs/trains.md 3): a crashed node could only come back without
  // its state, which the static ring does not support. TRAINS to restarts it and re-admits it.
  if (o.protocol == "trains" && o.mode == "uto") {
    n.crash = 0;
    n.restart = false;  // nor may a crash from a scenario be undone at the heal
  }
  return n;
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

std::optional<std::string> expected_halt(const Cluster& cluster) {
  std::string down;
  for (std::uint32_t i = 0; i < cluster.node_count(); ++i) {
    if (!cluster.is_up(NodeId{i})) down += (down.empty() ? "" : ",") + std::to_string(i);
  }
  if (down.empty()) return std::nullopt;
  return "node(s) " + down + " crashed for good; safety held";
}

RunResult simulate_any(const RunOptions& options, const TraceTarget* trace) {
  if (options.protocol == "ring") return simulate<RingDriver>(options, trace);
  return simulate<TrainsDriver>(options, trace);
}

}  // namespace ry
