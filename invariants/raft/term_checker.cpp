#include "invariants/raft/term_checker.hpp"

#include <algorithm>
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
  if (!n.commit_known) {
    // The first status of a life. The term is durable once a message carried it (rule 2.1), so
    // it may not restart below a term the node sent; a term adopted but never synced may be
    // lost with the crash. A node whose disk lost its term record says so (README.md section 9):
    // it restarts lower, votes in none of the terms it may have forgotten, and promises anew.
    const std::int64_t suspect = field(status, "suspect");  // -1 when not named
    if (suspect > 0 && (suspect & 1) == 1) {
      n.sent = 0;
    } else if (term < n.sent) {
      verdict_.violate("term_monotonicity", step.index, {node.id},
                       "node " + std::to_string(node.id.value) + " restarted at term " +
                           std::to_string(term) + " after sending messages of term " +
                           std::to_string(n.sent));
      return;
    }
  } else if (term < n.term) {
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

void TermChecker::on_send(const Step&, NodeRef from, NodeId, const MessageInfo& info) {
  if (from.id.value >= nodes_.size()) return;
  for (int i = 0; i < info.count; ++i) {
    const Field& f = info.fields[static_cast<std::size_t>(i)];
    if (std::string_view(f.name) == "term") {
      Node& n = nodes_[from.id.value];
      n.sent = std::max(n.sent, f.value);
      return;
    }
  }
}

// A restarted node's commit starts again from its snapshot (it is not durable); its term is.
void TermChecker::on_crash(const Step&, NodeRef node) {
  if (node.id.value < nodes_.size()) nodes_[node.id.value].commit_known = false;
}

}  // namespace ry::raft
