// View agreement (protocol/trains/README.md section 7): two nodes, in any incarnations, that
// install the same view id install the same member set. The quorum rule of section 5 (step 3: one
// report per view id, and a strict majority of the previous view) is what guarantees it; a
// coordinator that installs without a quorum, or a member that reports to two Gathers for one id,
// breaks it.
//
// The first install of each view id is the reference; every later install of that id is compared
// with it (O(members) per install, nothing per delivery). Memory: one member set per view id,
// dropped once it is below the view floor (views.hpp): every node has installed a higher view, so
// a later install of the id would be a node going back to an older view, which primary_component
// reports. With N unknown every view id is kept (view changes are rare: a few per fault).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "invariants/checker.hpp"
#include "invariants/membership/views.hpp"

namespace ry::membership {

class ViewAgreementChecker final : public Checker {
 public:
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit ViewAgreementChecker(Verdict& verdict, std::uint32_t nodes = 0) noexcept
      : Checker(verdict), floor_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "view_agreement"; }

  void on_view(const Step& step, NodeRef node, const ViewInstall& install) override;

  // View ids whose member set is kept (memory tests).
  [[nodiscard]] std::size_t views_kept() const noexcept { return views_.size(); }

 private:
  void report(const Step& step, NodeRef node, ViewId view, const Members& members,
              const ViewRecord& first);

  std::map<ViewId, ViewRecord> views_;
  ViewFloor floor_;
};

}  // namespace ry::membership
