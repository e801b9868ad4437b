#include "invariants/trains/train_integrity_checker.hpp"

#include <utility>
#include <vector>

#include "invariants/describe.hpp"
#include "invariants/trains/wire.hpp"
#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"

namespace ry::trains {

TrainIntegrityChecker::TrainIntegrityChecker(Verdict& verdict, std::uint64_t margin,
                                             std::uint32_t nodes) noexcept
    : Checker(verdict), margin_(margin), nodes_(nodes) {
  RY_ASSERT(margin >= 1);
}

std::size_t TrainIntegrityChecker::remembered_keys() const noexcept {
  std::size_t n = 0;
  for (const auto& [issuer, slot] : slots_) n += slot.closed.size();
  return n;
}

void TrainIntegrityChecker::on_client(const Step& /*step*/, NodeRef node,
                                      const ClientRequest& request) {
  ++checks_;
  if (retired_.contains(payload_id(request.id))) return;  // a retry of an id delivered everywhere
  broadcasts_.try_emplace(payload_id(request.id),
                          Broadcast{fnv1a(request.data), node, {}, 0, false});
}

void TrainIntegrityChecker::on_reply(const Step& /*step*/, NodeRef /*node*/,
                                     const ClientReply& reply) {
  ++checks_;
  const auto it = broadcasts_.find(payload_id(reply.id));
  if (it == broadcasts_.end()) return;
  if (reply.status != ReplyStatus::rejected) {
    it->second.accepted = true;
    return;
  }
  // Turned away wherever it was handed so far, and delivered nowhere: not a broadcast.
  if (!it->second.accepted && it->second.position == 0) broadcasts_.erase(it);
}

void TrainIntegrityChecker::on_deliver(const Step& /*step*/, NodeRef node,
                                       const Delivery& delivery) {
  const std::uint64_t position = positions_.deliver(node.id);
  const auto it = broadcasts_.find(delivery.id);
  if (it == broadcasts_.end()) return;
  positions_.place_first(it->second.position, position, delivery.id);
  deliver_at(it, node.id);
}

// A transfer to X: the node holds every remembered id at positions 1..X.
void TrainIntegrityChecker::on_state_transfer(const Step& /*step*/, NodeRef node,
                                              const StateTransfer& transfer) {
  positions_.on_transfer(node.id, transfer, [&](std::uint64_t, MsgId id) {
    ++checks_;
    const auto it = broadcasts_.find(id);
    if (it != broadcasts_.end()) deliver_at(it, node.id);
  });
}

void TrainIntegrityChecker::deliver_at(Broadcasts::iterator it, NodeId node) {
  if (node.value >= nodes_) return;
  it->second.delivered.insert(node);
  if (it->second.delivered.count() < nodes_) return;
  const MsgId id = it->first;
  positions_.forget(it->second.position, id);
  broadcasts_.erase(it);
  retired_.insert(id, [&](MsgId other) { return broadcasts_.contains(other); });
}

void TrainIntegrityChecker::on_send_message(const Step& step, NodeRef from, NodeId /*to*/,
                                            const Message& message) {
  if (const auto* train = std::get_if<Train>(&message)) observe(step, from, *train, "sent");
}

void TrainIntegrityChecker::on_receive_message(const Step& step, NodeRef to, NodeId /*from*/,
                                               const Message& message) {
  if (const auto* train = std::get_if<Train>(&message)) observe(step, to, *train, "received");
}

void TrainIntegrityChecker::observe(const Step& step, NodeRef node, const Train& train,
                                    const char* how) {
  Slot& slot = slots_[train.issuer.value];
  if (train.clock > slot.max_clock) {
    slot.max_clock = train.clock;
    // Forget closed keys far below the issuer's clock: amortised O(1), each erased once.
    while (!slot.closed.empty() && slot.closed.begin()->first + margin_ < slot.max_clock) {
      slot.closed.erase(slot.closed.begin());
    }
  }
  if (!train.closed) {
    check_payloads(step, node, train, how, slot);
    return;
  }
  check_closed(step, node, train, how, slot);
}

bool TrainIntegrityChecker::check_payloads(const Step& step, NodeRef node, const Train& train,
                                           const char* how, Slot& slot) {
  // The same immutable list, already verified: nothing to do.
  if (train.payloads.shares(slot.verified)) return false;
  for (std::size_t i = 0; i < train.payloads.size(); ++i) {
    const Payload& payload = train.payloads[i];
    ++checks_;
    const auto it = broadcasts_.find(payload.id());
    if (it == broadcasts_.end()) {
      if (retired_.contains(payload.id())) {
        ++unchecked_payloads_;
        continue;
      }
      report(step, node, train, how, {},
             "it carries payload " + ry::describe(payload.id()) +
                 " that no client broadcast (or every node it was handed to rejected it)");
      return true;
    }
    ++checks_;
    const std::uint64_t digest = train.payloads.data_digest(i);
    if (digest != it->second.digest) {
      report(step, node, train, how, {it->second.node.id},
             "its payload " + ry::describe(payload.id()) + " has data digest " +
                 describe_digest(digest) + " but the broadcast at " +
                 ry::describe(it->second.node) + " had " + describe_digest(it->second.digest));
      return true;
    }
  }
  slot.verified = train.payloads;
  return false;
}

void TrainIntegrityChecker::check_closed(const Step& step, NodeRef node, const Train& train,
                                         const char* how, Slot& slot) {
  ++checks_;
  if (train.clock + margin_ < slot.max_clock) {
    // Too old to remember; its payloads are still checked.
    ++unchecked_closed_;
    check_payloads(step, node, train, how, slot);
    return;
  }
  const std::uint64_t digest = closed_content_digest(train);
  const auto it = slot.closed.find(train.clock);
  if (it == slot.closed.end()) {
    if (check_payloads(step, node, train, how, slot)) return;
    slot.closed.emplace(train.clock, Fixed{digest, node, step.index});
    return;
  }
  ++checks_;
  if (it->second.digest == digest) return;  // verified when its content was fixed
  const Fixed& fixed = it->second;
  report(step, node, train, how, {fixed.node.id},
         "its closed content " + describe_digest(digest) + " differs from " +
             describe_digest(fixed.digest) + ", the content it had when first seen closed at " +
             ry::describe(fixed.node) + " at step " + std::to_string(fixed.step));
}

void TrainIntegrityChecker::report(const Step& step, NodeRef node, const Train& train,
                                   const char* how, std::vector<NodeId> others,
                                   const std::string& what) {
  std::vector<NodeId> nodes{node.id};
  for (NodeId other : others) {
    if (other != node.id) nodes.push_back(other);
  }
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   ry::describe(node) + " " + how + " train " + describe_key(train.key()) +
                       (train.closed ? " (closed)" : " (open)") + ": " + what);
}

}  // namespace ry::trains
