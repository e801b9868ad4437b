// Raft's abstract state for coverage (tools/engine/coverage.hpp), from the nodes' telemetry
// (protocol/raft/core.hpp: term, role, leader, commit, applied, suspect) and the world:
//   - the role mix among up nodes: leaders, candidates (followers are the rest);
//   - the term gap between the up nodes' highest and lowest term (0, 1, 2, 3 or more);
//   - the commit gap between the highest and lowest commit index (0, 1-9, 10-99, 100 or more);
//   - whether some node suspects its disk (recovering protocol-aware, README.md section 9);
//   - how many nodes are down, and the active fault kinds (FaultBit).
// Snapshots and configuration changes in flight are not in the telemetry, so not here yet.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "tools/engine/coverage.hpp"

namespace ry {

inline std::uint64_t raft_abstract_state(const AbstractInputs& in) {
  std::uint64_t leaders = 0, candidates = 0, down = 0, suspect = 0;
  std::int64_t term_lo = std::numeric_limits<std::int64_t>::max(), term_hi = -1;
  std::int64_t commit_lo = std::numeric_limits<std::int64_t>::max(), commit_hi = -1;
  for (std::size_t i = 0; i < in.status.size(); ++i) {
    if (in.up[i] == 0 || in.status[i].size == 0) {
      if (in.up[i] == 0) ++down;
      continue;
    }
    for (std::size_t f = 0; f < in.status[i].size; ++f) {
      const StatusField& field = in.status[i].fields[f];
      if (field.name == "role") {
        if (field.value == 2) ++leaders;  // raft::Role::leader
        if (field.value == 1) ++candidates;
      }
      if (field.name == "term") {
        term_lo = std::min(term_lo, field.value);
        term_hi = std::max(term_hi, field.value);
      }
      if (field.name == "commit") {
        commit_lo = std::min(commit_lo, field.value);
        commit_hi = std::max(commit_hi, field.value);
      }
      if (field.name == "suspect") suspect = 1;
    }
  }
  const auto gap = [](std::int64_t lo, std::int64_t hi) -> std::uint64_t {
    return hi < lo ? 0 : static_cast<std::uint64_t>(hi - lo);
  };
  const std::uint64_t commit_gap = gap(commit_lo, commit_hi);
  const std::uint64_t commit_bucket = commit_gap == 0    ? 0
                                      : commit_gap < 10  ? 1
                                      : commit_gap < 100 ? 2
                                                         : 3;
  return pack_fields({{leaders, 4},
                      {candidates, 4},
                      {gap(term_lo, term_hi), 2},
                      {commit_bucket, 2},
                      {suspect, 1},
                      {down, 4},
                      {in.faults, 6}});
}

}  // namespace ry
