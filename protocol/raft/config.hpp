// The immutable configuration of a Raft cluster, shared by every node (README.md sections 1, 4,
// 10 and 12). Durations are simulated nanoseconds on each node's own clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry::raft {

// The planted bugs of README.md section 12: each is a small deviation from a rule, off unless a
// run asks for it. R10 and R11 break linearizability only (caught by the kv history check).
enum class Bug : std::uint8_t { R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11 };

constexpr std::string_view bug_name(Bug bug) noexcept {
  constexpr std::string_view names[] = {"R1", "R2", "R3", "R4",  "R5", "R6",
                                        "R7", "R8", "R9", "R10", "R11"};
  return names[static_cast<std::size_t>(bug)];
}

constexpr std::optional<Bug> bug_from_name(std::string_view name) noexcept {
  for (std::uint8_t i = 0; i <= static_cast<std::uint8_t>(Bug::R11); ++i) {
    if (bug_name(static_cast<Bug>(i)) == name) return static_cast<Bug>(i);
  }
  return std::nullopt;
}

// A set of planted bugs; empty in every normal run.
class BugSet {
 public:
  constexpr BugSet() = default;
  constexpr void add(Bug bug) noexcept { bits_ |= 1U << static_cast<unsigned>(bug); }
  [[nodiscard]] constexpr bool has(Bug bug) const noexcept {
    return ((bits_ >> static_cast<unsigned>(bug)) & 1U) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  friend constexpr bool operator==(BugSet, BugSet) = default;

 private:
  std::uint32_t bits_ = 0;
};

// README.md section 10: how a read is served.
enum class Reads : std::uint8_t { log, read_index, lease };

struct Config {
  std::uint32_t nodes = 3;              // nodes 0..nodes-1
  std::vector<NodeId> learners;         // initial learners; every other node starts as a voter
  Nanos election_min_ns = 150 * ms_ns;  // election timeout drawn uniformly in [min, max)
  Nanos election_max_ns = 300 * ms_ns;
  Nanos heartbeat_ns = 50 * ms_ns;
  Nanos check_quorum_ns = 5 * s_ns;  // a leader without a quorum of answers this long steps down
  Nanos transfer_timeout_ns = 1 * s_ns;   // a leadership transfer is abandoned after this long
  std::uint32_t batch_entries_max = 100;  // per AppendEntries
  std::uint64_t batch_bytes_max = 1 << 20;
  std::uint64_t snapshot_threshold = 10'000;  // applied entries past the last snapshot
  std::uint64_t snapshot_trailing = 100;      // entries kept below a snapshot
  std::uint64_t snapshot_chunk_bytes = 1 << 20;
  Nanos snapshot_cooldown_ns = 60 * s_ns;           // at least this long between own snapshots
  Nanos snapshot_transfer_timeout_ns = 300 * s_ns;  // a transfer running longer starts over
  Reads reads = Reads::log;
  std::uint32_t drift_ppm = 100;      // declared clock drift bound (rho) for leases
  Nanos lease_margin_ns = 1 * ms_ns;  // subtracted from every lease
  BugSet bugs;

  [[nodiscard]] bool has(Bug bug) const noexcept { return bugs.has(bug); }
  [[nodiscard]] bool starts_as_learner(NodeId node) const noexcept {
    for (const NodeId l : learners) {
      if (l == node) return true;
    }
    return false;
  }
  // README.md section 10: D = min_election * (1 - rho) / (1 + rho) - margin, in integers.
  [[nodiscard]] Nanos lease_ns() const noexcept {
    const auto ppm = static_cast<Nanos>(drift_ppm);
    return election_min_ns * (1'000'000 - ppm) / (1'000'000 + ppm) - lease_margin_ns;
  }
};

}  // namespace ry::raft
