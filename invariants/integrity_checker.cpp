#include "invariants/integrity_checker.hpp"

#include <algorithm>
#include <string>

#include "invariants/describe.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

void IntegrityChecker::on_client(const Step& step, NodeRef node, const ClientRequest& request) {
  ++checks_;
  if (retired_.contains(request.id)) return;  // a retry of an id delivered everywhere
  // try_emplace keeps the first request: a retry of the same id adds nothing.
  const auto [it, inserted] =
      tracked_.try_emplace(request.id, Broadcast{fnv1a(request.data), node, step.index, {}, {}});
  if (inserted) it->second.deliveries.reserve(nodes_);  // one allocation, not one per doubling
}

void IntegrityChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  std::uint64_t& length = lengths_.at(node.id);
  const std::uint64_t position = length + 1;
  length = position;
  ++checks_;
  const auto it = tracked_.find(delivery.id);
  if (it != tracked_.end()) {
    if (check_content(step, node, delivery, it->second, position)) return;
    if (check_duplicate(step, node, delivery, it->second, position)) return;
    record(step, node, delivery, it, position);
    return;
  }
  const std::string where = describe(node) + " delivered " + describe(delivery.id) +
                            " at position " + std::to_string(position);
  ++checks_;
  if (retired_.contains(delivery.id)) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     "duplicate: " + where + ", which every one of the " + std::to_string(nodes_) +
                         " nodes had already delivered");
    return;
  }
  verdict_.violate(std::string(name()), step.index, {node.id},
                   "spurious: " + describe(node) + " delivered " + describe(delivery) +
                       " at position " + std::to_string(position) + ", but no client broadcast " +
                       describe(delivery.id));
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
  const auto first = std::find_if(broadcast.deliveries.begin(), broadcast.deliveries.end(),
                                  [&](const FirstDelivery& f) { return f.node == node.id; });
  if (first == broadcast.deliveries.end()) return false;
  verdict_.violate(std::string(name()), step.index, {node.id},
                   "duplicate: " + describe(node) + " delivered " + describe(delivery.id) +
                       " at position " + std::to_string(position) + ", and already at position " +
                       std::to_string(first->position) + " in incarnation " +
                       std::to_string(first->incarnation) + " at step " +
                       std::to_string(first->step));
  return true;
}

// Records a first delivery at `node`; once every node delivered the id, it retires.
void IntegrityChecker::record(const Step& step, NodeRef node, const Delivery& delivery,
                              Table::iterator it, std::uint64_t position) {
  Broadcast& broadcast = it->second;
  broadcast.deliveries.push_back(FirstDelivery{node.id, position, node.incarnation, step.index});
  if (node.id.value >= nodes_) return;
  broadcast.everywhere.insert(node.id);
  if (broadcast.everywhere.count() < nodes_) return;
  tracked_.erase(it);
  retired_.insert(delivery.id, [&](MsgId id) { return tracked_.contains(id); });
}

}  // namespace ry
