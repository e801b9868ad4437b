// Raft's lease_safety (protocol/raft/README.md sections 10 and "Simulation checkers"): while a
// leader's read lease holds on its own clock, no other node is elected in a higher term, so a
// read it answers locally is never stale. The lease rests on a timing assumption, every clock
// drifting at most the declared bound (Config::drift_ppm) and none jumping, so the checker is
// armed only while that holds: a clock jump, or any clock seen drifting past the bound, disarms
// it for the rest of the run (a violation then is the assumption failing, not the protocol).
// Read from notes ("elected", "lease", "step_down", "term", "transfer") and the nodes' clocks:
// O(nodes) per election, one lease per node.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "invariants/checker.hpp"
#include "protocol/raft/core.hpp"
#include "sim/clock.hpp"

namespace ry::raft {

// How the checker reads a node's clock (global time to the node's local time).
using ClockOf = std::function<const NodeClock&(NodeId)>;

class LeaseChecker final : public Checker {
 public:
  LeaseChecker(Verdict& verdict, std::uint32_t nodes, ClockOf clock_of, std::uint32_t drift_ppm)
      : Checker(verdict), clock_of_(std::move(clock_of)), nodes_(nodes), drift_ppm_(drift_ppm) {}

  [[nodiscard]] std::string_view name() const override { return "lease_safety"; }
  [[nodiscard]] bool armed() const noexcept { return armed_; }

  void on_note(const Step& step, NodeRef node, const Note& note) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_fault(const Step& step, const FaultInfo& fault) override;

 private:
  struct Node {
    Term leading = 0;  // the term this node leads (0: not a leader)
    Time lease_until;  // on its own clock; meaningful while leading
  };
  // Disarms the checker if some clock drifts past the bound now.
  void check_clocks();

  ClockOf clock_of_;
  std::vector<Node> nodes_;
  std::int64_t drift_ppm_;
  bool armed_ = true;
};

}  // namespace ry::raft
