// Uniform total order (docs/trains.md section 7): all logs, of every node and every incarnation,
// crashed nodes' last logs included, are prefixes of one global sequence. Checked incrementally:
// the i-th delivery anywhere must equal global[i] (id and digest), and the first node to reach
// position i appends its delivery there. O(1) per delivery; the checker never compares logs.
//
// A node's position continues across its incarnations: a restarted node recovers its log from
// its disk (trains.md section 6) and its next delivery extends that log, so it is compared with
// the global sequence at the position after its last delivery of any earlier incarnation. The
// same holds for Raft's and VR's committed logs.
//
// Positions in details count from 1 (the first delivery is at position 1), like log indexes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/node_table.hpp"
#include "protocol/common/bugs.hpp"

namespace ry {

class TotalOrderChecker final : public Checker {
 public:
  // `bugs` may hold Bug::B2, the planted checker bug of trains.md section 8.
  explicit TotalOrderChecker(Verdict& verdict, BugSet bugs = {}) noexcept;

  [[nodiscard]] std::string_view name() const override { return "uniform_total_order"; }

  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;

  // The length of the global sequence: the longest log so far.
  [[nodiscard]] std::uint64_t global_length() const noexcept { return global_.size(); }
  // How many deliveries `node` made over all its incarnations.
  [[nodiscard]] std::uint64_t position(NodeId node) const noexcept;

 private:
  // Who first delivered a position, to name both sides of a violation.
  struct Entry {
    Delivery delivery;
    NodeRef first;
    std::uint64_t step = 0;
  };

  void check_guarded(const Step& step, NodeRef node, const Delivery& delivery, std::uint64_t pos);
  void check_b2(const Step& step, NodeRef node, const Delivery& delivery, std::uint64_t pos);
  void report(const Step& step, NodeRef node, const Delivery& delivery, std::uint64_t pos);

  bool b2_;
  std::vector<Entry> global_;
  NodeTable<std::uint64_t> positions_;  // deliveries so far per node, over all incarnations
};

}  // namespace ry
