#include "invariants/membership/no_redelivery_checker.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "invariants/describe.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::membership {

namespace {

bool same(const Delivery& a, const Delivery& b) noexcept {
  return a.id == b.id && a.digest == b.digest;
}

std::string from(std::int64_t donor) {
  return donor < 0 ? std::string() : " from node " + std::to_string(donor);
}

}  // namespace

NoRedeliveryChecker::NoRedeliveryChecker(Verdict& verdict, std::uint32_t nodes)
    : Checker(verdict), nodes_(nodes) {
  // Nodes 0..N-1 are live from the start: until each has delivered, nothing is trimmed.
  for (std::uint32_t i = 0; i < nodes; ++i) log(NodeId{i});
}

NoRedeliveryChecker::NodeLog& NoRedeliveryChecker::log(NodeId node) {
  NodeLog& l = logs_.at(node);
  if (!l.known) {
    l.known = true;
    l.prefix = log_digest_empty;
    l.floor_prefix = log_digest_empty;
    known_.insert(std::lower_bound(known_.begin(), known_.end(), node), node);
  }
  return l;
}

std::size_t NoRedeliveryChecker::kept() const {
  std::size_t n = 0;
  for (const NodeId node : known_) {
    if (const NodeLog* l = logs_.find(node)) n += l->window.size();
  }
  return n;
}

std::size_t NoRedeliveryChecker::intervals() const {
  std::size_t n = 0;
  for (const NodeId node : known_) {
    if (const NodeLog* l = logs_.find(node)) n += l->delivered.intervals();
  }
  return n;
}

std::string NoRedeliveryChecker::transfer_words(const NodeLog& l) const {
  if (!l.reset) return "";
  return " after its state transfer" + from(l.reset->donor) + " to position " +
         std::to_string(l.reset->position) + " (step " + std::to_string(l.reset->step) + ")";
}

void NoRedeliveryChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  ++checks_;
  NodeLog& l = log(node.id);
  l.live = true;
  l.incarnation = node.incarnation;
  const std::uint64_t position = ++l.position;
  l.prefix = log_digest(l.prefix, delivery);
  spread(node.id, position, delivery.id);
  if (position > l.high()) {
    deliver_new(step, node, l, delivery);
  } else {
    deliver_again(step, node, l, delivery);
  }
  if (l.floor_check && position == l.floor) {
    l.floor_check = false;
    ++checks_;
    if (l.prefix != l.floor_prefix) {
      verdict_.violate(
          std::string(name()), step.index, {node.id},
          describe(node) + transfer_words(l) + " delivered again up to position " +
              std::to_string(position) + " with log digest " + describe_digest(l.prefix) +
              ", but the log it had delivered up to " + std::to_string(position) + " has digest " +
              describe_digest(l.floor_prefix) + ": different content somewhere in positions " +
              std::to_string(l.reset ? l.reset->position + 1 : 1) + ".." +
              std::to_string(position) + " (below the kept window, so only digests are compared)");
    }
  }
  if (++since_trim_ >= trim_period) trim();
}

// A position the node never had: the message must be new to it.
void NoRedeliveryChecker::deliver_new(const Step& step, NodeRef node, NodeLog& l,
                                      const Delivery& delivery) {
  const std::uint64_t position = l.position;
  check_elsewhere(step, node, l, delivery, position);
  l.window.push_back(Entry{delivery, l.prefix, node.incarnation, step.index});
  l.delivered.insert(delivery.id);
  l.reset.reset();  // past everything it had: later details need not name the transfer
}

// A position the node had before: only after a state transfer, in a later incarnation, with the
// same content.
void NoRedeliveryChecker::deliver_again(const Step& step, NodeRef node, NodeLog& l,
                                        const Delivery& delivery) {
  const std::uint64_t position = l.position;
  if (check_elsewhere(step, node, l, delivery, position)) return;
  if (position <= l.floor) return;  // below the window: the digest at the floor covers it
  Entry& e = l.window[position - l.floor - 1];
  ++checks_;
  // Built only on a violation: this path runs on every re-delivery.
  const auto again = [&] {
    return describe(node) + transfer_words(l) + " delivered " + describe(delivery) +
           " at position " + std::to_string(position);
  };
  const auto before = [&] {
    return describe(e.delivery) + " in incarnation " + std::to_string(e.incarnation) + " at step " +
           std::to_string(e.step);
  };
  if (!same(e.delivery, delivery)) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     again() + ", but it had delivered " + before() + " at that position" +
                         ": different content at a position it delivered before its crash");
    return;
  }
  if (e.incarnation == node.incarnation) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     again() +
                         ", which it had delivered there already in this incarnation at step " +
                         std::to_string(e.step) +
                         ": a live node's log never goes back, so it delivered it twice");
    return;
  }
  ++checks_;
  if (e.prefix != l.prefix) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     again() + " with log digest " + describe_digest(l.prefix) +
                         ", but its log up to there had digest " + describe_digest(e.prefix) +
                         " when it delivered " + before() +
                         ": its log differs from the one it had at some earlier position");
    return;
  }
  e.incarnation = node.incarnation;
  e.step = step.index;
}

// Returns true (and reports) if the node delivered this message before at another position.
bool NoRedeliveryChecker::check_elsewhere(const Step& step, NodeRef node, const NodeLog& l,
                                          const Delivery& delivery, std::uint64_t position) {
  ++checks_;
  if (!l.delivered.contains(delivery.id)) return false;
  // Below the floor the digest at the floor decides (see the header).
  if (position <= l.floor) return false;
  if (position <= l.high() && l.window[position - l.floor - 1].delivery.id == delivery.id) {
    return false;  // the position it had: deliver_again checks the rest
  }
  std::string before = "before, at a position up to " + std::to_string(l.floor);
  for (std::size_t i = l.window.size(); i-- > 0;) {  // a violation only: the scan is affordable
    const Entry& e = l.window[i];
    if (e.delivery.id != delivery.id) continue;
    before = "at position " + std::to_string(l.floor + i + 1) + " in incarnation " +
             std::to_string(e.incarnation) + " at step " + std::to_string(e.step);
    break;
  }
  verdict_.violate(std::string(name()), step.index, {node.id},
                   describe(node) + transfer_words(l) + " delivered " + describe(delivery.id) +
                       " at position " + std::to_string(position) + ", but it had delivered it " +
                       before + ": a message is delivered at most once at a node");
  return true;
}

void NoRedeliveryChecker::on_state_transfer(const Step& step, NodeRef node,
                                            const StateTransfer& t) {
  ++checks_;
  transfer(step, node, t.position, t.digest, t.donor);
}

void NoRedeliveryChecker::transfer(const Step& step, NodeRef node, std::uint64_t position,
                                   std::uint64_t digest, std::int64_t donor) {
  NodeLog& l = log(node.id);
  l.live = true;
  l.incarnation = node.incarnation;
  l.reset = Transfer{position, donor, step.index};
  l.floor_check = false;
  if (position > l.high()) {
    // Beyond everything it had: the donor's positions replace its log wholesale, and a later
    // transfer below `position` is compared with this digest.
    drop_below(l, l.high());
    l.floor = position;
    l.floor_prefix = digest;
  } else if (position < l.floor) {
    l.floor_check = true;  // compared when its log reaches the floor again
  } else {
    const std::uint64_t had =
        position == l.floor ? l.floor_prefix : l.window[position - l.floor - 1].prefix;
    ++checks_;
    if (had != digest) {
      std::string last;
      if (position > l.floor) {
        const Entry& e = l.window[position - l.floor - 1];
        last = " (it had delivered " + describe(e.delivery.id) + " there in incarnation " +
               std::to_string(e.incarnation) + " at step " + std::to_string(e.step) + ")";
      }
      verdict_.violate(std::string(name()), step.index, {node.id},
                       describe(node) + "'s state transfer" + from(donor) + " to position " +
                           std::to_string(position) + " gives it a log with digest " +
                           describe_digest(digest) + ", but the log it had delivered up to " +
                           std::to_string(position) + " has digest " + describe_digest(had) + last +
                           ": different content at positions it delivered before its crash");
    }
  }
  take_transferred(node.id, l, position);
  l.position = position;
  l.prefix = digest;
}

// `node` delivered `id` at `position`; a position every node holds is no longer kept.
void NoRedeliveryChecker::spread(NodeId node, std::uint64_t position, MsgId id) {
  if (node.value >= nodes_) return;
  auto it = spreading_.find(position);
  if (it == spreading_.end()) {
    // Not kept and not new: every node held it already (or a node skipped positions, which
    // rejoin_consistency reports).
    if (position <= reached_) return;
    reached_ = position;
    it = spreading_.emplace(position, Spreading{id, {}}).first;
  }
  Spreading& s = it->second;
  if (s.id != id) return;  // another message there: uniform total order's to report
  s.holders.insert(node);
  if (s.holders.count() == nodes_) spreading_.erase(it);
}

// After a transfer to `position`, the messages at positions 1..position are in the node's log.
void NoRedeliveryChecker::take_transferred(NodeId node, NodeLog& l, std::uint64_t position) {
  if (node.value >= nodes_) return;
  for (auto it = spreading_.begin(); it != spreading_.end() && it->first <= position;) {
    Spreading& s = it->second;
    ++checks_;
    if (!s.holders.insert(node)) {
      ++it;
      continue;
    }
    l.delivered.insert(s.id);
    it = s.holders.count() == nodes_ ? spreading_.erase(it) : std::next(it);
  }
}

void NoRedeliveryChecker::on_crash(const Step&, NodeRef node) {
  ++checks_;
  log(node.id).live = false;
}

void NoRedeliveryChecker::on_restart(const Step&, NodeRef node) {
  ++checks_;
  NodeLog& l = log(node.id);
  l.live = true;
  l.incarnation = node.incarnation;
}

// Moves the node's positions up to `position` out of the window, keeping the log digest at the
// last one.
void NoRedeliveryChecker::drop_below(NodeLog& l, std::uint64_t position) {
  while (l.floor < position && !l.window.empty()) {
    l.floor_prefix = l.window.front().prefix;
    ++l.floor;
    l.window.pop_front();
  }
}

// Drops, at every node, the positions below the slowest live node's log (see the header).
void NoRedeliveryChecker::trim() {
  since_trim_ = 0;
  std::optional<std::uint64_t> slowest;
  for (const NodeId node : known_) {
    const NodeLog* l = logs_.find(node);
    if (l == nullptr || !l->live) continue;
    if (!slowest || l->position < *slowest) slowest = l->position;
  }
  if (!slowest) return;
  for (const NodeId node : known_) drop_below(logs_.at(node), *slowest);
}

}  // namespace ry::membership
