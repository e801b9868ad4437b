// Integrity (protocol/trains/README.md section 7): no duplicate delivery at a node, and everything
// delivered was broadcast. A node's deliveries are counted over all its incarnations: a restarted
// node recovers its log (protocol/trains/README.md section 6), so delivering an id again after a
// restart is a duplicate too. "Broadcast" means a client handed the id to some node (on_client)
// with the same content: the digest of a delivery must equal fnv1a(data) of the request, or the
// delivery is spurious. Delivering one id at several different nodes is of course fine.
//
// The simulator reports a client request before the effects of the step that handles it, so a
// core that delivers its own broadcast in the same step is seen in the right order. A request
// that the node turns away (ReplyStatus::rejected, in that step) was not broadcast: nobody may
// deliver it (its client was told so; a retry is a new request), so it is forgotten at once
// unless another node accepted the id or someone delivered it already. A protocol that never
// replies never has a request forgotten. This keeps the requests turned away by nodes that are
// out of the view from costing memory for the rest of the run.
//
// A state transfer to X (StateTransfer, effects.hpp) gives a node the messages at positions 1..X of
// the global sequence without delivering them: the node holds them as if it had delivered them
// there, so delivering one of them again later is a duplicate too (log_positions.hpp finds them).
//
// Memory follows in-flight work: each broadcast id is tracked (its digest, and which nodes
// delivered it where) until every one of the `nodes` nodes holds it (delivered it or received it
// by state transfer); then it retires into per-sender seq intervals (retired_ids.hpp). Any later
// delivery of a retired id is a duplicate (every node has it already), reported without the first
// delivery's position, which is forgotten by then. With `nodes` = 0 (unknown) nothing retires. A
// node that is down keeps the ids it has not delivered tracked (it may restart and deliver them,
// or be re-admitted by a transfer). O(1) amortised per delivery, plus O(log tracked) for the first
// delivery of an id; a transfer costs O(ids it covers).
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/log_positions.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/retired_ids.hpp"

namespace ry {

class IntegrityChecker final : public Checker {
 public:
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit IntegrityChecker(Verdict& verdict, std::uint32_t nodes = 0) noexcept
      : Checker(verdict), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "integrity"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_reply(const Step& step, NodeRef node, const ClientReply& reply) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;

  // Broadcast ids tracked (not yet delivered everywhere), and retired seq intervals.
  [[nodiscard]] std::size_t tracked() const noexcept { return tracked_.size(); }
  [[nodiscard]] std::size_t retired_intervals() const { return retired_.intervals(); }

 private:
  struct FirstDelivery {
    NodeId node;
    std::uint64_t position = 0;  // counts from 1, over all incarnations
    std::uint32_t incarnation = 0;
    std::uint64_t step = 0;
    bool transferred = false;  // held by a state transfer (at `step`), not delivered
  };
  struct Broadcast {
    std::uint64_t digest = 0;
    NodeRef node;
    std::uint64_t step = 0;
    bool accepted = false;                  // some node replied other than `rejected`
    std::vector<FirstDelivery> deliveries;  // one per node that holds it, the first delivery first
    NodeBits everywhere;                    // which of nodes 0..N-1 hold it
  };
  using Table = std::unordered_map<MsgId, Broadcast, MsgIdHash>;

  // Both return true if they found a violation (and recorded it).
  bool check_content(const Step& step, NodeRef node, const Delivery& delivery,
                     const Broadcast& broadcast, std::uint64_t position);
  bool check_duplicate(const Step& step, NodeRef node, const Delivery& delivery,
                       const Broadcast& broadcast, std::uint64_t position);
  // How `node` came to hold the id, or nullptr if it does not.
  [[nodiscard]] static const FirstDelivery* held_at(const Broadcast& broadcast, NodeId node);
  // Records that `node` holds the id (delivered it, or by transfer): the id may retire.
  void record(Table::iterator it, const FirstDelivery& first);

  std::uint32_t nodes_;
  // The first request seen for each id not yet retired; a client retry repeats the same id and
  // data. Probed only, never iterated (no hash order reaches an output).
  Table tracked_;
  RetiredIds retired_;
  LogPositions positions_;  // each node's log length, and where each tracked id was delivered
};

}  // namespace ry
