// Raft's bounds for the bounded-progress property (invariants/progress/progress_checker.hpp),
// from its timeouts and the run's network and disk:
//   hop          = latency_max + spike (if the network spikes) + sync_max (a durable append)
//   latency      = 4 x heartbeat + 4 x hop: a request reaches the leader, which appends it and
//                  replicates it at once; a lost AppendEntries is repaired by the next heartbeat,
//                  so up to three in a row may be lost; then commit, apply and reply
//   detect       = (election_max + heartbeat) x 1.01: a leader the last fault deposed or cut off
//                  has been given up on by then (clocks drift up to 0.5%)
//   recovery_max = 4 x election_max: up to three split votes, then an election (pre-vote rounds
//                  included)
//   settled      = exactly one leader among the up nodes, no candidate, every up node in its term
// A request left at a stale leader is retried by its client at another node, which restarts its
// clock (a retry), so a deposed leader's silence is not a stall.
#pragma once

#include <span>
#include <string>

#include "invariants/progress/progress_checker.hpp"
#include "protocol/raft/config.hpp"
#include "sim/world.hpp"

namespace ry {

// Telemetry fields of protocol/raft/core.hpp: term, role (0 follower, 1 candidate, 2 leader).
inline bool raft_settled(std::span<const Status> status, std::span<const std::uint8_t> up) {
  std::int64_t leader_term = -1;
  std::int64_t leaders = 0;
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (up[i] == 0) continue;
    if (status[i].size == 0) return false;
    std::int64_t term = -1, role = -1;
    for (std::size_t f = 0; f < status[i].size; ++f) {
      if (status[i].fields[f].name == "term") term = status[i].fields[f].value;
      if (status[i].fields[f].name == "role") role = status[i].fields[f].value;
    }
    if (role == 1) return false;
    if (role == 2) {
      ++leaders;
      leader_term = term;
    }
  }
  if (leaders != 1) return false;
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (up[i] == 0) continue;
    for (std::size_t f = 0; f < status[i].size; ++f) {
      if (status[i].fields[f].name == "term" && status[i].fields[f].value != leader_term) {
        return false;
      }
    }
  }
  return true;
}

inline ProgressBounds raft_progress_bounds(const raft::Config& c, const WorldOptions& w) {
  const Nanos spike = w.link.spike_ppm != 0 ? w.link.spike_ns : 0;
  const Nanos hop = w.link.latency_max_ns + spike + w.disk.sync_max_ns;
  ProgressBounds b;
  b.latency_ns = 4 * c.heartbeat_ns + 4 * hop;
  b.detect_ns = (c.election_max_ns + c.heartbeat_ns) * 101 / 100;
  b.recovery_max_ns = 4 * c.election_max_ns;
  b.settled = raft_settled;
  b.derivation = "4 heartbeats + 4 hops x " + std::to_string(hop / us_ns) + " us, detect " +
                 std::to_string(b.detect_ns / us_ns) +
                 " us, recovery <= " + std::to_string(b.recovery_max_ns / ms_ns) + " ms";
  return b;
}

}  // namespace ry
