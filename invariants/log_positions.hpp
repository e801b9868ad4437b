// Where a tracked message sits in the one global sequence, so that a state transfer can stand for
// the deliveries it replaces (protocol/trains/README.md section 5, "Rejoin"). For the checkers that
// track a broadcast id until every node holds it (integrity, validity, train integrity, the run's
// progress counter): a node re-admitted by state transfer never delivers the transferred prefix
// (the StateTransfer effect, protocol/common/effects.hpp, stands for positions 1..X), so without
// this the ids in that prefix would wait for it forever and memory would follow churn, not
// in-flight work.
//
// Every log is a prefix of one global sequence (uniform total order, checked by its own checker),
// so a delivery at position p of a node's log is at global position p, and the first delivery of
// an id anywhere places it. Each node's log length counts its deliveries over all incarnations (a
// restarted node recovers its log, protocol/trains/README.md section 6) and becomes X at a transfer
// to X; the transfer then gives the node every placed id at positions 1..X. The index holds only
// the ids a caller still tracks (it forgets an id when it retires), in position order, so a
// transfer costs O(log tracked + ids it covers) and never a scan of everything. A second id placed
// at a taken position (only a broken total order does that) is not indexed: it can only stay
// tracked, which costs memory, never a verdict.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "invariants/node_table.hpp"
#include "protocol/common/effects.hpp"
#include "protocol/common/ids.hpp"

namespace ry {

class LogPositions {
 public:
  // Counts one delivery at `node`: its position in the node's log (from 1).
  std::uint64_t deliver(NodeId node) { return ++lengths_.at(node); }

  // The length of `node`'s log: its deliveries, or X after a transfer to X and what followed.
  [[nodiscard]] std::uint64_t length(NodeId node) const {
    const std::uint64_t* length = lengths_.find(node);
    return length == nullptr ? 0 : *length;
  }

  // `id` was first delivered at `position` and is tracked until forget(position, id).
  void place(std::uint64_t position, MsgId id) { index_.try_emplace(position, id); }

  // For a tracker that keeps each id's position (`placed`, 0 until its first delivery): places
  // `id` at `position` if this is its first delivery anywhere.
  void place_first(std::uint64_t& placed, std::uint64_t position, MsgId id) {
    if (placed != 0) return;
    placed = position;
    place(position, id);
  }

  // `id`, placed at `position`, no longer needs to be found by a transfer (it retired).
  void forget(std::uint64_t position, MsgId id) {
    const auto it = index_.find(position);
    if (it != index_.end() && it->second == id) index_.erase(it);
  }

  // A state transfer at `node` to X: the node's log length becomes X, and hold(position, id) is
  // called for every placed id at positions 1..X, in position order (it may forget that id, and
  // only that one).
  template <class Hold>
  void on_transfer(NodeId node, const StateTransfer& transfer, Hold&& hold) {
    const std::uint64_t x = transfer.position;
    lengths_.at(node) = x;
    for (auto it = index_.begin(); it != index_.end() && it->first <= x;) {
      const auto [position, id] = *it;
      ++it;  // before hold, which may forget the id at `position`
      hold(position, id);
    }
  }

  // Ids placed and not forgotten (memory tests).
  [[nodiscard]] std::size_t placed() const noexcept { return index_.size(); }

 private:
  NodeTable<std::uint64_t> lengths_;
  std::map<std::uint64_t, MsgId> index_;  // position -> the id first delivered there
};

}  // namespace ry
