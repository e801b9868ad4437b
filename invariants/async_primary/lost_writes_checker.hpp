// Lost acknowledged writes, counted exactly (protocol/async_primary/README.md section 6).
//
// The generic acknowledged_writes check (invariants/kv/replica_state_checker.hpp) asks each
// replica's key-value store whether a request was applied, and the store answers from its
// at-most-once table, which remembers only each client's highest applied seq: a client whose
// write 5 was lost by a failover but whose write 9 reached the new primary looks as if it had
// both. Async-primary keeps its whole replication stream, so this checker can compare the
// acknowledged writes with the request ids the converged primary actually applied, and count
// every loss rather than stop at the first one.
//
// It follows the history (acknowledged writes, in order) as the run goes; count() is called once
// the run has converged, costs O(acknowledged + applied log applied), and records an
// acknowledged_writes violation when anything is missing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "invariants/checker.hpp"
#include "protocol/common/client.hpp"

namespace ry::async_primary {

struct LostWrites {
  std::uint64_t acknowledged = 0;
  std::uint64_t lost = 0;
  std::optional<RequestId> first_lost;  // in history order
};

class LostWritesChecker final : public Checker {
 public:
  explicit LostWritesChecker(Verdict& verdict) noexcept : Checker(verdict) {}

  [[nodiscard]] std::string_view name() const override { return "acknowledged_writes"; }

  void on_history(const Step& step, const HistoryEvent& event) override;

  // Counts the acknowledged writes missing from `applied` (the request ids the converged primary
  // applied, in any order); a loss is an acknowledged_writes violation at `step` on `node`.
  LostWrites count(std::uint64_t step, NodeId node, const std::vector<RequestId>& applied);

  [[nodiscard]] std::uint64_t acknowledged() const noexcept { return acked_.size(); }

 private:
  std::vector<RequestId> acked_;  // in history order
};

}  // namespace ry::async_primary
