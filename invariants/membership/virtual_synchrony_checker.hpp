// Virtual synchrony (protocol/trains/README.md section 7): members that install view v and then
// view v + 1 (consecutive installs at one node incarnation) delivered the same messages while in v.
// A node whose next install skips ids was not a member of the views between: it was excluded and
// came back by a state transfer, so it is not compared. In TRAINS this is what the frozen delivery
// and the plan of a view change are for (section 5): every member of the next view applies the same
// plan, in key order, before it installs it (bugs B10 and B12 break it).
//
// Checked incrementally: each node incarnation folds the messages it delivers while in its current
// view into a digest and a count (delivery order is total, so the order-dependent log digest of
// the StateTransfer effect serves, at one hash per delivery); when it installs w coming from v, it
// compares them with those of the first node that made the same transition v -> w. Only that
// first report is kept per transition, and a transition is dropped once it is below the view floor
// (views.hpp: no node will install v again), so memory follows view changes in progress.
//
// What counts as "in v": the deliveries reported after the node's install of v and before its
// install of w. The simulator reports a step's deliveries before its view installs, so the plan a
// core applies in the step that installs w counts in v, as section 5 wants. A core must therefore
// not deliver messages of w in the step that installs w.
//
// Not compared, because the node did not see all of v by itself:
//   - a node that crashes in v (its segment ends with the crash);
//   - a restarted node in a view it had already installed before the crash (the view it recovered
//     from its disk and announces again): its deliveries in v before the crash are in an earlier
//     incarnation;
//   - a node that receives a state transfer while in v (StateTransfer, effects.hpp): part of its
//   log in v
//     came from the donor;
//   - a node that installs w with a state transfer, even coming from v (a member of v re-admitted
//     as a joiner of w, e.g. after a restart): its log was replaced. The simulator reports the
//     transfer's note after the install of the same step, so a transition is compared after the
//     step (after_step), unless such a note came in between.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/membership/views.hpp"
#include "invariants/node_table.hpp"

namespace ry::membership {

class VirtualSynchronyChecker final : public Checker {
 public:
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit VirtualSynchronyChecker(Verdict& verdict, std::uint32_t nodes = 0) noexcept
      : Checker(verdict), floor_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "virtual_synchrony"; }

  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_view(const Step& step, NodeRef node, const ViewInstall& install) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;
  void on_crash(const Step& step, NodeRef node) override;
  void after_step(const Step& step) override;

  // Transitions (v -> w) whose first report is kept (memory tests).
  [[nodiscard]] std::size_t transitions_kept() const noexcept { return transitions_.size(); }

 private:
  // What one node incarnation delivered in its current view so far.
  struct Segment {
    ViewId view;
    std::uint64_t count = 0;
    std::uint64_t digest = 0;
    std::optional<MsgId> last;  // the last message delivered in the view, for the detail
    std::uint64_t install_step = 0;
  };
  struct NodeState {
    std::uint32_t incarnation = 0;
    std::optional<Segment> segment;         // none: no view, or not comparable (see above)
    std::optional<ViewId> highest;          // over all incarnations
    std::optional<ViewId> highest_earlier;  // over the incarnations before `incarnation`
  };
  struct Report {
    std::uint64_t count = 0;
    std::uint64_t digest = 0;
    std::optional<MsgId> last;
    NodeRef node;
    std::uint64_t step = 0;
  };
  using Transition = std::pair<ViewId, ViewId>;
  struct Pending {  // a transition made in this step, compared once the step is over
    NodeRef node;
    ViewId to;
    Segment segment;
  };

  NodeState& state(NodeRef node);
  void compare(const Step& step, NodeRef node, ViewId to, const Segment& segment);
  void report(const Step& step, NodeRef node, ViewId to, const Segment& segment,
              const Report& first);

  NodeTable<NodeState> nodes_;
  std::map<Transition, Report> transitions_;
  std::vector<Pending> pending_;
  bool installed_ = false;  // a view was installed in the current step
  ViewFloor floor_;
};

}  // namespace ry::membership
