#include "invariants/integrity_checker.hpp"

#include <string>

#include "invariants/describe.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

void IntegrityChecker::on_client(const Step& step, NodeRef node, const ClientRequest& request) {
  ++checks_;
  // try_emplace keeps the first request: a retry of the same id adds nothing.
  broadcasts_.try_emplace(request.id, Broadcast{fnv1a(request.data), node, step.index});
}

void IntegrityChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  NodeLog& log = logs_.at(node.id);
  const std::uint64_t position = log.length + 1;
  if (!check_broadcast(step, node, delivery, position)) {
    check_duplicate(step, node, delivery, log, position);
  }
  log.length = position;
  log.delivered.try_emplace(delivery.id, FirstDelivery{position, node.incarnation, step.index});
}

bool IntegrityChecker::check_broadcast(const Step& step, NodeRef node, const Delivery& delivery,
                                       std::uint64_t position) {
  ++checks_;
  const auto it = broadcasts_.find(delivery.id);
  // Built only on a violation: this path runs on every delivery.
  const auto where = [&] {
    return describe(node) + " delivered " + describe(delivery) + " at position " +
           std::to_string(position);
  };
  if (it == broadcasts_.end()) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     "spurious: " + where() + ", but no client broadcast " + describe(delivery.id));
    return true;
  }
  ++checks_;
  const Broadcast& broadcast = it->second;
  if (broadcast.digest != delivery.digest) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     "spurious content: " + where() + ", but " + describe(delivery.id) +
                         " was broadcast with digest " + describe_digest(broadcast.digest) +
                         " via " + describe(broadcast.node) + " at step " +
                         std::to_string(broadcast.step));
    return true;
  }
  return false;
}

bool IntegrityChecker::check_duplicate(const Step& step, NodeRef node, const Delivery& delivery,
                                       const NodeLog& log, std::uint64_t position) {
  ++checks_;
  const auto it = log.delivered.find(delivery.id);
  if (it == log.delivered.end()) return false;
  const FirstDelivery& first = it->second;
  verdict_.violate(std::string(name()), step.index, {node.id},
                   "duplicate: " + describe(node) + " delivered " + describe(delivery.id) +
                       " at position " + std::to_string(position) + ", and already at position " +
                       std::to_string(first.position) + " in incarnation " +
                       std::to_string(first.incarnation) + " at step " +
                       std::to_string(first.step));
  return true;
}

}  // namespace ry
