#include "invariants/raft/vote_checker.hpp"

#include <optional>
#include <string>

namespace ry::raft {
namespace {

std::string n_str(NodeId n) { return std::to_string(n.value); }

constexpr std::size_t votes_max = 4096;

}  // namespace

void VoteChecker::on_send_message(const Step& step, NodeRef from, NodeId to, const Message& m) {
  const auto* vote = std::get_if<RequestVoteResponse>(&m);
  if (vote == nullptr || !vote->granted) return;
  ++checks_;
  const auto [it, first] = votes_.try_emplace(std::pair{vote->term, from.id}, to);
  if (!first && it->second != to) {
    verdict_.violate("vote_integrity", step.index, {from.id, it->second, to},
                     "node " + n_str(from.id) + " granted its vote of term " +
                         std::to_string(vote->term) + " to " + n_str(it->second) + " and to " +
                         n_str(to));
    return;
  }
  if (votes_.size() > votes_max) votes_.erase(votes_.begin());  // the oldest terms
}

void VoteChecker::on_receive_message(const Step&, NodeRef to, NodeId from, const Message& m) {
  if (to.id.value >= nodes_.size()) return;
  Node& n = nodes_[to.id.value];
  const Core* c = core_of_(to.id);
  if (c == nullptr) return;
  // The receipt is reported before the core handles the message: its term is the one before.
  if (const auto* grant = std::get_if<PreVoteResponse>(&m)) {
    if (!grant->granted || grant->probe != 0) return;
    if (grant->round_term != n.grants_round) {
      n.grants_round = grant->round_term;
      n.grants.clear();
    }
    n.grants.insert(from);
    return;
  }
  std::optional<Term> term;
  if (const auto* a = std::get_if<AppendEntries>(&m)) term = a->term;
  if (const auto* s = std::get_if<InstallSnapshot>(&m)) term = s->term;
  if (const auto* t = std::get_if<TimeoutNow>(&m)) term = t->term;
  if (term && *term >= c->term()) {
    n.grants.clear();  // accepted: earlier grants are stale
    n.grants_round = 0;
  }
  if (std::holds_alternative<AppendEntriesResponse>(m) ||
      std::holds_alternative<InstallSnapshotResponse>(m)) {
    responses_.emplace_back(to.id, from);
  }
}

void VoteChecker::on_note(const Step& step, NodeRef node, const Note& note) {
  if (node.id.value >= nodes_.size()) return;
  Node& n = nodes_[node.id.value];
  const std::string_view kind = note.kind;
  if (kind == "elected" || kind == "step_down") {
    n.leader_term = 0;
    n.match.clear();
    return;
  }
  if (kind == "config") {
    // A peer the leader's new configuration drops leaves its replication state behind; if it
    // is added again, its match starts over from 0 (section 8).
    const Core* c = core_of_(node.id);
    if (c != nullptr) {
      std::erase_if(n.match, [&](const auto& m) { return !c->membership().is_member(m.first); });
    }
    return;
  }
  if (kind != "campaign") return;
  const auto term = static_cast<Term>(note.a);
  const bool transfer = note.b != 0;
  const std::set<NodeId> grants = n.grants_round == term ? n.grants : std::set<NodeId>{};
  n.grants.clear();
  n.grants_round = 0;
  if (transfer) return;
  const Core* c = core_of_(node.id);
  if (c == nullptr) return;
  ++checks_;
  std::size_t fresh = c->membership().is_voter(node.id) ? 1U : 0U;
  for (const NodeId g : grants) fresh += (g != node.id && c->membership().is_voter(g)) ? 1U : 0U;
  if (fresh < c->membership().quorum()) {
    verdict_.violate("pre_vote_freshness", step.index, {node.id},
                     "node " + n_str(node.id) + " campaigned in term " + std::to_string(term) +
                         " with " + std::to_string(fresh) +
                         " pre-votes received since it last heard a leader, fewer than a quorum");
  }
}

void VoteChecker::on_restart(const Step&, NodeRef node) {
  if (node.id.value >= nodes_.size()) return;
  nodes_[node.id.value] = Node{};
}

void VoteChecker::after_step(const Step& step) {
  for (const auto& [leader, peer] : responses_) check_match(step, leader, peer);
  responses_.clear();
}

void VoteChecker::check_match(const Step& step, NodeId leader, NodeId peer) {
  const Core* c = core_of_(leader);
  if (c == nullptr || c->role() != Role::leader) return;
  const auto match = c->match_of(peer);
  const auto epoch = c->epoch_of(peer);
  if (!match || !epoch) return;
  Node& n = nodes_[leader.value];
  if (n.leader_term != c->term()) {
    n.leader_term = c->term();
    n.match.clear();
  }
  ++checks_;
  if (*match > c->last_index()) {
    verdict_.violate("match_monotonic", step.index, {leader, peer},
                     "leader " + n_str(leader) + " holds match " + std::to_string(*match) +
                         " for " + n_str(peer) + ", past its last index " +
                         std::to_string(c->last_index()));
    return;
  }
  const auto [it, first] = n.match.try_emplace(peer, *epoch, *match);
  if (!first) {
    if (it->second.first == *epoch && *match < it->second.second) {
      verdict_.violate("match_monotonic", step.index, {leader, peer},
                       "leader " + n_str(leader) + " of term " + std::to_string(c->term()) +
                           " lowered its match for " + n_str(peer) + " from " +
                           std::to_string(it->second.second) + " to " + std::to_string(*match));
      return;
    }
    it->second = {*epoch, *match};
  }
}

}  // namespace ry::raft
