// Train integrity (protocol/trains/README.md section 7): a train only carries broadcast payloads,
// and its content never changes after it is closed. Checked on every train that is sent or
// received:
//
// - Every payload (sender, seq, data) must have been handed to some node by a client
//   (Observer::on_client) with the same id, and fnv1a(data) must equal that request's. A client
//   retry repeats id and data; the first request fixes the data hash. A request turned away
//   (ReplyStatus::rejected) by every node it was handed to, and delivered nowhere, was not
//   broadcast and is forgotten at once, as in the integrity checker (integrity_checker.hpp).
// - The first closed train seen on the wire with key (clock, issuer) fixes its closed content
//   (closed_content_digest: view, byte count, payloads; `holders` is left out since it grows on
//   the propagation lap). Any later closed train with that key and other content is a violation.
//
// Memory: the closed keys of an issuer are forgotten once they are more than `margin` clocks
// below the highest clock of that issuer seen on the wire, and a closed train that far below is
// not checked (counted in unchecked_closed()). A correct run holds at most a couple of closed keys
// per slot in flight, so a run of a million broadcasts keeps O(slots * margin) closed keys. A
// broadcast id is remembered until every one of `nodes` nodes holds it (delivered it, or received
// it by a state transfer, which stands for the deliveries it replaces: log_positions.hpp); then it
// retires (retired_ids.hpp) and a train that still carries it (a late copy) has that payload's
// id checked but not its data, whose digest is forgotten (counted in unchecked_payloads()). With
// `nodes` = 0 (unknown) no broadcast retires.
//
// Cost: O(payloads) per train sent or received while open, unless it carries the very payload
// list (one shared block, messages.hpp) last verified for its slot; O(1) for a closed one whose
// content was already verified (the list memoises its digest).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "invariants/checker.hpp"
#include "invariants/log_positions.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/retired_ids.hpp"
#include "protocol/trains/messages.hpp"
#include "sim/observer.hpp"

namespace ry::trains {

class TrainIntegrityChecker final : public Checker, public MessageObserver<Message> {
 public:
  static constexpr std::uint64_t default_margin = 64;

  // `margin` >= 1: how many clocks below an issuer's highest clock closed keys are remembered.
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit TrainIntegrityChecker(Verdict& verdict, std::uint64_t margin = default_margin,
                                 std::uint32_t nodes = 0) noexcept;

  [[nodiscard]] std::string_view name() const override { return "train_integrity"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_reply(const Step& step, NodeRef node, const ClientReply& reply) override;
  void on_send_message(const Step& step, NodeRef from, NodeId to, const Message& message) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from,
                          const Message& message) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;

  // Closed keys currently remembered, over all issuers (bounded memory, see above).
  [[nodiscard]] std::size_t remembered_keys() const noexcept;
  // Closed trains seen too far below their issuer's clock to be checked.
  [[nodiscard]] std::uint64_t unchecked_closed() const noexcept { return unchecked_closed_; }
  // Payloads of retired ids seen on a train, whose data could not be checked any more.
  [[nodiscard]] std::uint64_t unchecked_payloads() const noexcept { return unchecked_payloads_; }
  // Broadcast ids remembered (not yet delivered everywhere).
  [[nodiscard]] std::size_t remembered_broadcasts() const noexcept { return broadcasts_.size(); }

 private:
  struct Fixed {
    std::uint64_t digest = 0;
    NodeRef node;
    std::uint64_t step = 0;
  };
  struct Slot {
    std::uint64_t max_clock = 0;
    std::map<std::uint64_t, Fixed> closed;  // by clock
    PayloadList verified;                   // the last payload list verified on this slot
  };
  struct Broadcast {
    std::uint64_t digest = 0;
    NodeRef node;
    NodeBits delivered;          // which of nodes 0..N-1 delivered it (or got it by transfer)
    std::uint64_t position = 0;  // of its first delivery anywhere; 0 before
    bool accepted = false;       // some node replied other than `rejected`
  };
  using Broadcasts = std::unordered_map<MsgId, Broadcast, MsgIdHash>;

  void observe(const Step& step, NodeRef node, const Train& train, const char* how);
  // True if a violation was found (and recorded).
  bool check_payloads(const Step& step, NodeRef node, const Train& train, const char* how,
                      Slot& slot);
  void check_closed(const Step& step, NodeRef node, const Train& train, const char* how,
                    Slot& slot);
  void report(const Step& step, NodeRef node, const Train& train, const char* how,
              std::vector<NodeId> others, const std::string& what);
  // `node` delivered the id (or got it by transfer); it retires once every node did.
  void deliver_at(Broadcasts::iterator it, NodeId node);

  std::uint64_t margin_;
  std::uint32_t nodes_;
  std::uint64_t unchecked_closed_ = 0;
  std::uint64_t unchecked_payloads_ = 0;
  // Probed only, never iterated (no hash order reaches an output).
  Broadcasts broadcasts_;
  RetiredIds retired_;
  LogPositions positions_;  // each node's log length, and where each remembered id was delivered
  std::map<std::uint32_t, Slot> slots_;  // by issuer
};

}  // namespace ry::trains
