// Uniform agreement (protocol/trains/README.md section 7): a message delivered by any node, even
// one that crashed right after, is delivered by every member of every later view, once the run is
// healed and quiet. In TRAINS it is rule G0's job (deliver only once f + 1 members hold the closed
// content, so some report of the next view change holds it; bug U1, an issuer that delivers alone
// and crashes, breaks it) and the plan's (bug B10).
//
// During the run the checker only records: per message, the position at which it was first
// delivered and the nodes that hold it (O(log N) per delivery). A node holds a message when it
// delivered it (in any incarnation: a restarted node recovers its log) or when a state transfer
// gave it a log that covers the message's position (StateTransfer, effects.hpp); a transfer to a
// shorter log takes away the messages above its end. At the end of a healed, quiet phase the runner
// calls check_converged, which reports the first message (in order of first delivery) that some
// member of the last installed view does not hold, as a safety violation.
//
// Memory follows in-flight work: a message is tracked until every member of the current view (the
// highest view installed anywhere) holds it; then it retires into per-sender seq intervals
// (id_intervals.hpp) and only the highest position of a retired message is kept. Any member of a
// later view must have a log at least that long: with uniform total order (checked by its own
// checker) a log that long holds every retired message at its position. A message delivered only
// outside the current view stays tracked until the view's members hold it. With no view installed
// (a protocol without membership), the members are nodes 0..N-1 if N is given, else nothing
// retires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/membership/id_intervals.hpp"
#include "invariants/membership/node_set.hpp"
#include "invariants/membership/views.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/node_table.hpp"

namespace ry::membership {

class UniformAgreementChecker final : public Checker {
 public:
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit UniformAgreementChecker(Verdict& verdict, std::uint32_t nodes = 0);

  [[nodiscard]] std::string_view name() const override { return "uniform_agreement"; }

  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_view(const Step& step, NodeRef node, const ViewInstall& install) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& transfer) override;

  // Called once, when a healed phase has gone quiet (after validity has converged, so that a
  // missing message is not just a slow one). Checks the members of the last installed view that
  // are among `live_nodes` (a member that is down cannot be blamed), or every live node if no
  // view was installed. Records the first missing message as a violation at `step` and returns
  // its one-line detail; nullopt if every checked member holds every delivered message. Walks
  // every tracked message: O(tracked x members).
  std::optional<std::string> check_converged(std::uint64_t step,
                                             std::span<const NodeId> live_nodes);

  // Messages tracked (not yet held by every member of the current view), retired intervals.
  [[nodiscard]] std::size_t tracked() const noexcept { return tracked_.size(); }
  [[nodiscard]] std::size_t retired_intervals() const { return retired_.intervals(); }

 private:
  struct Tracked {
    std::uint64_t position = 0;  // in the log of its first deliverer, from 1
    NodeRef first;
    std::uint64_t step = 0;
    std::uint64_t order = 0;  // rank of its first delivery: reports are deterministic
    NodeSet holders;
    std::size_t members_holding = 0;
  };

  using Table = std::unordered_map<MsgId, Tracked, MsgIdHash>;

  [[nodiscard]] bool is_member(NodeId node) const;
  // Recounts `t.members_holding`; retires the message if every member holds it.
  void recount(Table::iterator it);
  void retire(Table::iterator it);
  // Calls f(iterator) for every tracked message in order of first delivery; f may retire it.
  template <class F>
  void sweep(F&& f);
  std::string report(std::uint64_t step, const std::string& detail, std::vector<NodeId> nodes);

  // Probed per delivery; iterated only through order_, so hash order never reaches an output.
  Table tracked_;
  std::map<std::uint64_t, MsgId> order_;  // first-delivery rank -> id
  std::uint64_t next_order_ = 0;
  IdIntervals retired_;
  std::uint64_t retired_position_ = 0;  // the highest position of a retired message
  std::optional<MsgId> retired_id_;     // the message at that position, for the detail
  NodeTable<std::uint64_t> positions_;  // each node's log length
  std::optional<ViewId> view_;          // the highest view installed anywhere
  Members members_;                     // its members, or nodes 0..N-1 before any view
};

}  // namespace ry::membership
