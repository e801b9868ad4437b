#include "invariants/raft/lease_checker.hpp"

#include <string>

namespace ry::raft {

void LeaseChecker::check_clocks() {
  for (std::uint32_t i = 0; i < nodes_.size() && armed_; ++i) {
    const std::int64_t ppm = clock_of_(NodeId{i}).drift_ppm();
    if (ppm > drift_ppm_ || ppm < -drift_ppm_) armed_ = false;
  }
}

void LeaseChecker::on_fault(const Step&, const FaultInfo& fault) {
  const std::string_view kind = fault.kind;
  if (kind == "clock_jump") armed_ = false;
  if (kind == "clock_drift" && (fault.value > drift_ppm_ || fault.value < -drift_ppm_)) {
    armed_ = false;
  }
}

// A crash ends the node's leadership and its lease (both are volatile, section 2).
void LeaseChecker::on_crash(const Step&, NodeRef node) {
  if (node.id.value < nodes_.size()) nodes_[node.id.value] = Node{};
}

void LeaseChecker::on_note(const Step& step, NodeRef node, const Note& note) {
  if (node.id.value >= nodes_.size()) return;
  Node& n = nodes_[node.id.value];
  const std::string_view kind = note.kind;
  if (kind == "lease") {
    n.lease_until = Time{note.a};
  } else if (kind == "step_down" || kind == "term") {
    n = Node{};
  } else if (kind == "transfer") {
    n.lease_until = Time{};  // section 5.7: a transferring leader drops its lease
  } else if (kind == "elected") {
    const auto term = static_cast<Term>(note.a);
    check_clocks();
    if (armed_) {
      for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
        const Node& other = nodes_[i];
        if (i == node.id.value || other.leading == 0 || other.leading >= term) continue;
        ++checks_;
        const Time local_now = clock_of_(NodeId{i}).local(step.time);
        if (local_now < other.lease_until) {
          verdict_.violate("lease_safety", step.index, {node.id, NodeId{i}},
                           "node " + std::to_string(node.id.value) + " elected in term " +
                               std::to_string(term) + " while node " + std::to_string(i) +
                               "'s lease of term " + std::to_string(other.leading) +
                               " still holds on its clock for " +
                               std::to_string(other.lease_until.ns - local_now.ns) + " ns");
          return;
        }
      }
    }
    n = Node{term, Time{}};
  }
}

}  // namespace ry::raft
