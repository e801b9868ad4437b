#include "invariants/ring/token_checker.hpp"

#include <cstdint>
#include <vector>

#include "invariants/describe.hpp"
#include "protocol/common/assert.hpp"

namespace ry::ring {

TokenChecker::TokenChecker(Verdict& verdict, std::uint32_t node_count) noexcept
    : Checker(verdict), node_count_(node_count) {
  RY_ASSERT(node_count > 0);
}

void TokenChecker::on_note(const Step& step, NodeRef node, const Note& note) {
  ++checks_;
  // Compared by content: a literal from another translation unit need not share its address.
  if (note.kind == nullptr || std::string_view(note.kind) != "accept") return;
  check_accept(step, node, note.a, note.b);
}

void TokenChecker::check_accept(const Step& step, NodeRef node, std::int64_t hop,
                                std::int64_t lap) {
  ++checks_;
  if (hop < 1) {
    report(step, node, hop, lap, "hops count from 1");
    return;
  }
  ++checks_;
  if (hop < next_hop_) {
    report(step, node, hop, lap,
           "hop " + std::to_string(hop) + " repeated (a second token or a re-accept): hops up to " +
               std::to_string(next_hop_ - 1) + " were already accepted, the last by " +
               describe(last_node_) + " at step " + std::to_string(last_step_));
    return;  // the expected next hop stays: the token that was in order is still owed
  }
  ++checks_;
  if (hop > next_hop_) {
    report(step, node, hop, lap,
           "gap: expected hop " + std::to_string(next_hop_) + " but got hop " +
               std::to_string(hop) + " (the last accepted hop was by " + describe(last_node_) +
               " at step " + std::to_string(last_step_) + ")");
  }
  // hop >= next_hop_ >= 1 here, so the division and the remainder below are well defined.
  const std::int64_t at = hop % node_count_;
  const std::int64_t expected_lap = hop / node_count_;
  ++checks_;
  if (node.id.value != at) {
    report(step, node, hop, lap,
           "hop " + std::to_string(hop) + " must be accepted at node " + std::to_string(at));
  }
  ++checks_;
  if (lap != expected_lap) {
    report(step, node, hop, lap,
           "hop " + std::to_string(hop) + " belongs to lap " + std::to_string(expected_lap));
  }
  // Saturates on an absurd hop rather than overflow: every later hop is then a repeat.
  next_hop_ = hop < INT64_MAX ? hop + 1 : hop;
  last_node_ = node;
  last_step_ = step.index;
  any_accepted_ = true;
}

void TokenChecker::report(const Step& step, NodeRef node, std::int64_t hop, std::int64_t lap,
                          const std::string& what) {
  std::vector<NodeId> nodes{node.id};
  if (any_accepted_ && last_node_.id != node.id) nodes.push_back(last_node_.id);
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   describe(node) + " accepted the token with hop " + std::to_string(hop) +
                       " lap " + std::to_string(lap) + ": " + what);
}

}  // namespace ry::ring
