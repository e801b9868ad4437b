#include "invariants/raft/log_checker.hpp"

#include <string>

namespace ry::raft {
namespace {

std::string n_str(NodeId n) { return std::to_string(n.value); }

constexpr std::size_t chain_max = 4096;  // (index, term) pairs kept before pruning

}  // namespace

void LogChecker::on_note(const Step& step, NodeRef node, const Note& note) {
  if (node.id.value >= nodes_.size()) return;
  const std::string_view kind = note.kind;
  if (kind == "commit") {
    on_commit(step, node.id, static_cast<Index>(note.a));
  } else if (kind == "elected") {
    on_elected(step, node.id);
  }
}

// A restarted node commits again from its snapshot.
void LogChecker::on_restart(const Step&, NodeRef node) {
  if (node.id.value >= nodes_.size()) return;
  const Core* c = core_of_(node.id);
  nodes_[node.id.value].checked = c != nullptr ? c->commit_index() : 0;
}

void LogChecker::on_commit(const Step& step, NodeId node, Index index) {
  const Core* c = core_of_(node);
  if (c == nullptr) return;
  Node& n = nodes_[node.value];
  // The note's index may already be overtaken within the step (a snapshot install, a second
  // commit); compare what the log still holds.
  for (Index i = std::max(n.checked, floor_) + 1; i <= index; ++i) {
    const auto h = c->log().hash_at(i);
    if (!h) continue;
    ++checks_;
    const auto [it, first] = committed_.try_emplace(i, *h);
    if (!first && it->second != *h) {
      verdict_.violate("state_machine_safety", step.index, {node},
                       "node " + n_str(node) + " committed index " + std::to_string(i) +
                           " with another entry (chain hash) than was committed there before");
      return;
    }
  }
  n.checked = std::max(n.checked, index);
  if (c->role() == Role::leader) {
    const auto term = c->term_at(index);
    ++checks_;
    if (term && *term != c->term()) {
      verdict_.violate("commit_current_term", step.index, {node},
                       "leader " + n_str(node) + " of term " + std::to_string(c->term()) +
                           " committed index " + std::to_string(index) + " of term " +
                           std::to_string(*term) + " by counting");
      return;
    }
    check_quorum(step, *c, index);
  }
  if (committed_.size() > chain_max || chain_.size() > chain_max) prune();
}

void LogChecker::check_quorum(const Step& step, const Core& leader, Index index) {
  const auto h = leader.log().hash_at(index);
  if (!h) return;
  std::size_t holders = 0;
  for (const NodeId v : leader.voters()) {
    const Core* c = v == leader.self() ? &leader : core_of_(v);
    ++checks_;
    if (c == nullptr) {
      ++holders;  // down: its disk cannot be read
    } else if (c->log_suspect() || (v != leader.self() && leader.epoch_of(v) != c->epoch())) {
      ++holders;  // its disk lost state the leader may still count (README.md section 9)
    } else if (c->synced_index() >= index && c->log().hash_at(index) == h) {
      ++holders;
    } else if (c->log().base() >= index && c->commit_index() >= index) {
      ++holders;  // compacted into its snapshot: committed there
    }
  }
  if (holders < leader.membership().quorum()) {
    verdict_.violate("commit_has_quorum", step.index, {leader.self()},
                     "leader " + n_str(leader.self()) + " committed index " +
                         std::to_string(index) + " held (synced) by " + std::to_string(holders) +
                         " voters, fewer than a quorum");
  }
}

void LogChecker::on_elected(const Step& step, NodeId node) {
  const Core* c = core_of_(node);
  if (c == nullptr || committed_.empty()) return;
  const auto& [index, hash] = *committed_.rbegin();
  ++checks_;
  if (c->last_index() < index) {
    verdict_.violate("leader_completeness", step.index, {node},
                     "leader " + n_str(node) + " of term " + std::to_string(c->term()) +
                         " lacks committed index " + std::to_string(index) + " (its log ends at " +
                         std::to_string(c->last_index()) + ")");
    return;
  }
  const auto h = c->log().hash_at(index);
  if (h && *h != hash) {
    verdict_.violate("leader_completeness", step.index, {node},
                     "leader " + n_str(node) + " of term " + std::to_string(c->term()) +
                         " holds another entry at committed index " + std::to_string(index));
  }
}

void LogChecker::on_receive_message(const Step&, NodeRef to, NodeId, const Message& m) {
  const auto* append = std::get_if<AppendEntries>(&m);
  if (append == nullptr || append->entries.empty() || to.id.value >= nodes_.size()) return;
  const Entry& last = append->entries.back();
  appends_.emplace_back(to.id, std::pair{last.index, last.term});
}

// The core handles a message after the receipt is reported: its log is read once the step ends.
void LogChecker::after_step(const Step& step) {
  for (const auto& [node, entry] : appends_) {
    const Core* c = core_of_(node);
    if (c == nullptr || entry.first <= floor_ || c->term_at(entry.first) != entry.second) continue;
    const auto h = c->log().hash_at(entry.first);
    if (!h) continue;
    ++checks_;
    const auto [it, first] = chain_.try_emplace(entry, *h);
    if (!first && it->second != *h) {
      verdict_.violate("log_matching", step.index, {node},
                       "node " + n_str(node) + " holds entry (" + std::to_string(entry.first) +
                           ", term " + std::to_string(entry.second) +
                           ") with another prefix than a node that held it before");
      break;
    }
  }
  appends_.clear();
}

// Indices every node has compared are settled: forget them (a node that restarts below the
// floor re-commits them unchecked; state machine safety was checked at its first commit).
void LogChecker::prune() {
  Index lowest = committed_.empty() ? 0 : committed_.rbegin()->first;
  for (const Node& n : nodes_) lowest = std::min(lowest, n.checked);
  // A node that never commits (down for good) must not pin the memory: keep a window.
  if (!committed_.empty() && committed_.rbegin()->first > lowest + chain_max) {
    lowest = committed_.rbegin()->first - chain_max / 2;
  }
  if (lowest <= floor_) return;
  floor_ = lowest - 1;
  committed_.erase(committed_.begin(), committed_.upper_bound(floor_));
  chain_.erase(chain_.begin(), chain_.lower_bound(std::pair{floor_ + 1, Term{0}}));
}

}  // namespace ry::raft
