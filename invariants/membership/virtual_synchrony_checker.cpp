#include "invariants/membership/virtual_synchrony_checker.hpp"

#include <string>
#include <vector>

#include "invariants/describe.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::membership {

namespace {

std::string describe_segment(std::uint64_t count, std::uint64_t digest,
                             const std::optional<MsgId>& last) {
  return std::to_string(count) + (count == 1 ? " message" : " messages") +
         (last ? ", last " + describe(*last) : std::string()) + ", digest " +
         describe_digest(digest);
}

}  // namespace

VirtualSynchronyChecker::NodeState& VirtualSynchronyChecker::state(NodeRef node) {
  NodeState& s = nodes_.at(node.id);
  if (s.incarnation != node.incarnation) {
    // A new life: what it delivered in its last view before the crash is not comparable.
    s.incarnation = node.incarnation;
    s.segment.reset();
    s.highest_earlier = s.highest;
  }
  return s;
}

void VirtualSynchronyChecker::on_deliver(const Step&, NodeRef node, const Delivery& delivery) {
  NodeState& s = state(node);
  if (!s.segment) return;
  ++checks_;
  Segment& segment = *s.segment;
  ++segment.count;
  segment.digest = log_digest(segment.digest, delivery);
  segment.last = delivery.id;
}

void VirtualSynchronyChecker::on_view(const Step& step, NodeRef node, const ViewInstall& install) {
  ++checks_;
  NodeState& s = state(node);
  // A view id that does not rise is primary_component's to report; it ends the segment here.
  // Only consecutive ids are a transition the node made as a member: one that skips ids was left
  // out of the views between and came back by a state transfer (TRAINS re-admission), whose note
  // the simulator reports after the install of the same step.
  if (s.segment && s.segment->view.value + 1 == install.view.value) {
    pending_.push_back(Pending{node, install.view, *s.segment});
  }
  s.segment.reset();
  if (!s.highest_earlier || *s.highest_earlier < install.view) {
    s.segment = Segment{install.view, 0, log_digest_empty, std::nullopt, step.index};
  }
  if (!s.highest || *s.highest < install.view) s.highest = install.view;
  floor_.record(node.id, install.view);
  installed_ = true;
}

void VirtualSynchronyChecker::on_state_transfer(const Step&, NodeRef node, const StateTransfer&) {
  ++checks_;
  state(node).segment.reset();
  std::erase_if(pending_, [&](const Pending& p) { return p.node.id == node.id; });
}

void VirtualSynchronyChecker::after_step(const Step& step) {
  if (!installed_) return;  // nothing to compare or prune in a step without an install
  installed_ = false;
  for (const Pending& p : pending_) compare(step, p.node, p.to, p.segment);
  pending_.clear();
  if (const std::optional<ViewId> floor = floor_.floor()) {
    // No node will install a view below the floor again, so no transition from one can recur.
    transitions_.erase(transitions_.begin(),
                       transitions_.lower_bound(Transition{*floor, ViewId{0}}));
  }
}

void VirtualSynchronyChecker::on_crash(const Step&, NodeRef node) {
  ++checks_;
  state(node).segment.reset();
}

void VirtualSynchronyChecker::compare(const Step& step, NodeRef node, ViewId to,
                                      const Segment& segment) {
  ++checks_;
  const auto [it, inserted] = transitions_.try_emplace(
      Transition{segment.view, to},
      Report{segment.count, segment.digest, segment.last, node, step.index});
  if (inserted) return;
  const Report& first = it->second;
  if (first.count != segment.count || first.digest != segment.digest) {
    report(step, node, to, segment, first);
  }
}

void VirtualSynchronyChecker::report(const Step& step, NodeRef node, ViewId to,
                                     const Segment& segment, const Report& first) {
  std::vector<NodeId> nodes{node.id};
  if (first.node.id != node.id) nodes.push_back(first.node.id);
  const std::string transition = "view " + std::to_string(segment.view.value) +
                                 " before installing view " + std::to_string(to.value);
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   describe(node) + " delivered " +
                       describe_segment(segment.count, segment.digest, segment.last) + " in " +
                       transition + " (installed at step " + std::to_string(segment.install_step) +
                       "), but " + describe(first.node) + " delivered " +
                       describe_segment(first.count, first.digest, first.last) + " in " +
                       transition + " at step " + std::to_string(first.step) +
                       ": members that move to the next view together must have delivered the "
                       "same messages in the view they leave");
}

}  // namespace ry::membership
