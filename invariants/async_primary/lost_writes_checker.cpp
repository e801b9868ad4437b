#include "invariants/async_primary/lost_writes_checker.hpp"

#include <algorithm>

namespace ry::async_primary {

void LostWritesChecker::on_history(const Step&, const HistoryEvent& event) {
  if (event.type != HistoryType::ok || !is_write(event.op->f)) return;
  ++checks_;
  acked_.push_back(event.request);
}

LostWrites LostWritesChecker::count(std::uint64_t step, NodeId node,
                                    const std::vector<RequestId>& applied) {
  std::vector<RequestId> sorted = applied;
  std::sort(sorted.begin(), sorted.end());
  LostWrites out;
  out.acknowledged = acked_.size();
  for (const RequestId& id : acked_) {
    ++checks_;
    if (std::binary_search(sorted.begin(), sorted.end(), id)) continue;
    ++out.lost;
    if (!out.first_lost) out.first_lost = id;
  }
  if (out.lost > 0) {
    verdict_.violate("acknowledged_writes", step, {node},
                     std::to_string(out.lost) + " of " + std::to_string(out.acknowledged) +
                         " acknowledged writes lost (first: client " +
                         std::to_string(out.first_lost->client.value) + "'s write " +
                         std::to_string(out.first_lost->seq) + "); node " +
                         std::to_string(node.value) + " holds the converged state");
  }
  return out;
}

}  // namespace ry::async_primary
