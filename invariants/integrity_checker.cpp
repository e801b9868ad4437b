#include "invariants/integrity_checker.hpp"

#include <algorithm>
#include <string>

#include "invariants/describe.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

void IntegrityChecker::on_client(const Step& step, NodeRef node, const ClientRequest& request) {
  ++checks_;
  if (retired_.contains(payload_id(request.id))) return;  // a retry of an id delivered everywhere
  // try_emplace keeps the first request: a retry of the same id adds nothing.
  tracked_.try_emplace(payload_id(request.id),
                       Broadcast{fnv1a(request.data), node, step.index, false, {}, {}});
}

void IntegrityChecker::on_reply(const Step& /*step*/, NodeRef /*node*/, const ClientReply& reply) {
  ++checks_;
  const auto it = tracked_.find(payload_id(reply.id));
  if (it == tracked_.end()) return;
  Broadcast& broadcast = it->second;
  if (reply.status != ReplyStatus::rejected) {
    broadcast.accepted = true;
    return;
  }
  // Turned away wherever it was handed so far, and delivered nowhere: not a broadcast.
  if (!broadcast.accepted && broadcast.deliveries.empty()) tracked_.erase(it);
}

void IntegrityChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  const std::uint64_t position = positions_.deliver(node.id);
  ++checks_;
  const auto it = tracked_.find(delivery.id);
  if (it != tracked_.end()) {
    if (check_content(step, node, delivery, it->second, position)) return;
    if (check_duplicate(step, node, delivery, it->second, position)) return;
    if (it->second.deliveries.empty()) positions_.place(position, delivery.id);
    record(it, FirstDelivery{node.id, position, node.incarnation, step.index});
    return;
  }
  const std::string where = describe(node) + " delivered " + describe(delivery.id) +
                            " at position " + std::to_string(position);
  ++checks_;
  if (retired_.contains(delivery.id)) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     "duplicate: " + where + ", which every one of the " + std::to_string(nodes_) +
                         " nodes already held (delivered, or by a state transfer)");
    return;
  }
  verdict_.violate(std::string(name()), step.index, {node.id},
                   "spurious: " + describe(node) + " delivered " + describe(delivery) +
                       " at position " + std::to_string(position) + ", but no client broadcast " +
                       describe(delivery.id) + " (or every node it was handed to rejected it)");
}

// A transfer to X: the node holds every tracked id at positions 1..X, as if delivered there.
void IntegrityChecker::on_state_transfer(const Step& step, NodeRef node,
                                         const StateTransfer& transfer) {
  const auto covered = [&](std::uint64_t position, MsgId id) {
    ++checks_;
    const auto it = tracked_.find(id);
    if (it == tracked_.end()) return;  // not expected: the index holds tracked ids only
    if (held_at(it->second, node.id) != nullptr) return;  // it delivered this one itself
    record(it, FirstDelivery{node.id, position, node.incarnation, step.index, true});
  };
  positions_.on_transfer(node.id, transfer, covered);
}

bool IntegrityChecker::check_content(const Step& step, NodeRef node, const Delivery& delivery,
                                     const Broadcast& broadcast, std::uint64_t position) {
  ++checks_;
  if (broadcast.digest == delivery.digest) return false;
  verdict_.violate(std::string(name()), step.index, {node.id},
                   "spurious content: " + describe(node) + " delivered " + describe(delivery) +
                       " at position " + std::to_string(position) + ", but " +
                       describe(delivery.id) + " was broadcast with digest " +
                       describe_digest(broadcast.digest) + " via " + describe(broadcast.node) +
                       " at step " + std::to_string(broadcast.step));
  return true;
}

bool IntegrityChecker::check_duplicate(const Step& step, NodeRef node, const Delivery& delivery,
                                       const Broadcast& broadcast, std::uint64_t position) {
  ++checks_;
  const FirstDelivery* first = held_at(broadcast, node.id);
  if (first == nullptr) return false;
  verdict_.violate(
      std::string(name()), step.index, {node.id},
      "duplicate: " + describe(node) + " delivered " + describe(delivery.id) + " at position " +
          std::to_string(position) + ", and already" + (first->transferred ? " held" : "") +
          " at position " + std::to_string(first->position) + " in incarnation " +
          std::to_string(first->incarnation) + " at step " + std::to_string(first->step) +
          (first->transferred ? " (by a state transfer)" : ""));
  return true;
}

const IntegrityChecker::FirstDelivery* IntegrityChecker::held_at(const Broadcast& broadcast,
                                                                 NodeId node) {
  const auto it = std::find_if(broadcast.deliveries.begin(), broadcast.deliveries.end(),
                               [&](const FirstDelivery& f) { return f.node == node; });
  return it == broadcast.deliveries.end() ? nullptr : &*it;
}

// Once every node holds the id, it retires.
void IntegrityChecker::record(Table::iterator it, const FirstDelivery& first) {
  Broadcast& broadcast = it->second;
  // One allocation, not one per doubling; not at the request, which may be turned away.
  if (broadcast.deliveries.empty()) broadcast.deliveries.reserve(nodes_);
  broadcast.deliveries.push_back(first);
  if (first.node.value >= nodes_) return;
  broadcast.everywhere.insert(first.node);
  if (broadcast.everywhere.count() < nodes_) return;
  const MsgId id = it->first;
  positions_.forget(broadcast.deliveries.front().position, id);
  tracked_.erase(it);
  retired_.insert(id, [&](MsgId other) { return tracked_.contains(other); });
}

}  // namespace ry
