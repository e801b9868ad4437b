#include "invariants/membership/primary_component_checker.hpp"

#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "invariants/describe.hpp"

namespace ry::membership {

void PrimaryComponentChecker::on_view(const Step& step, NodeRef node, const ViewInstall& install) {
  check_rise(step, node, install.view, nodes_.at(node.id));
  floor_.record(node.id, install.view);
  const auto [it, inserted] =
      views_.try_emplace(install.view, ViewRecord{normalized(install.members), node, step.index});
  if (inserted) {
    if (it != views_.begin()) {
      const auto previous = std::prev(it);
      check_majority(step, it->first, it->second, previous->first, previous->second);
    }
    // A view observed below one observed before: it is that one's predecessor now.
    if (const auto next = std::next(it); next != views_.end()) {
      check_majority(step, next->first, next->second, it->first, it->second);
    }
  }
  if (const std::optional<ViewId> floor = floor_.floor()) {
    views_.erase(views_.begin(), views_.lower_bound(*floor));
  }
}

void PrimaryComponentChecker::check_rise(const Step& step, NodeRef node, ViewId view,
                                         NodeViews& seen) {
  ++checks_;
  if (!seen.installed) {
    seen = NodeViews{true, view, node.incarnation, step.index};
    return;
  }
  const bool same_life = node.incarnation == seen.incarnation;
  // Within a life the id must rise; a restarted node may announce its recovered view again.
  const bool ok = same_life ? seen.highest < view : seen.highest <= view;
  if (!ok) {
    const std::string where = "view " + std::to_string(seen.highest.value) + " in incarnation " +
                              std::to_string(seen.incarnation) + " at step " +
                              std::to_string(seen.step);
    verdict_.violate(
        std::string(name()), step.index, {node.id},
        describe(node) + " installed view " + std::to_string(view.value) + " after installing " +
            where +
            (same_life ? ": view ids must rise at a node"
                       : ": a restarted node went back to an older view (it could report again "
                         "for a view id it already reported to, and form a second quorum)"));
    return;
  }
  if (seen.highest < view) seen = NodeViews{true, view, node.incarnation, step.index};
  seen.incarnation = node.incarnation;
}

void PrimaryComponentChecker::check_majority(const Step& step, ViewId view,
                                             const ViewRecord& record, ViewId previous,
                                             const ViewRecord& previous_record) {
  ++checks_;
  const std::size_t common = common_count(record.members, previous_record.members);
  if (2 * common > previous_record.members.size()) return;
  std::vector<NodeId> nodes{record.first.id};
  if (previous_record.first.id != record.first.id) nodes.push_back(previous_record.first.id);
  verdict_.violate(
      std::string(name()), step.index, std::move(nodes),
      "view " + std::to_string(view.value) + " " + describe_members(record.members) +
          " (first installed by " + describe(record.first) + " at step " +
          std::to_string(record.step) + ") holds " + std::to_string(common) + " of the " +
          std::to_string(previous_record.members.size()) + " members of view " +
          std::to_string(previous.value) + " " + describe_members(previous_record.members) +
          ", the view before it (first installed by " + describe(previous_record.first) +
          " at step " + std::to_string(previous_record.step) +
          "): not a strict majority, so another side could install a view too (split brain)");
}

}  // namespace ry::membership
