#include "invariants/validity_checker.hpp"

#include <algorithm>

#include "invariants/describe.hpp"

namespace ry {

void ValidityChecker::on_client(const Step& step, NodeRef node, const ClientRequest& request) {
  if (options_.accept_on_client) accept(step, node, payload_id(request.id), false);
}

void ValidityChecker::on_reply(const Step& step, NodeRef node, const ClientReply& reply) {
  ++checks_;
  if (reply.status == ReplyStatus::rejected) return;
  accept(step, node, payload_id(reply.id), reply.status == ReplyStatus::delivered);
}

void ValidityChecker::on_deliver(const Step&, NodeRef node, const Delivery& delivery) {
  ++checks_;
  const std::uint64_t position = positions_.deliver(node.id);
  auto it = tracked_.find(delivery.id);
  if (it == tracked_.end()) {
    if (retired_.contains(delivery.id)) return;  // delivered everywhere already: a duplicate
    it = tracked_.try_emplace(delivery.id).first;
  }
  Tracked& t = it->second;
  if (delivered_at(t, node.id)) return;
  positions_.place_first(t.position, position, delivery.id);
  ++nodes_.at(node.id).delivered_count;
  deliver_at(it, node.id);
}

// A transfer to X: the node's log now holds every tracked id at positions 1..X.
void ValidityChecker::on_state_transfer(const Step&, NodeRef node, const StateTransfer& transfer) {
  positions_.on_transfer(node.id, transfer, [&](std::uint64_t, MsgId id) {
    ++checks_;
    const auto it = tracked_.find(id);
    if (it != tracked_.end() && !delivered_at(it->second, node.id)) deliver_at(it, node.id);
  });
}

void ValidityChecker::deliver_at(std::map<MsgId, Tracked>::iterator it, NodeId node) {
  Tracked& t = it->second;
  if (t.delivered_by.empty()) t.delivered_by.reserve(options_.nodes);
  t.delivered_by.push_back(node);
  if (node.value >= options_.nodes) return;
  t.everywhere.insert(node);
  if (t.everywhere.count() < options_.nodes) return;
  // Delivered at every node: it can never be owed again.
  const MsgId id = it->first;
  if (t.order) order_.erase(*t.order);
  positions_.forget(t.position, id);
  tracked_.erase(it);
  retired_.insert(id, [&](MsgId other) { return tracked_.contains(other); });
}

void ValidityChecker::on_crash(const Step&, NodeRef node) {
  ++checks_;
  NodeState& state = nodes_.at(node.id);
  // Incarnations only rise; taking the maximum keeps a late or repeated report harmless.
  state.crashed_below = std::max(state.crashed_below, node.incarnation + 1);
  // What it accepted and nobody delivered is owed nowhere from now on (owed()): forgotten, so
  // that memory follows in-flight work. A later delivery or retry of it is tracked anew.
  for (auto rank = order_.begin(); rank != order_.end();) {
    ++checks_;
    const auto it = tracked_.find(rank->second);
    const Tracked& t = it->second;
    if (t.accepted.node.id != node.id || t.accepted.node.incarnation >= state.crashed_below ||
        t.accepted.delivered_reply || !t.delivered_by.empty()) {
      ++rank;
      continue;
    }
    tracked_.erase(it);
    rank = order_.erase(rank);
  }
}

void ValidityChecker::accept(const Step& step, NodeRef node, MsgId id, bool delivered_reply) {
  ++checks_;
  if (retired_.contains(id)) return;  // delivered everywhere already
  Tracked& t = tracked_[id];
  if (!t.order) {
    t.order = accepted_count_;
    t.accepted = Accepted{node, step.index, delivered_reply};
    order_.emplace(accepted_count_, id);
    ++accepted_count_;
    return;
  }
  Accepted& earlier = t.accepted;
  earlier.delivered_reply = earlier.delivered_reply || delivered_reply;
  // A retry accepted by an incarnation that is alive replaces one whose acceptor crashed since,
  // so that the acceptance the client relies on is the one judged.
  const NodeState* state = nodes_.find(earlier.node.id);
  if (state != nullptr && earlier.node.incarnation < state->crashed_below) earlier.node = node;
}

bool ValidityChecker::owed(const Accepted& accepted, std::span<const NodeId> live_nodes) const {
  if (accepted.delivered_reply) return true;
  if (std::find(live_nodes.begin(), live_nodes.end(), accepted.node.id) == live_nodes.end()) {
    return false;
  }
  const NodeState* state = nodes_.find(accepted.node.id);
  return state == nullptr || accepted.node.incarnation >= state->crashed_below;
}

bool ValidityChecker::delivered_at(const Tracked& tracked, NodeId node) {
  return std::find(tracked.delivered_by.begin(), tracked.delivered_by.end(), node) !=
         tracked.delivered_by.end();
}

std::optional<std::string> ValidityChecker::check_converged(std::span<const NodeId> live_nodes) {
  for (const auto& [rank, id] : order_) {
    ++checks_;
    const Tracked& t = tracked_.at(id);
    if (!owed(t.accepted, live_nodes)) continue;
    for (const NodeId node : live_nodes) {
      ++checks_;
      if (delivered_at(t, node)) continue;
      const auto holders = std::count_if(live_nodes.begin(), live_nodes.end(),
                                         [&](NodeId n) { return delivered_at(t, n); });
      const NodeState* state = nodes_.find(node);
      const std::uint64_t count = state == nullptr ? 0 : state->delivered_count;
      return "broadcast " + describe(id) + " accepted by " + describe(t.accepted.node) +
             " at step " + std::to_string(t.accepted.step) + " was not delivered at node " +
             std::to_string(node.value) + " (which delivered " + std::to_string(count) +
             " messages); " + std::to_string(holders) + " of " + std::to_string(live_nodes.size()) +
             " live nodes delivered it";
    }
  }
  return std::nullopt;
}

}  // namespace ry
