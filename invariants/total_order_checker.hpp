// Uniform total order (protocol/trains/README.md section 7): all logs, of every node and every
// incarnation, crashed nodes' last logs included, are prefixes of one global sequence. Checked
// incrementally: the i-th delivery anywhere must equal global[i] (id and digest), and the first
// node to reach position i appends its delivery there. O(1) amortised per delivery; the checker
// never compares logs.
//
// A node's position continues across its incarnations: a restarted node recovers its log from
// its disk (protocol/trains/README.md section 6) and its next delivery extends that log, so it is
// compared with the global sequence at the position after its last delivery of any earlier
// incarnation. The same holds for Raft's and VR's committed logs.
//
// Memory follows in-flight work: the global sequence is kept only from the slowest live node's
// position on (trimmed every `trim_period` deliveries). Live nodes are those that delivered
// something, plus nodes 0..N-1 when N is given, until they crash (a crashed incarnation's log
// never grows again; a restart makes the node live again). A node whose position has fallen
// below the kept window (it restarted after the window moved on, or N was not given and it
// started late) is checked by a hash of its whole log instead: every kept entry carries the hash
// of the global prefix up to it, each node carries the hash of its own log, and the two are
// compared when the node's position re-enters the window. A difference found that way names the
// range of positions, not the exact one.
//
// A state transfer (StateTransfer, protocol/common/effects.hpp) replaces
// a node's log by positions 1..X of a donor's: its cursor moves to X. Whether those positions
// match the global sequence is rejoin_consistency's to check (by digest); here the node's next
// delivery is compared at position X + 1.
//
// Positions in details count from 1 (the first delivery is at position 1), like log indexes.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>

#include "invariants/checker.hpp"
#include "invariants/node_table.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

class TotalOrderChecker final : public Checker {
 public:
  static constexpr std::uint64_t trim_period = 1024;

  // `planted_b2` plants bug B2 (the prefix test without its length guard) in this checker. `nodes`:
  // the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit TotalOrderChecker(Verdict& verdict, bool planted_b2 = false, std::uint32_t nodes = 0);

  [[nodiscard]] std::string_view name() const override { return "uniform_total_order"; }

  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_restart(const Step& step, NodeRef node) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;

  // The length of the global sequence: the longest log so far.
  [[nodiscard]] std::uint64_t global_length() const noexcept { return base_ + global_.size(); }
  // Entries of the global sequence kept in memory (the window from the slowest live node on).
  [[nodiscard]] std::uint64_t retained() const noexcept { return global_.size(); }
  // How many deliveries `node` made over all its incarnations.
  [[nodiscard]] std::uint64_t position(NodeId node) const noexcept;

 private:
  // Who first delivered a position, to name both sides of a violation.
  struct Entry {
    Delivery delivery;
    NodeRef first;
    std::uint64_t step = 0;
    std::uint64_t chain = 0;  // hash of the global sequence up to and including this entry
  };
  struct Cursor {
    std::uint64_t pos = 0;             // deliveries so far, over all incarnations
    std::uint64_t chain = fnv_offset;  // hash of this node's log (fnv_offset: empty)
    bool live = false;                 // pins the window
    bool behind = false;               // its position is below the window: checked by `chain`
    std::uint64_t behind_from = 0;
    bool chain_unknown = false;  // a state transfer moved it below the window: no chain to check
  };

  Cursor& cursor(NodeId node);
  [[nodiscard]] std::uint64_t chain_before(std::uint64_t pos) const;
  void check_guarded(const Step& step, NodeRef node, const Delivery& delivery, std::uint64_t pos);
  void check_b2(const Step& step, NodeRef node, const Delivery& delivery, std::uint64_t pos);
  void check_rejoin(const Step& step, NodeRef node, Cursor& c);
  void report(const Step& step, NodeRef node, const Delivery& delivery, std::uint64_t pos);
  void trim();

  bool b2_;
  std::deque<Entry> global_;  // positions base_ .. base_ + size - 1
  std::uint64_t base_ = 0;
  std::uint64_t base_chain_ = fnv_offset;  // hash of the global sequence below base_
  std::uint64_t since_trim_ = 0;
  NodeTable<Cursor> cursors_;
};

}  // namespace ry
