// Primary component (protocol/trains/README.md section 7): each installed view contains a strict
// majority of the previous one, and view ids only rise at a node. Section 5's quorum rule: the
// coordinator installs a new view only with reports from a strict majority of the previous view,
// all of them members of the new one; two majorities of one view share a member, so at most one
// side of a partition can move on (bug Q1, no quorum rule, installs views on both sides: split
// brain).
//
// "The previous view" is global: the view with the highest id below it that any node installed,
// whoever installed it and wherever the new view's installer was. Installs of one view reach
// nodes at different times, so views are observed out of order across nodes; the checker keeps
// the member set of each view id (its first install) and, when a view id is observed for the
// first time, checks it against its predecessor among the ids observed so far and checks its
// successor, if one was observed already, against it. So a view whose predecessor has not been
// observed yet is checked when the predecessor is. A check made before a view in between was
// first observed compares with an older view and may report what the view in between would have
// excused; we accept that, because under the quorum rule the coordinator of a view has installed
// its predecessor before it gathers reports for the next id, so a view's predecessor is always
// first observed before the view itself (a view observed below an already observed one means
// its coordinator had not installed the view it claims to follow).
//
// View ids only rise at a node, strictly within an incarnation and across its restarts: a
// restarted node may announce again the view it recovered from its disk, but never a lower one.
// That matters across restarts as much as within a life: the rule "at most one view per id"
// rests on each member reporting to at most one Gather per view id and never going back; a node
// that forgets after a crash that it had moved past view v could report again for an id it
// already reported to (completing a second quorum for one id), rejoin a side that was superseded,
// or accept trains that the new view's floors fence out (protocol/trains/README.md section 5, step
// 5). Every membership checker that trims by the view floor relies on this rule too.
//
// Memory: one member set per view id above the view floor (views.hpp), and one view id per node.
// O(members) per install, nothing per delivery.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "invariants/checker.hpp"
#include "invariants/membership/views.hpp"
#include "invariants/node_table.hpp"

namespace ry::membership {

class PrimaryComponentChecker final : public Checker {
 public:
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit PrimaryComponentChecker(Verdict& verdict, std::uint32_t nodes = 0) noexcept
      : Checker(verdict), floor_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "primary_component"; }

  void on_view(const Step& step, NodeRef node, const ViewInstall& install) override;

  // View ids whose member set is kept (memory tests).
  [[nodiscard]] std::size_t views_kept() const noexcept { return views_.size(); }

 private:
  // The highest view a node has installed, over all its incarnations.
  struct NodeViews {
    bool installed = false;
    ViewId highest;
    std::uint32_t incarnation = 0;  // of the install of `highest`
    std::uint64_t step = 0;
  };

  void check_rise(const Step& step, NodeRef node, ViewId view, NodeViews& seen);
  void check_majority(const Step& step, ViewId view, const ViewRecord& record, ViewId previous,
                      const ViewRecord& previous_record);

  std::map<ViewId, ViewRecord> views_;
  NodeTable<NodeViews> nodes_;
  ViewFloor floor_;
};

}  // namespace ry::membership
