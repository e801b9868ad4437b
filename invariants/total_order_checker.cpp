#include "invariants/total_order_checker.hpp"

#include <string>

#include "invariants/describe.hpp"
#include "protocol/common/assert.hpp"

namespace ry {

namespace {

bool same(const Delivery& a, const Delivery& b) noexcept {
  return a.id == b.id && a.digest == b.digest;
}

}  // namespace

TotalOrderChecker::TotalOrderChecker(Verdict& verdict, BugSet bugs) noexcept
    : Checker(verdict), b2_(bugs.has(Bug::B2)) {}

std::uint64_t TotalOrderChecker::position(NodeId node) const noexcept {
  const std::uint64_t* pos = positions_.find(node);
  return pos == nullptr ? 0 : *pos;
}

void TotalOrderChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  std::uint64_t& pos = positions_.at(node.id);
  // Every node's position is at most the global length: the first node to reach a position
  // appends it. This is what makes global_[pos] safe below.
  RY_ASSERT(pos <= global_.size());
  if (b2_) {
    check_b2(step, node, delivery, pos);
  } else {
    check_guarded(step, node, delivery, pos);
  }
  ++pos;
  RY_ASSERT(pos <= global_.size());
}

// The correct prefix test: the length guard tells a position some node already reached (compare)
// from a new one (append).
void TotalOrderChecker::check_guarded(const Step& step, NodeRef node, const Delivery& delivery,
                                      std::uint64_t pos) {
  ++checks_;
  if (pos < global_.size()) {
    ++checks_;
    if (!same(global_[pos].delivery, delivery)) report(step, node, delivery, pos);
    return;
  }
  global_.push_back(Entry{delivery, node, step.index});
}

// Bug B2 (trains.md section 8): the prefix test without the length guard. Lacking the test
// `pos < global.size()`, the faulty checker "made the index valid" by growing the sequence to
// pos + 1 and then wrote the head slot instead of comparing it:
//   if (pos + 1 >= global.size()) { global.resize(pos + 1); global[pos] = d; } else compare
// Here that is reproduced without reading or writing out of bounds: a delivery at the newest
// position overwrites it, so two nodes that diverge at the head of the sequence (the usual shape
// of a split brain: the second node delivers right after the first) are never reported. The
// checker's own tests catch this (total_order_checker_test.cpp, "B2 caught by the checker tests").
void TotalOrderChecker::check_b2(const Step& step, NodeRef node, const Delivery& delivery,
                                 std::uint64_t pos) {
  ++checks_;
  if (pos + 1 >= global_.size()) {
    if (pos == global_.size()) global_.push_back(Entry{});
    global_[pos] = Entry{delivery, node, step.index};
    return;
  }
  ++checks_;
  if (!same(global_[pos].delivery, delivery)) report(step, node, delivery, pos);
}

void TotalOrderChecker::report(const Step& step, NodeRef node, const Delivery& delivery,
                               std::uint64_t pos) {
  const Entry& entry = global_[pos];
  std::vector<NodeId> nodes{node.id};
  if (entry.first.id != node.id) nodes.push_back(entry.first.id);
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   describe(node) + " delivered " + describe(delivery) + " at position " +
                       std::to_string(pos + 1) + ", but position " + std::to_string(pos + 1) +
                       " of the global sequence is " + describe(entry.delivery) +
                       ", first delivered by " + describe(entry.first) + " at step " +
                       std::to_string(entry.step));
}

}  // namespace ry
