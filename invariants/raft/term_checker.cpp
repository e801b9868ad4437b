#include "invariants/raft/term_checker.hpp"

#include <string>

namespace ry::raft {

std::int64_t TermChecker::field(const ry::Status& status, std::string_view name) {
  for (std::size_t i = 0; i < status.size; ++i) {
    if (status.fields[i].name == name) return status.fields[i].value;
  }
  return -1;
}

void TermChecker::on_status(const Step& step, NodeRef node, const ry::Status& status) {
  if (node.id.value >= nodes_.size()) return;  // not a node of this run: nothing to compare
  Node& n = nodes_[node.id.value];
  const std::int64_t term = field(status, "term");
  const std::int64_t commit = field(status, "commit");
  const bool leader = field(status, "role") == 2;
  checks_ += 3;
  // A node whose disk lost its term record says so (protocol/raft/README.md section 9): its
  // term restarts lower, and it votes in none of the terms it may have forgotten.
  const std::int64_t suspect = field(status, "suspect");  // -1 when not named
  const bool term_lost = !n.commit_known && suspect > 0 && (suspect & 1) == 1;
  if (term < n.term && !term_lost) {
    verdict_.violate("term_monotonicity", step.index, {node.id},
                     "node " + std::to_string(node.id.value) + "'s term went from " +
                         std::to_string(n.term) + " down to " + std::to_string(term));
    return;
  }
  n.term = term;
  if (n.commit_known && commit < n.commit) {
    verdict_.violate("commit_monotonic", step.index, {node.id},
                     "node " + std::to_string(node.id.value) + "'s commit index went from " +
                         std::to_string(n.commit) + " down to " + std::to_string(commit));
    return;
  }
  n.commit = commit;
  n.commit_known = true;
  if (!leader) return;
  const auto [it, first] = leaders_.try_emplace(term, node.id.value);
  if (!first && it->second != node.id.value) {
    verdict_.violate("election_safety", step.index, {NodeId{it->second}, node.id},
                     "nodes " + std::to_string(it->second) + " and " +
                         std::to_string(node.id.value) + " both led term " + std::to_string(term));
    return;
  }
  // Terms below the lowest term any node is in can elect nobody any more.
  std::int64_t lowest = n.term;
  for (const Node& other : nodes_) lowest = std::min(lowest, other.term);
  leaders_.erase(leaders_.begin(), leaders_.lower_bound(lowest));
}

// A restarted node's commit starts again from its snapshot (it is not durable); its term is.
void TermChecker::on_crash(const Step&, NodeRef node) {
  if (node.id.value < nodes_.size()) nodes_[node.id.value].commit_known = false;
}

}  // namespace ry::raft
