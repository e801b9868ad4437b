#include "invariants/membership/uniform_agreement_checker.hpp"

#include <algorithm>
#include <utility>

#include "invariants/describe.hpp"

namespace ry::membership {

namespace {

bool contains(const std::vector<NodeId>& sorted, NodeId node) {
  return std::binary_search(sorted.begin(), sorted.end(), node);
}

}  // namespace

UniformAgreementChecker::UniformAgreementChecker(Verdict& verdict, std::uint32_t nodes)
    : Checker(verdict) {
  members_.reserve(nodes);
  for (std::uint32_t i = 0; i < nodes; ++i) members_.push_back(NodeId{i});
}

bool UniformAgreementChecker::is_member(NodeId node) const { return contains(members_, node); }

template <class F>
void UniformAgreementChecker::sweep(F&& f) {
  for (auto rank = order_.begin(); rank != order_.end();) {
    ++checks_;
    const auto it = tracked_.find(rank->second);
    ++rank;  // before f, which may retire the message and erase its rank
    f(it);
  }
}

void UniformAgreementChecker::on_deliver(const Step& step, NodeRef node, const Delivery& delivery) {
  ++checks_;
  std::uint64_t& position = positions_.at(node.id);
  ++position;
  if (retired_.contains(delivery.id)) return;  // every member held it already
  auto [it, inserted] = tracked_.try_emplace(delivery.id);
  Tracked& t = it->second;
  if (inserted) {
    t.position = position;
    t.first = node;
    t.step = step.index;
    t.order = next_order_++;
    order_.emplace(t.order, delivery.id);
  }
  if (!t.holders.insert(node.id) || !is_member(node.id)) return;
  ++t.members_holding;
  if (t.members_holding == members_.size()) retire(it);
}

void UniformAgreementChecker::on_view(const Step&, NodeRef, const ViewInstall& install) {
  ++checks_;
  if (view_ && install.view <= *view_) return;
  view_ = install.view;
  members_ = normalized(install.members);
  sweep([this](Table::iterator it) { recount(it); });
}

void UniformAgreementChecker::on_state_transfer(const Step&, NodeRef node,
                                                const StateTransfer& transfer) {
  ++checks_;
  const std::uint64_t end = transfer.position;
  positions_.at(node.id) = end;
  // The node's log is now positions 1..end: it holds exactly the messages at those positions.
  sweep([&](Table::iterator it) {
    Tracked& t = it->second;
    if (t.position <= end ? t.holders.insert(node.id) : t.holders.erase(node.id)) recount(it);
  });
}

void UniformAgreementChecker::recount(Table::iterator it) {
  Tracked& t = it->second;
  t.members_holding = 0;
  for (const NodeId member : members_) {
    if (t.holders.contains(member)) ++t.members_holding;
  }
  if (!members_.empty() && t.members_holding == members_.size()) retire(it);
}

void UniformAgreementChecker::retire(Table::iterator it) {
  const Tracked& t = it->second;
  if (t.position > retired_position_) {
    retired_position_ = t.position;
    retired_id_ = it->first;
  }
  retired_.insert(it->first);
  order_.erase(t.order);
  tracked_.erase(it);
}

std::optional<std::string> UniformAgreementChecker::check_converged(
    std::uint64_t step, std::span<const NodeId> live_nodes) {
  std::vector<NodeId> checked;
  const auto live = [&live_nodes](NodeId node) {
    return std::find(live_nodes.begin(), live_nodes.end(), node) != live_nodes.end();
  };
  if (view_ || !members_.empty()) {
    for (const NodeId member : members_) {
      if (live(member)) checked.push_back(member);
    }
  } else {
    checked = normalized(std::vector<NodeId>(live_nodes.begin(), live_nodes.end()));
  }
  const std::string of_view =
      view_ ? ", a member of view " + std::to_string(view_->value) + " (the last installed)," : "";
  const auto log_length = [this](NodeId node) {
    const std::uint64_t* position = positions_.find(node);
    return position == nullptr ? std::uint64_t{0} : *position;
  };
  for (const auto& ranked : order_) {
    const Tracked& t = tracked_.at(ranked.second);
    for (const NodeId member : checked) {
      ++checks_;
      if (t.holders.contains(member)) continue;
      std::vector<NodeId> nodes{member};
      if (t.first.id != member) nodes.push_back(t.first.id);
      return report(step,
                    describe(ranked.second) + " was delivered by " + describe(t.first) +
                        " at step " + std::to_string(t.step) + " (at its position " +
                        std::to_string(t.position) + "), but node " + std::to_string(member.value) +
                        of_view + " never delivered it (its log has " +
                        std::to_string(log_length(member)) +
                        " positions): a delivered message must reach every later member",
                    std::move(nodes));
    }
  }
  for (const NodeId member : checked) {
    ++checks_;
    if (log_length(member) >= retired_position_) continue;
    return report(step,
                  "node " + std::to_string(member.value) + of_view + " has a log of " +
                      std::to_string(log_length(member)) + " positions, but " +
                      (retired_id_ ? describe(*retired_id_) : std::string("a message")) +
                      " was delivered at position " + std::to_string(retired_position_) +
                      " and held by every member of an earlier view: a delivered message must "
                      "reach every later member",
                  {member});
  }
  return std::nullopt;
}

std::string UniformAgreementChecker::report(std::uint64_t step, const std::string& detail,
                                            std::vector<NodeId> nodes) {
  verdict_.violate(std::string(name()), step, std::move(nodes), detail);
  return detail;
}

}  // namespace ry::membership
