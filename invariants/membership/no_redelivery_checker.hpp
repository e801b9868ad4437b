// No re-delivery after a restart (protocol/trains/README.md section 6): "a node never delivers a
// message twice, never delivers different content at a position it delivered before its crash". A
// node's log is a sequence of positions that continues across its restarts (it recovers its log
// from its disk) and that only a state transfer (StateTransfer, effects.hpp) can move: to X, the
// donor's log length. The precise rule, per node, over all its incarnations:
//
//   1. A message is delivered at most once, except that after a state transfer to X a node may
//      deliver again, in a later incarnation, the messages it had delivered at positions above X
//      before its crash, each at the position it had then and with the same content: a crash can
//      lose the writes that recorded them, and the catch-up from a peer then puts back exactly what
//      it had. Anything else delivered a second time is a re-delivery: at another position, or
//      within the same incarnation (a live node's log never goes back, section 5 "Rejoin":
//      at most once by position).
//   2. At a position it delivered before, a node delivers the same content (id and digest).
//   3. A state transfer to X that does not go beyond the node's own log gives it back the log it
//      had: the digest the note carries equals the digest of its own log up to X.
//
// Memory follows in-flight work: per node, the positions it has delivered above the slowest live
// node's position (message, digest, the log digest up to it, the incarnation that delivered it),
// trimmed every `trim_period` deliveries, as in the total order checker; live nodes are nodes
// 0..N-1 when N is given plus any node seen, until they crash. Below that floor a node keeps only
// the log digest at the floor. Every id a node has delivered is kept as seq intervals
// (id_intervals.hpp: one interval per sender, plus one per seq it never delivered), which is
// what rule 1 is checked against; the position of an earlier delivery is looked up in the window
// only to word a violation. A correct catch-up never goes below the floor: the donor is a member
// whose log is at least as long as the slowest live one. A transfer that does go below it is
// still checked, by digest: the node's log must have the same digest when it reaches the floor
// again, and such a difference names the range of positions rather than one position (below the
// floor, rule 1's exceptions are not checked either: the same digest means the same messages at
// the same positions). The messages a transfer to beyond the node's own log brought join the ids
// it has (rule 1: they are in its log now, so delivering one again elsewhere is a re-delivery):
// every log is a prefix of one global sequence, so they are the messages first delivered anywhere
// at positions up to X. Which those are is known from the positions that not every one of nodes
// 0..N-1 holds yet (their message, and who holds them), kept until every node holds them, which
// is in-flight work; a position below them is held by every node already. Without this a
// rejoiner's ids would keep one gap per sender and transfer, and memory would follow churn. With
// N unknown nothing is kept, and those messages are known only by the note's digest (a later
// re-delivery of one of them is then uniform total order's and integrity's to find). O(log) per
// delivery, no allocation in the common case; a transfer costs O(positions it covers).
//
// The other membership checkers compare a node's log with the global sequence; this one compares
// it with the node's own past, so it needs neither the total order checker nor a global copy
// (only the positions still spreading, to know what a transfer brought).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/membership/id_intervals.hpp"
#include "invariants/node_table.hpp"
#include "invariants/retired_ids.hpp"

namespace ry::membership {

class NoRedeliveryChecker final : public Checker {
 public:
  static constexpr std::uint64_t trim_period = 1024;

  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit NoRedeliveryChecker(Verdict& verdict, std::uint32_t nodes = 0);

  [[nodiscard]] std::string_view name() const override { return "no_redelivery_after_restart"; }

  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_restart(const Step& step, NodeRef node) override;

  // Positions kept with their message, over all nodes; seq intervals of the ids nodes have, over
  // all nodes; positions not yet held by every node (memory tests).
  [[nodiscard]] std::size_t kept() const;
  [[nodiscard]] std::size_t intervals() const;
  [[nodiscard]] std::size_t spreading() const noexcept { return spreading_.size(); }

 private:
  struct Entry {
    Delivery delivery;
    std::uint64_t prefix = 0;  // the log digest of the node's positions 1..this one
    std::uint32_t incarnation = 0;
    std::uint64_t step = 0;
  };
  struct Transfer {
    std::uint64_t position = 0;
    std::int64_t donor = -1;
    std::uint64_t step = 0;
  };
  struct NodeLog {
    bool known = false;
    bool live = true;
    std::uint32_t incarnation = 0;
    std::uint64_t position = 0;  // the length of its log now
    std::uint64_t prefix = 0;    // the log digest of positions 1..position
    // Positions floor + 1 .. floor + window.size() (the highest it has had) with their message.
    std::uint64_t floor = 0;
    std::uint64_t floor_prefix = 0;
    std::deque<Entry> window;
    IdIntervals delivered;          // every id it has delivered, in any incarnation
    std::optional<Transfer> reset;  // the last transfer, while it matters for a check
    bool floor_check = false;       // reset below the floor: compare at the floor

    [[nodiscard]] std::uint64_t high() const noexcept { return floor + window.size(); }
  };
  // A position of the global sequence that not every node 0..N-1 holds yet.
  struct Spreading {
    MsgId id;
    NodeBits holders;  // which of nodes 0..N-1 delivered it there or got it by transfer
  };

  NodeLog& log(NodeId node);
  void deliver_new(const Step& step, NodeRef node, NodeLog& l, const Delivery& delivery);
  void deliver_again(const Step& step, NodeRef node, NodeLog& l, const Delivery& delivery);
  bool check_elsewhere(const Step& step, NodeRef node, const NodeLog& l, const Delivery& delivery,
                       std::uint64_t position);
  void transfer(const Step& step, NodeRef node, std::uint64_t position, std::uint64_t digest,
                std::int64_t donor);
  void spread(NodeId node, std::uint64_t position, MsgId id);
  void take_transferred(NodeId node, NodeLog& l, std::uint64_t position);
  void drop_below(NodeLog& l, std::uint64_t position);
  void trim();
  std::string transfer_words(const NodeLog& l) const;

  std::uint32_t nodes_;
  NodeTable<NodeLog> logs_;
  std::vector<NodeId> known_;  // sorted
  std::uint64_t since_trim_ = 0;
  std::map<std::uint64_t, Spreading> spreading_;  // by position
  std::uint64_t reached_ = 0;                     // the highest position a node 0..N-1 delivered
};

}  // namespace ry::membership
