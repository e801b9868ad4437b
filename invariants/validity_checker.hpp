// Validity, a liveness property (protocol/trains/README.md section 7): in a healed, fair phase
// every accepted broadcast of a live member is delivered everywhere within a budget. During the run
// this checker only records acceptances and deliveries (O(1) each); at the end of the liveness
// phase the runner calls check_converged with the live nodes and turns a non-empty answer into exit
// code 3 (README.md, "Command line"). It never records a safety violation.
//
// A broadcast is accepted when a node replies ReplyStatus::accepted (or delivered) for it, or,
// for a protocol whose cores never reply, when a client hands it to a node (option
// accept_on_client). It is owed to every live node when
//   - the incarnation that accepted it is still alive at the end (a crash may lose what a node
//     accepted but had not yet made durable or forwarded; the client then retries under a new
//     acceptance, which is owed in turn: "of a live member" in section 7), or
//   - some node replied ReplyStatus::delivered for it (delivered once means owed everywhere).
// Deliveries count per node over all its incarnations: a restarted node recovers its log. A
// state transfer to X (StateTransfer, effects.hpp) counts as delivering the messages at
// positions 1..X of the global sequence (log_positions.hpp finds them): they are in the node's log.
//
// Memory follows in-flight work: an id is tracked (who accepted it, which nodes delivered it)
// until it has been delivered at every one of `nodes` nodes; then it can never be owed again and
// retires into per-sender seq intervals (retired_ids.hpp). With `nodes` = 0 (unknown) nothing
// retires. An acceptance whose acceptor crashed before anyone delivered it, with no `delivered`
// reply, is owed nowhere: it is forgotten at the crash (a walk over the tracked acceptances),
// and a retry of it is a new acceptance. O(1) amortised per event (hash probes among in-flight
// ids), plus O(log tracked) for the first delivery of an id; a transfer costs O(ids it covers).

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/log_positions.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/node_table.hpp"
#include "invariants/retired_ids.hpp"

namespace ry {

struct ValidityOptions {
  // Count a broadcast as accepted when a client hands it to a node, for protocols that never
  // reply; otherwise only replies count.
  bool accept_on_client = false;
  // The cluster's node count N (ids 0..N-1), or 0 if unknown.
  std::uint32_t nodes = 0;
};

class ValidityChecker final : public Checker {
 public:
  explicit ValidityChecker(Verdict& verdict, ValidityOptions options = {}) noexcept
      : Checker(verdict), options_(options) {}

  [[nodiscard]] std::string_view name() const override { return "validity"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_reply(const Step& step, NodeRef node, const ClientReply& reply) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;

  // A one-line description of the first owed broadcast (in order of acceptance) that some node
  // of `live_nodes` has not delivered, or nullopt if every live node delivered every one.
  // Called once, at the end of the liveness phase: it walks all acceptances still tracked.
  [[nodiscard]] std::optional<std::string> check_converged(std::span<const NodeId> live_nodes);

  // Acceptances so far (a retry of one forgotten at its acceptor's crash counts again), and ids
  // still tracked (not yet delivered everywhere).
  [[nodiscard]] std::uint64_t accepted_count() const noexcept { return accepted_count_; }
  [[nodiscard]] std::size_t tracked() const noexcept { return tracked_.size(); }

 private:
  struct Accepted {
    NodeRef node;  // the incarnation that accepted it first
    std::uint64_t step = 0;
    bool delivered_reply = false;
  };
  // An id accepted or delivered somewhere, not yet delivered everywhere.
  struct Tracked {
    std::optional<std::uint64_t> order;  // its rank in order_, once accepted
    Accepted accepted;
    std::uint64_t position = 0;        // of its first delivery anywhere; 0 before
    std::vector<NodeId> delivered_by;  // nodes that delivered it (any incarnation, or a transfer)
    NodeBits everywhere;               // which of nodes 0..N-1 delivered it
  };
  struct NodeState {
    std::uint32_t crashed_below = 0;  // every incarnation below this one has crashed
    std::uint64_t delivered_count = 0;
  };

  void accept(const Step& step, NodeRef node, MsgId id, bool delivered_reply);
  // `node` delivered the id (or got it by transfer); it retires once every node did.
  void deliver_at(std::map<MsgId, Tracked>::iterator it, NodeId node);
  [[nodiscard]] bool owed(const Accepted& accepted, std::span<const NodeId> live_nodes) const;
  [[nodiscard]] static bool delivered_at(const Tracked& tracked, NodeId node);

  ValidityOptions options_;
  std::uint64_t accepted_count_ = 0;
  std::map<MsgId, Tracked> tracked_;      // ordered: a gap between retired ids can be tested
  std::map<std::uint64_t, MsgId> order_;  // acceptance rank -> id: the answer is deterministic
  RetiredIds retired_;
  NodeTable<NodeState> nodes_;
  LogPositions positions_;  // each node's log length, and where each tracked id was delivered
};

}  // namespace ry
