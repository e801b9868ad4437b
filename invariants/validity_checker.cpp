#include "invariants/validity_checker.hpp"

#include <algorithm>

#include "invariants/describe.hpp"

namespace ry {

void ValidityChecker::on_client(const Step& step, NodeRef node, const ClientRequest& request) {
  if (options_.accept_on_client) accept(step, node, request.id, false);
}

void ValidityChecker::on_reply(const Step& step, NodeRef node, const ClientReply& reply) {
  ++checks_;
  if (reply.status == ReplyStatus::rejected) return;
  accept(step, node, reply.id, reply.status == ReplyStatus::delivered);
}

void ValidityChecker::on_deliver(const Step&, NodeRef node, const Delivery& delivery) {
  ++checks_;
  NodeState& state = nodes_.at(node.id);
  if (state.delivered.insert(delivery.id).second) ++state.delivered_count;
}

void ValidityChecker::on_crash(const Step&, NodeRef node) {
  ++checks_;
  NodeState& state = nodes_.at(node.id);
  // Incarnations only rise; taking the maximum keeps a late or repeated report harmless.
  state.crashed_below = std::max(state.crashed_below, node.incarnation + 1);
}

void ValidityChecker::accept(const Step& step, NodeRef node, MsgId id, bool delivered_reply) {
  ++checks_;
  const auto [it, inserted] = accepted_index_.try_emplace(id, accepted_.size());
  if (inserted) {
    accepted_.push_back(Accepted{id, node, step.index, delivered_reply});
    return;
  }
  Accepted& earlier = accepted_[it->second];
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

bool ValidityChecker::delivered_at(NodeId node, MsgId id) const {
  const NodeState* state = nodes_.find(node);
  return state != nullptr && state->delivered.contains(id);
}

std::optional<std::string> ValidityChecker::check_converged(std::span<const NodeId> live_nodes) {
  for (const Accepted& accepted : accepted_) {
    ++checks_;
    if (!owed(accepted, live_nodes)) continue;
    for (const NodeId node : live_nodes) {
      ++checks_;
      if (delivered_at(node, accepted.id)) continue;
      const auto holders = std::count_if(live_nodes.begin(), live_nodes.end(),
                                         [&](NodeId n) { return delivered_at(n, accepted.id); });
      const NodeState* state = nodes_.find(node);
      const std::uint64_t count = state == nullptr ? 0 : state->delivered_count;
      return "broadcast " + describe(accepted.id) + " accepted by " + describe(accepted.node) +
             " at step " + std::to_string(accepted.step) + " was not delivered at node " +
             std::to_string(node.value) + " (which delivered " + std::to_string(count) +
             " messages); " + std::to_string(holders) + " of " + std::to_string(live_nodes.size()) +
             " live nodes delivered it";
    }
  }
  return std::nullopt;
}

}  // namespace ry
