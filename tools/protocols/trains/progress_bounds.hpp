// TRAINS's bounds for the bounded-progress property (invariants/progress/progress_checker.hpp),
// derived from its parameters and the run's network and disk (the swarm mix included):
//
//   hop      = latency_max + spike (if the network spikes) + 2 x link_retransmit (two losses in a
//              row on one hop) + flush_delay + sync_max (a hop's durable record is synced first)
//   latency  = 3 laps x N hops x hop
//              (a payload waits at most a lap for a train with room, then the train's first lap
//              closes it and its second makes f+1 members holders: protocol/trains/README.md
//              sections 2-3)
//   detect   = suspect + heartbeat (+1%: clocks drift up to 0.5%): a failure the last fault left
//              has been suspected by then, and the view is frozen (not settled)
//   recovery_max = `to`: (N + 3) x suspect: a detection, the ranked coordinators wait up to
//              N - 1 more timeouts, a round may time out once (2 x) and the install takes one more
//              (protocol/trains/view_change.cpp); `uto`: 0 (no view changes), and a crash ends
//              the property (a static ring halts without every node, README.md section 2)
//   settled  = every up node reports the same view, none frozen, none out (excluded/rejoining)
// Light faults (drift changes, torn, corrupted or misdirected writes) leave no outage, so they
// do not reset the quiet stretch (ProgressBounds::light_faults).
#pragma once

#include <span>
#include <string>

#include "invariants/progress/progress_checker.hpp"
#include "protocol/trains/config.hpp"
#include "protocol/trains/core.hpp"
#include "sim/world.hpp"

namespace ry {

// Telemetry fields of protocol/trains/core.hpp: view, members, frozen, out.
inline bool trains_settled(std::span<const Status> status, std::span<const std::uint8_t> up) {
  std::int64_t view = -1;
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (up[i] == 0) continue;
    if (status[i].size == 0) return false;  // no status yet
    for (std::size_t f = 0; f < status[i].size; ++f) {
      const StatusField& field = status[i].fields[f];
      if ((field.name == "frozen" || field.name == "out") && field.value != 0) return false;
      if (field.name == "view") {
        if (view >= 0 && field.value != view) return false;
        view = field.value;
      }
    }
  }
  return true;
}

inline ProgressBounds trains_progress_bounds(const trains::Config& c, const WorldOptions& w) {
  const Nanos spike = w.link.spike_ppm != 0 ? w.link.spike_ns : 0;
  const Nanos hop = w.link.latency_max_ns + spike + 2 * c.link_retransmit_ns +
                    trains::Core::flush_delay + w.disk.sync_max_ns;
  const auto n = static_cast<Nanos>(c.nodes);
  const bool to = c.mode == trains::Config::Mode::to;
  ProgressBounds b;
  b.latency_ns = 3 * n * hop;
  b.detect_ns = to ? (c.suspect_ns + c.heartbeat_ns) * 101 / 100 : 0;
  b.recovery_max_ns = to ? (n + 3) * c.suspect_ns : 0;
  b.settled = trains_settled;
  b.crash_stops = !to;
  b.derivation = "3 laps x " + std::to_string(n) + " hops x " + std::to_string(hop / us_ns) +
                 " us" +
                 (to ? ", detect " + std::to_string(b.detect_ns / us_ns) +
                           " us, recovery <= " + std::to_string(b.recovery_max_ns / ms_ns) + " ms"
                     : std::string(", uto: a crash ends it"));
  return b;
}

}  // namespace ry
