#include "tools/engine/swarm.hpp"

#include <algorithm>

#include "protocol/common/prng.hpp"
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/run_options.hpp"
#include "traces/json_line.hpp"

namespace ry {

namespace {

// The nemesis kinds in the order they are drawn, printed and written.
struct Kind {
  const char* name;
  std::uint32_t NemesisOptions::*weight;
};
constexpr Kind kinds[] = {
    {"crash", &NemesisOptions::crash},
    {"pause", &NemesisOptions::pause},
    {"cut", &NemesisOptions::cut},
    {"partition", &NemesisOptions::partition},
    {"clog", &NemesisOptions::clog},
    {"clock_jump", &NemesisOptions::clock_jump},
    {"clock_drift", &NemesisOptions::clock_drift},
    {"disk", &NemesisOptions::disk},
};

std::string ms_text(Nanos ns) {
  if (ns % ms_ns == 0) return std::to_string(ns / ms_ns) + " ms";
  return std::to_string(ns / us_ns) + " us";
}

}  // namespace

SwarmMix draw_swarm(const RunOptions& o) {
  Prng prng(o.seed, Stream::swarm);
  auto on = [&] { return prng.chance_ppm(500'000); };  // each kind is left out half the time
  SwarmMix mix;
  LinkModel& link = mix.link;
  link.latency_min_ns = o.latency_min_us * us_ns;
  // A narrow spread keeps most messages in order; a wide one reorders a lot.
  const Nanos spread = on() ? prng.between(0, 2 * ms_ns) : prng.between(0, 100 * us_ns);
  link.latency_max_ns = std::max(o.latency_max_us * us_ns, link.latency_min_ns + spread);
  link.fifo = o.fifo || prng.chance_ppm(250'000);
  if (on()) link.loss_ppm = static_cast<std::uint32_t>(prng.between(100, 30'000));
  if (on()) link.duplicate_ppm = static_cast<std::uint32_t>(prng.between(100, 30'000));
  if (on()) {
    link.spike_ppm = static_cast<std::uint32_t>(prng.between(1'000, 50'000));
    link.spike_ns = prng.between(ms_ns, 30 * ms_ns);
  }
  if (on()) mix.drift_ppm_max = prng.between(1, 5'000);

  NemesisOptions& n = mix.nemesis;
  n.enabled = true;
  n.interval_min_ns = prng.between(2 * ms_ns, 50 * ms_ns);
  n.interval_max_ns = n.interval_min_ns * prng.between(2, 8);
  n.hold_min_ns = prng.between(ms_ns, 10 * ms_ns);
  n.hold_max_ns = prng.between(n.hold_min_ns, 300 * ms_ns);
  n.max_active = static_cast<std::uint32_t>(prng.between(1, 3));
  for (const Kind& k : kinds) {
    n.*k.weight = on() ? static_cast<std::uint32_t>(prng.between(1, 4)) : 0;
  }
  n.clock_jump_max_ns = prng.between(ms_ns, 500 * ms_ns);
  n.drift_ppm_max = prng.between(10, 5'000);
  // The protocol's descriptor says whether a crashed node comes back (TRAINS uto is a static ring:
  // its crashed nodes stay down and its runs halt) and whether its core verifies its disk (the
  // ring keeps no checksums, so disk faults would only test what it never claimed).
  const ProtocolDescriptor* p = find_protocol(o.protocol);
  n.restart = p != nullptr && p->restarts(o);
  n.max_down = 1;
  if (p == nullptr || !p->disk_faults) n.disk = 0;
  return mix;
}

std::string describe(const SwarmMix& mix) {
  const LinkModel& l = mix.link;
  std::string out = "latency " + ms_text(l.latency_min_ns) + "-" + ms_text(l.latency_max_ns);
  out += l.fifo ? " fifo" : " reordering";
  out += l.loss_ppm != 0 ? ", loss " + std::to_string(l.loss_ppm) + " ppm" : ", no loss";
  out += l.duplicate_ppm != 0 ? ", duplication " + std::to_string(l.duplicate_ppm) + " ppm"
                              : ", no duplication";
  if (l.spike_ppm != 0) {
    out += ", spikes " + std::to_string(l.spike_ppm) + " ppm up to " + ms_text(l.spike_ns);
  }
  out += mix.drift_ppm_max != 0 ? ", drift up to " + std::to_string(mix.drift_ppm_max) + " ppm"
                                : ", no drift";
  const NemesisOptions& n = mix.nemesis;
  std::string chosen;
  for (const Kind& k : kinds) {
    if (n.*k.weight == 0) continue;
    chosen += (chosen.empty() ? "" : " ") + std::string(k.name) + "x" + std::to_string(n.*k.weight);
  }
  if (chosen.empty()) return out + "; no nemesis";
  out += "; nemesis every " + ms_text(n.interval_min_ns) + "-" + ms_text(n.interval_max_ns) +
         ", holds " + ms_text(n.hold_min_ns) + "-" + ms_text(n.hold_max_ns) + ", up to " +
         std::to_string(n.max_active) + " at once: " + chosen;
  if (n.crash != 0 && !n.restart) out += " (crashed nodes stay down)";
  return out;
}

std::string to_json(const SwarmMix& mix) {
  std::string out;
  JsonLine j(out);
  const LinkModel& l = mix.link;
  const NemesisOptions& n = mix.nemesis;
  j.begin()
      .field("latency_min_ns", l.latency_min_ns)
      .field("latency_max_ns", l.latency_max_ns)
      .field("fifo", l.fifo)
      .field("loss_ppm", l.loss_ppm)
      .field("dup_ppm", l.duplicate_ppm)
      .field("spike_ppm", l.spike_ppm)
      .field("spike_ns", l.spike_ns)
      .field("drift_ppm_max", mix.drift_ppm_max)
      .field("interval_min_ns", n.interval_min_ns)
      .field("interval_max_ns", n.interval_max_ns)
      .field("hold_min_ns", n.hold_min_ns)
      .field("hold_max_ns", n.hold_max_ns)
      .field("max_active", n.max_active)
      .field("restart", n.restart)
      .field("clock_jump_max_ns", n.clock_jump_max_ns)
      .field("nemesis_drift_ppm_max", n.drift_ppm_max)
      .object("weights");
  for (const Kind& k : kinds) j.field(k.name, n.*k.weight);
  j.end().end();
  return out;
}

}  // namespace ry
