#include "invariants/kv/replica_state_checker.hpp"

namespace ry {

void ReplicaStateChecker::on_history(const Step&, const HistoryEvent& event) {
  if (event.type != HistoryType::ok || !is_write(event.op->f)) return;
  ++checks_;
  ++acknowledged_;
  acked_[event.request.client.value].push_back(event.request.seq);
}

std::optional<std::string> ReplicaStateChecker::check_converged(
    std::uint64_t step, const std::vector<NodeId>& replicas,
    const std::function<const KvStore*(NodeId)>& store_of) {
  const KvStore* first = nullptr;
  NodeId first_node;
  for (NodeId node : replicas) {
    const KvStore* store = store_of(node);
    if (store == nullptr) continue;
    for (const auto& [client, seqs] : acked_) {
      for (std::uint64_t seq : seqs) {
        ++checks_;
        const RequestId id{ClientId{client}, seq};
        if (store->applied(id)) continue;
        std::string line = "client " + std::to_string(client) + "'s write " + std::to_string(seq) +
                           " was acknowledged but node " + std::to_string(node.value) +
                           " never applied it";
        verdict_.violate("acknowledged_writes", step, {node}, line);
        return line;
      }
    }
    ++checks_;
    if (first == nullptr) {
      first = store;
      first_node = node;
    } else if (store->digest() != first->digest()) {
      std::string line = "nodes " + std::to_string(first_node.value) + " and " +
                         std::to_string(node.value) + " converged to different key-value states (" +
                         std::to_string(first->keys()) + " and " + std::to_string(store->keys()) +
                         " keys)";
      verdict_.violate("replica_state", step, {first_node, node}, line);
      return line;
    }
  }
  return std::nullopt;
}

}  // namespace ry
