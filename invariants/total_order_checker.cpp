#include "invariants/total_order_checker.hpp"

#include <string>

#include "invariants/describe.hpp"
#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

namespace {

bool same(const Delivery& a, const Delivery& b) noexcept {
  return a.id == b.id && a.digest == b.digest;
}

// The prefix hash of a log extended by one delivery. Internal to this checker (never printed),
// so it only needs to mix well and be cheap: a few multiplies, not FNV's one per byte.
std::uint64_t extend(std::uint64_t h, const Delivery& d) noexcept {
  auto mix = [](std::uint64_t acc, std::uint64_t v) {
    acc ^= v * 0x9e3779b97f4a7c15ULL;
    acc = (acc << 29) | (acc >> 35);
    return acc * 0xbf58476d1ce4e5b9ULL;
  };
  return mix(mix(mix(h, d.id.sender.value), d.id.seq), d.digest);
}

}  // namespace

TotalOrderChecker::TotalOrderChecker(Verdict& verdict, bool planted_b2, std::uint32_t nodes)
    : Checker(verdict), b2_(planted_b2) {
  for (std::uint32_t i = 0; i < nodes && i < NodeTable<Cursor>::dense_max; ++i) {
    cursor(NodeId{i}).live = true;
  }
}

TotalOrderChecker::Cursor& TotalOrderChecker::cursor(NodeId node) { return cursors_.at(node); }

std::uint64_t TotalOrderChecker::position(NodeId node) const noexcept {
  const Cursor* c = cursors_.find(node);
  return c == nullptr ? 0 : c->pos;
}

std::uint64_t TotalOrderChecker::chain_before(std::uint64_t pos) const {
  RY_ASSERT(pos >= base_ && pos <= global_length());
  return pos == base_ ? base_chain_ : global_[pos - 1 - base_].chain;
}

void TotalOrderChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  Cursor& c = cursor(node.id);
  c.live = true;
  const std::uint64_t pos = c.pos;
  // Every node's position is at most the global length: the first node to reach a position
  // appends it. This is what makes global_[pos - base_] safe below.
  RY_ASSERT(pos <= global_length());
  if (pos < base_) {
    // Below the window: only the hash of its log can be checked, once it is back in the window.
    ++checks_;
    if (!c.behind) c.behind_from = pos;
    c.behind = true;
  } else {
    if (c.behind && c.chain_unknown) {
      c.behind = false;
      c.chain_unknown = false;
    } else if (c.behind) {
      check_rejoin(step, node, c);
    }
    if (b2_) {
      check_b2(step, node, delivery, pos);
    } else {
      check_guarded(step, node, delivery, pos);
    }
  }
  c.chain = extend(c.chain, delivery);
  c.pos = pos + 1;
  RY_ASSERT(c.pos <= global_length());
  if (++since_trim_ >= trim_period) trim();
}

void TotalOrderChecker::on_crash(const Step&, NodeRef node) { cursor(node.id).live = false; }

void TotalOrderChecker::on_state_transfer(const Step& step, NodeRef node,
                                          const StateTransfer& transfer) {
  ++checks_;
  const std::uint64_t x = transfer.position;
  if (x > global_length()) {
    verdict_.violate(std::string(name()), step.index, {node.id},
                     describe(node) + " took a state transfer to position " + std::to_string(x) +
                         ", beyond every log so far (" + std::to_string(global_length()) + ")");
    return;
  }
  Cursor& c = cursor(node.id);
  c.live = true;
  c.pos = x;
  c.behind = x < base_;
  c.chain_unknown = c.behind;
  c.behind_from = x;
  if (!c.behind) c.chain = chain_before(x);
}

void TotalOrderChecker::on_restart(const Step&, NodeRef node) { cursor(node.id).live = true; }

// The correct prefix test: the length guard tells a position some node already reached (compare)
// from a new one (append).
void TotalOrderChecker::check_guarded(const Step& step, NodeRef node, const Delivery& delivery,
                                      std::uint64_t pos) {
  ++checks_;
  if (pos < global_length()) {
    ++checks_;
    if (!same(global_[pos - base_].delivery, delivery)) report(step, node, delivery, pos);
    return;
  }
  global_.push_back(Entry{delivery, node, step.index, extend(chain_before(pos), delivery)});
}

// Bug B2 (protocol/trains/README.md section 8): the prefix test without the length guard. Lacking
// the test `pos < global.size()`, the faulty checker "made the index valid" by growing the sequence
// to pos + 1 and then wrote the head slot instead of comparing it:
//   if (pos + 1 >= global.size()) { global.resize(pos + 1); global[pos] = d; } else compare
// Here that is reproduced without reading or writing out of bounds: a delivery at the newest
// position overwrites it, so two nodes that diverge at the head of the sequence (the usual shape
// of a split brain: the second node delivers right after the first) are never reported. The
// checker's own tests catch this (total_order_checker_test.cpp, "B2 caught by the checker tests").
void TotalOrderChecker::check_b2(const Step& step, NodeRef node, const Delivery& delivery,
                                 std::uint64_t pos) {
  ++checks_;
  if (pos + 1 >= global_length()) {
    if (pos == global_length()) global_.push_back(Entry{});
    global_[pos - base_] = Entry{delivery, node, step.index, extend(chain_before(pos), delivery)};
    return;
  }
  ++checks_;
  if (!same(global_[pos - base_].delivery, delivery)) report(step, node, delivery, pos);
}

// A node that was below the window is back in it: its log up to here must hash like the global
// prefix.
void TotalOrderChecker::check_rejoin(const Step& step, NodeRef node, Cursor& c) {
  ++checks_;
  c.behind = false;
  if (c.chain == chain_before(c.pos)) return;
  verdict_.violate(std::string(name()), step.index, {node.id},
                   describe(node) + " delivered, at positions " +
                       std::to_string(c.behind_from + 1) + " to " + std::to_string(c.pos) +
                       ", a log that differs from the global sequence there (found by the hash "
                       "of its log: those positions were no longer kept one by one)");
}

void TotalOrderChecker::report(const Step& step, NodeRef node, const Delivery& delivery,
                               std::uint64_t pos) {
  const Entry& entry = global_[pos - base_];
  std::vector<NodeId> nodes{node.id};
  if (entry.first.id != node.id) nodes.push_back(entry.first.id);
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   describe(node) + " delivered " + describe(delivery) + " at position " +
                       std::to_string(pos + 1) + ", but position " + std::to_string(pos + 1) +
                       " of the global sequence is " + describe(entry.delivery) +
                       ", first delivered by " + describe(entry.first) + " at step " +
                       std::to_string(entry.step));
}

// Drops the entries below the slowest live node's position (O(nodes) every trim_period
// deliveries). With no live node at all, everything may go: a restart rejoins by hash.
void TotalOrderChecker::trim() {
  since_trim_ = 0;
  std::uint64_t keep_from = global_length();
  cursors_.for_each([&](NodeId, Cursor& c) {
    if (c.live && c.pos < keep_from) keep_from = c.pos;
  });
  while (base_ < keep_from) {
    base_chain_ = global_.front().chain;
    global_.pop_front();
    ++base_;
  }
}

}  // namespace ry
