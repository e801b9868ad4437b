// Bounded progress (issue 18, "No progress check while faults are on"): during the safety phase,
// in any stretch with no new fault long enough for the protocol's timeouts, accepted client
// requests keep completing and their latency stays within a bound. Without it a stall while faults
// are on is forgiven as long as the liveness phase converges.
//
// A request is pending from the moment a node receives it (on_client) until it completes: the
// node answers it with anything but `accepted` (ok, fail, rejected, not_leader, delivered), or
// some node delivers its payload (payload_id). A pending request accepted at time a must complete
// by
//     deadline = max(a, recovered) + latency
//     recovered = min(quiet + recovery_max, first time >= quiet + detect at which the protocol
//                 reports itself settled)
// where `quiet` is when the last fault's effect ended (the fault's own time; a pause, a clog or a
// slow disk holds until its time plus its duration; a cut or a partition holds until its heal,
// and nothing is owed while one holds; a crash is masked by protocols that go on without the
// node, so it counts at its time, and its restart is a fault too). `detect` is how long the
// protocol may take to notice what the last fault left (a failure detector's timeout),
// `recovery_max` the longest its repair may take (a view change, an election), `settled` a
// predicate on the nodes' status telemetry (TRAINS: every up node in one view, none frozen, none
// out), and `latency` the time one request takes when nothing is wrong. All come from the
// protocol's own parameters, through its driver (TRAINS:
// tools/protocols/trains/progress_bounds.hpp). So a request accepted in a settled quiet stretch
// owes `latency`; one accepted during a fault owes at most `recovery_max + latency` after the fault
// ends, less when the protocol repairs itself sooner.
//
// A request whose node crashes is forgotten (that incarnation's memory is gone; a kv client retries
// it elsewhere, which starts it afresh), and a retry restarts its clock. The checker stops when
// the driver calls stop() (the liveness phase, which the liveness check owns). A violation names
// the node holding the oldest stalled request and, through the driver's `explain`, what that node
// is waiting for (its view, its links' unacknowledged messages: the stalled link).
// Cost: O(log pending) per request event, O(1) per step (only the oldest request is examined:
// every pending request shares `recovered`, so the oldest has the earliest deadline).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "invariants/checker.hpp"

namespace ry {

struct ProgressBounds {
  Nanos detect_ns = 0;        // after the last fault ends, before a settled protocol counts
  Nanos recovery_max_ns = 0;  // after the last fault ends, the longest a repair may take
  Nanos latency_ns = 0;       // one request, nothing wrong
  std::string derivation;     // how they were derived, for the violation's detail
  // The protocol is in its normal state (from each node's last status and which nodes are up).
  // Null: never known to be settled, so recovery always takes recovery_max.
  bool (*settled)(std::span<const Status> status, std::span<const std::uint8_t> up) = nullptr;
  // A crash ends the property for good (a protocol that halts without every node, by its spec).
  bool crash_stops = false;
  // Faults that leave no outage (a drift change; a torn, corrupted or misdirected write, which
  // only matters at a restart, itself a fault) do not end a quiet stretch.
  bool light_faults = true;
};

class ProgressChecker final : public Checker {
 public:
  // `explain(node)`: one line about what the stalled node waits for (may be empty).
  using Explain = std::function<std::string(NodeId)>;

  ProgressChecker(Verdict& verdict, std::uint32_t nodes, ProgressBounds bounds,
                  Explain explain = {})
      : Checker(verdict),
        bounds_(std::move(bounds)),
        explain_(std::move(explain)),
        status_(nodes),
        up_(nodes, 1) {}

  [[nodiscard]] std::string_view name() const override { return "bounded_progress"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_reply(const Step& step, NodeRef node, const ClientReply& reply) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_restart(const Step& step, NodeRef node) override;
  void on_status(const Step& step, NodeRef node, const Status& status) override;
  void on_fault(const Step& step, const FaultInfo& fault) override;
  void after_step(const Step& step) override;

  // The liveness phase begins: no more checks (and no more bookkeeping).
  void stop() noexcept {
    stopped_ = true;
    pending_.clear();
    by_age_.clear();
  }

  // For the run summary: the longest a request took past max(accepted, recovered), over the
  // requests that completed (how close the run came to the latency bound).
  [[nodiscard]] Nanos worst_ns() const noexcept { return worst_ns_; }
  [[nodiscard]] std::uint64_t completed() const noexcept { return completed_; }
  [[nodiscard]] const ProgressBounds& bounds() const noexcept { return bounds_; }

 private:
  struct Pending {
    NodeRef node;
    Time accepted;
    RequestId request;
  };
  void complete(Time now, MsgId id);
  void update_settled(Time now);
  [[nodiscard]] Time recovered() const;

  ProgressBounds bounds_;
  Explain explain_;
  bool stopped_ = false;
  Time quiet_{0};
  // Link faults in force: a cut or a partition lasts until its heal, and while one holds the
  // stretch is not quiet (a uto ring, or a `to` minority, cannot progress across it).
  std::int64_t cuts_ = 0;
  bool partition_ = false;
  std::vector<Status> status_;
  std::vector<std::uint8_t> up_;
  bool settled_ = false;
  Time settled_since_{0};
  std::map<MsgId, Pending> pending_;
  std::set<std::pair<Time, MsgId>> by_age_;  // the oldest pending request first
  Nanos worst_ns_ = 0;
  std::uint64_t completed_ = 0;
};

}  // namespace ry
