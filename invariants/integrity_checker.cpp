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
  const auto [it, inserted] = tracked_[request.id.sender.value].try_emplace(
      request.id.seq, Broadcast{fnv1a(request.data), node, step.index, {}, {}});
  if (!inserted) return;
  ++tracked_count_;
  it->second.deliveries.reserve(nodes_);  // one allocation, not one per doubling
}

void IntegrityChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  std::uint64_t& length = lengths_.at(node.id);
  const std::uint64_t position = length + 1;
  length = position;
  ++checks_;
  const auto sender = tracked_.find(delivery.id.sender.value);
  if (sender != tracked_.end()) {
    const auto it = sender->second.find(delivery.id.seq);
    if (it != sender->second.end()) {
      if (check_content(step, node, delivery, it->second, position)) return;
      if (check_duplicate(step, node, delivery, it->second, position)) return;
      record(step, node, delivery, sender->second, it, position);
      return;
    }
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
                              SenderTable& table, SenderTable::iterator it,
                              std::uint64_t position) {
  Broadcast& broadcast = it->second;
  broadcast.deliveries.push_back(FirstDelivery{node.id, position, node.incarnation, step.index});
  if (node.id.value >= nodes_) return;
  broadcast.everywhere.insert(node.id);
  if (broadcast.everywhere.count() < nodes_) return;
  table.erase(it);
  --tracked_count_;
  retired_.insert(delivery.id, [&](std::uint64_t lo, std::uint64_t hi) {
    const auto above = table.upper_bound(lo);
    return above == table.end() || above->first >= hi;
  });
}

}  // namespace ry
