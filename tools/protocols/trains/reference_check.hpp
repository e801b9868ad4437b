// `--reference` (opt-in, issue 18, "Properties of the spec that no cross-node checker sees"): the
// naive TRAINS of the differential test (protocol/trains/reference.hpp) runs beside every node's
// real core, fed the same inputs (the node's client broadcasts, its issuer start, and the trains
// its link layer hands over: a mirror of the core's receiving Links filters duplicates and keeps
// link order exactly as the core's does), and each node's deliveries must equal the reference's,
// position by position. All nodes could agree on an order the specification forbids, and total
// order, agreement and integrity would still hold; this compares against the spec instead.
//
// The reference models sections 2-3 only: no membership, no restarts, no state transfer. So the
// comparison runs while the ring is the initial one: it stops for good (and says when, in the run
// summary) at the first crash, restart, view change, freeze, exclusion, state transfer or log
// truncation anywhere. In `uto` (a static ring) and fault-free stretches that is the whole run; in
// a `to` swarm run, its first stretch. A mismatch is a safety violation `reference_order` naming
// the node and the position.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/checker.hpp"
#include "protocol/trains/core.hpp"
#include "protocol/trains/link.hpp"
#include "protocol/trains/reference.hpp"

namespace ry::trains {

class ReferenceCheck final : public Checker, public MessageObserver<Message> {
 public:
  ReferenceCheck(Verdict& verdict, const Config& config);

  [[nodiscard]] std::string_view name() const override { return "reference_order"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_timer(const Step& step, NodeRef node, TimerId timer) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from,
                          const Message& message) override;
  void on_view(const Step& step, NodeRef node, const ViewInstall& view) override;
  void on_state_transfer(const Step& step, NodeRef node, const StateTransfer& t) override;
  void on_truncate(const Step& step, NodeRef node, const LogTruncation& t) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_restart(const Step& step, NodeRef node) override;
  void on_status(const Step& step, NodeRef node, const Status& status) override;
  void after_step(const Step& step) override;

  // For the run summary: how far the comparison went.
  [[nodiscard]] std::string describe() const;

 private:
  struct PerNode {
    Reference ref;
    Links<Message> mirror;       // the receiving side of the core's links, replayed
    std::deque<MsgId> core;      // delivered by the core, not yet compared
    std::deque<MsgId> spec;      // delivered by the reference, not yet compared
    std::uint64_t position = 0;  // deliveries compared so far
  };
  void take(PerNode& n, const ReferenceOutput& out);
  void disarm(const Step& step, std::string why);

  Config config_;
  std::vector<PerNode> nodes_;
  bool armed_ = true;
  std::string disarmed_;  // why and when it stopped
  std::uint64_t compared_ = 0;
};

}  // namespace ry::trains
