// Rejoin consistency (protocol/trains/README.md section 7): after a state transfer, the rejoiner's
// log up to the transfer's position X equals the global sequence up to X. The transfer is announced
// by the rejoiner's core as a StateTransfer effect (X and the log digest D of its positions 1..X;
// the contract is in protocol/common/effects.hpp). The checker compares D with the digest of the
// global sequence up to X, and the rejoiner's first delivery after the transfer with global
// position X + 1 (the snapshot and its tail must join up).
//
// The checker keeps its own bounded copy of the global sequence rather than trusting the uniform
// total order checker: the transfer is invisible in deliveries (it replaces positions 1..X without
// delivering them), so only a checker that reads the note can tell a correct jump from a wrong
// one, and a checker that trusts another cannot be tested alone. The copy costs one entry
// (message, log digest up to it, first deliverer) per position: the first node to reach a
// position appends it, O(1) per delivery. Like the total order checker it keeps positions only
// from the slowest live node's on (trimmed every `trim_period` deliveries): live nodes are nodes
// 0..N-1 when N is given, plus any node seen delivering or transferring, until they crash (a
// restart makes the node live again, at the position its recovered log has). A transfer to a
// position below the kept window (the donor's snapshot is older than every live log) cannot be
// compared at X: its digest is carried along the rejoiner's next deliveries and compared when its
// log reaches the window (the slowest live node is then the rejoiner itself, so the window waits
// for it); a difference found that way names the range 1..p, not the position.
//
// What this checker does not check: deliveries after the first one that follows the transfer
// (uniform total order's job), and whether the rejoiner goes back over positions it delivered
// before (no_redelivery_after_restart's job).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/node_table.hpp"

namespace ry::membership {

class RejoinConsistencyChecker final : public Checker {
 public:
  static constexpr std::uint64_t trim_period = 1024;

  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit RejoinConsistencyChecker(Verdict& verdict, std::uint32_t nodes = 0);

  [[nodiscard]] std::string_view name() const override { return "rejoin_consistency"; }

  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_restart(const Step& step, NodeRef node) override;

  // The length of the global sequence, and how many of its positions are kept (memory tests).
  [[nodiscard]] std::uint64_t global_length() const noexcept { return base_ + window_.size(); }
  [[nodiscard]] std::size_t kept() const noexcept { return window_.size(); }

 private:
  struct Entry {
    Delivery delivery;
    std::uint64_t prefix = 0;  // the log digest of global positions 1..this one
    NodeRef first;
    std::uint64_t step = 0;
  };
  // A transfer whose outcome is still to be checked.
  struct Transfer {
    std::uint64_t position = 0;
    std::int64_t donor = -1;
    std::uint64_t step = 0;
  };
  struct NodeState {
    bool known = false;
    bool live = true;
    std::uint64_t position = 0;
    std::uint64_t prefix = 0;            // the log digest of its positions 1..position
    std::optional<Transfer> check_next;  // compare the next delivery with the global sequence
    std::optional<Transfer> unverified;  // transferred below the window: compare in the window
  };

  NodeState& state(NodeId node);
  // The log digest of global positions 1..position, if still kept (position 0 is the empty log).
  [[nodiscard]] std::optional<std::uint64_t> prefix_at(std::uint64_t position) const;
  [[nodiscard]] const Entry* entry_at(std::uint64_t position) const;
  void check_transfer(const Step& step, NodeRef node, std::uint64_t position, std::uint64_t digest,
                      std::int64_t donor);
  void check_first_after(const Step& step, NodeRef node, const Delivery& delivery,
                         std::uint64_t position, const Transfer& transfer);
  void check_unverified(const Step& step, NodeRef node, NodeState& s);
  void trim();

  std::deque<Entry> window_;  // global positions base_ + 1 .. base_ + window_.size()
  std::uint64_t base_ = 0;
  std::uint64_t base_prefix_;  // the log digest of global positions 1..base_
  NodeTable<NodeState> nodes_;
  std::vector<NodeId> known_;  // every node with state, sorted: trimming visits them in id order
  std::uint64_t since_trim_ = 0;
};

}  // namespace ry::membership
