#include "invariants/membership/view_agreement_checker.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "invariants/describe.hpp"

namespace ry::membership {

void ViewAgreementChecker::on_view(const Step& step, NodeRef node, const ViewInstall& install) {
  ++checks_;
  Members members = normalized(install.members);
  floor_.record(node.id, install.view);
  const auto found = views_.find(install.view);
  if (found == views_.end()) {
    views_.emplace(install.view, ViewRecord{std::move(members), node, step.index});
  } else {
    ++checks_;
    if (found->second.members != members) {
      report(step, node, install.view, members, found->second);
    }
  }
  if (const std::optional<ViewId> floor = floor_.floor()) {
    views_.erase(views_.begin(), views_.lower_bound(*floor));
  }
}

void ViewAgreementChecker::report(const Step& step, NodeRef node, ViewId view,
                                  const Members& members, const ViewRecord& first) {
  Members only_here;
  Members only_there;
  std::set_difference(members.begin(), members.end(), first.members.begin(), first.members.end(),
                      std::back_inserter(only_here));
  std::set_difference(first.members.begin(), first.members.end(), members.begin(), members.end(),
                      std::back_inserter(only_there));
  std::vector<NodeId> nodes{node.id};
  if (first.first.id != node.id) nodes.push_back(first.first.id);
  verdict_.violate(std::string(name()), step.index, std::move(nodes),
                   describe(node) + " installed view " + std::to_string(view.value) +
                       " with members " + describe_members(members) + ", but " +
                       describe(first.first) + " installed view " + std::to_string(view.value) +
                       " with members " + describe_members(first.members) + " at step " +
                       std::to_string(first.step) + " (only here: " + describe_members(only_here) +
                       ", only there: " + describe_members(only_there) +
                       "): two views with one id, so two quorums were formed for it");
}

}  // namespace ry::membership
