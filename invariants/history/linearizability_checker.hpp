// Linearizability of a run's own client history (key-value workloads): it keeps the history as
// the clients report it and, when asked at the end of the run, checks it with the same checker as
// `railyard check-history` (linearizability.hpp), the operations' `applied` positions tried first
// as a witness. The search gets a step budget, not a time budget, so the verdict is the same on
// every machine; a budget that runs out is reported as unknown, never as a violation.
// Memory: the whole history (one HistoryOp per operation).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/history/history.hpp"
#include "invariants/history/linearizability.hpp"

namespace ry {

class LinearizabilityChecker final : public Checker {
 public:
  static constexpr std::uint64_t steps_max_default = 50'000'000;

  explicit LinearizabilityChecker(Verdict& verdict,
                                  std::uint64_t steps_max = steps_max_default) noexcept
      : Checker(verdict), steps_max_(steps_max) {}

  [[nodiscard]] std::string_view name() const override { return "linearizability"; }

  void on_history(const Step& step, const HistoryEvent& event) override;

  // Checks the history so far; a violation is recorded at `step`. Returns the one-line verdict.
  std::string check(std::uint64_t step);

  [[nodiscard]] const History& history() const noexcept { return history_; }

 private:
  History history_;
  std::vector<std::optional<std::size_t>> open_;  // per client: its operation in flight
  std::uint64_t steps_max_;
};

}  // namespace ry
