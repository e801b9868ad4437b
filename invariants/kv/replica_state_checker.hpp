// Key-value workloads (any protocol): two properties checked once the run has converged.
//
//  - acknowledged_writes: every write a client saw acknowledged (put, append or cas answered ok)
//    is applied at every replica that holds the converged state. Asynchronous replication with
//    failover loses such writes; a replicated state machine must not.
//  - replica_state: those replicas hold the same state (equal KvStore digests).
//
// It follows the history (acknowledged writes, per client) as the run goes and compares stores
// only when asked, so it costs nothing per step. Memory: one seq per acknowledged write.
// The full check, linearizability of the history, is `railyard check-history`.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "invariants/checker.hpp"
#include "protocol/common/kv_store.hpp"

namespace ry {

class ReplicaStateChecker final : public Checker {
 public:
  explicit ReplicaStateChecker(Verdict& verdict) noexcept : Checker(verdict) {}

  [[nodiscard]] std::string_view name() const override { return "acknowledged_writes"; }

  void on_history(const Step& step, const HistoryEvent& event) override;

  // Compares the stores of `replicas` (the nodes holding the converged state). Records a
  // violation (acknowledged_writes or replica_state) and returns its line, or nothing.
  std::optional<std::string> check_converged(std::uint64_t step,
                                             const std::vector<NodeId>& replicas,
                                             const std::function<const KvStore*(NodeId)>& store_of);

  [[nodiscard]] std::uint64_t acknowledged() const noexcept { return acknowledged_; }

 private:
  std::map<std::uint32_t, std::vector<std::uint64_t>> acked_;  // client -> seqs of acked writes
  std::uint64_t acknowledged_ = 0;
};

}  // namespace ry
