#include "invariants/membership/rejoin_consistency_checker.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "invariants/describe.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::membership {

namespace {

std::string from(std::int64_t donor) {
  return donor < 0 ? std::string() : " from node " + std::to_string(donor);
}

}  // namespace

RejoinConsistencyChecker::RejoinConsistencyChecker(Verdict& verdict, std::uint32_t nodes)
    : Checker(verdict), base_prefix_(log_digest_empty) {
  // Nodes 0..N-1 are live from the start: until each has delivered, the window keeps everything.
  for (std::uint32_t i = 0; i < nodes; ++i) state(NodeId{i});
}

RejoinConsistencyChecker::NodeState& RejoinConsistencyChecker::state(NodeId node) {
  NodeState& s = nodes_.at(node);
  if (!s.known) {
    s.known = true;
    s.prefix = log_digest_empty;
    known_.insert(std::lower_bound(known_.begin(), known_.end(), node), node);
  }
  return s;
}

std::optional<std::uint64_t> RejoinConsistencyChecker::prefix_at(std::uint64_t position) const {
  if (position == base_) return base_prefix_;
  if (const Entry* e = entry_at(position)) return e->prefix;
  return std::nullopt;
}

const RejoinConsistencyChecker::Entry* RejoinConsistencyChecker::entry_at(
    std::uint64_t position) const {
  if (position <= base_ || position > global_length()) return nullptr;
  return &window_[position - base_ - 1];
}

void RejoinConsistencyChecker::on_deliver(const Step& step, NodeRef node,
                                          const Delivery& delivery) {
  ++checks_;
  NodeState& s = state(node.id);
  s.live = true;
  const std::uint64_t position = ++s.position;
  s.prefix = log_digest(s.prefix, delivery);
  if (position == global_length() + 1) {
    const std::uint64_t before = window_.empty() ? base_prefix_ : window_.back().prefix;
    window_.push_back(Entry{delivery, log_digest(before, delivery), node, step.index});
  }
  if (s.check_next) {
    const Transfer transfer = *s.check_next;
    s.check_next.reset();
    check_first_after(step, node, delivery, position, transfer);
  }
  if (s.unverified) check_unverified(step, node, s);
  if (++since_trim_ >= trim_period) trim();
}

void RejoinConsistencyChecker::on_state_transfer(const Step& step, NodeRef node,
                                                 const StateTransfer& transfer) {
  ++checks_;
  check_transfer(step, node, transfer.position, transfer.digest, transfer.donor);
}

void RejoinConsistencyChecker::check_transfer(const Step& step, NodeRef node,
                                              std::uint64_t position, std::uint64_t digest,
                                              std::int64_t donor) {
  NodeState& s = state(node.id);
  s.live = true;
  const std::string what = describe(node) + " announced a state transfer" + from(donor) +
                           " to position " + std::to_string(position);
  if (position > global_length()) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     what + ", but the longest log anywhere has " +
                         std::to_string(global_length()) + " positions: no node delivered " +
                         std::to_string(global_length() + 1) + ".." + std::to_string(position));
    return;
  }
  s.position = position;
  s.prefix = digest;
  s.check_next = Transfer{position, donor, step.index};
  s.unverified.reset();
  const std::optional<std::uint64_t> expected = prefix_at(position);
  if (!expected) {
    s.unverified = Transfer{position, donor, step.index};  // below the window: checked later
    return;
  }
  ++checks_;
  if (*expected == digest) return;
  std::vector<NodeId> nodes{node.id};
  std::string last;
  if (const Entry* e = entry_at(position)) {
    last = " (position " + std::to_string(position) + " is " + describe(e->delivery.id) +
           ", first delivered by " + describe(e->first) + " at step " + std::to_string(e->step) +
           ")";
    if (e->first.id != node.id) nodes.push_back(e->first.id);
  }
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   what + " with log digest " + describe_digest(digest) +
                       ", but the global sequence up to " + std::to_string(position) +
                       " has digest " + describe_digest(*expected) + last +
                       ": the transferred log differs from the global sequence at or before "
                       "position " +
                       std::to_string(position));
}

void RejoinConsistencyChecker::check_first_after(const Step& step, NodeRef node,
                                                 const Delivery& delivery, std::uint64_t position,
                                                 const Transfer& transfer) {
  const Entry* e = entry_at(position);
  if (e == nullptr) return;  // below the window: the digest check covers it
  ++checks_;
  if (e->delivery.id == delivery.id && e->delivery.digest == delivery.digest) return;
  std::vector<NodeId> nodes{node.id};
  if (e->first.id != node.id) nodes.push_back(e->first.id);
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   describe(node) + "'s first delivery after its state transfer" +
                       from(transfer.donor) + " to position " + std::to_string(transfer.position) +
                       " (step " + std::to_string(transfer.step) + ") is " + describe(delivery) +
                       " at position " + std::to_string(position) + ", but position " +
                       std::to_string(position) + " of the global sequence is " +
                       describe(e->delivery) + ", first delivered by " + describe(e->first) +
                       " at step " + std::to_string(e->step) +
                       ": the transferred log and what follows it do not join up");
}

void RejoinConsistencyChecker::check_unverified(const Step& step, NodeRef node, NodeState& s) {
  const std::optional<std::uint64_t> expected = prefix_at(s.position);
  if (!expected) return;  // still below the window
  const Transfer transfer = *s.unverified;
  s.unverified.reset();
  ++checks_;
  if (*expected == s.prefix) return;
  verdict_.violate(std::string(name()), step.index, {node.id},
                   describe(node) + "'s log after its state transfer" + from(transfer.donor) +
                       " to position " + std::to_string(transfer.position) + " (step " +
                       std::to_string(transfer.step) + ") reached position " +
                       std::to_string(s.position) + " with log digest " +
                       describe_digest(s.prefix) + ", but the global sequence up to there has " +
                       describe_digest(*expected) +
                       ": its log differs from the global sequence somewhere in positions 1.." +
                       std::to_string(s.position) +
                       " (the transfer was below the kept window, so only digests are compared)");
}

void RejoinConsistencyChecker::on_crash(const Step&, NodeRef node) {
  ++checks_;
  NodeState& s = state(node.id);
  s.live = false;
  s.check_next.reset();
}

void RejoinConsistencyChecker::on_restart(const Step&, NodeRef node) {
  ++checks_;
  state(node.id).live = true;
}

// Drops the positions every live node has passed: a transfer below them is checked by digest.
void RejoinConsistencyChecker::trim() {
  since_trim_ = 0;
  std::optional<std::uint64_t> slowest;
  for (const NodeId node : known_) {
    const NodeState* s = nodes_.find(node);
    if (s == nullptr || !s->live) continue;
    if (!slowest || s->position < *slowest) slowest = s->position;
  }
  if (!slowest) return;
  while (base_ < *slowest && !window_.empty()) {
    base_prefix_ = window_.front().prefix;
    window_.pop_front();
    ++base_;
  }
}

}  // namespace ry::membership
