// The TRAINS protocol core (README.md sections 1-4): an I/O-free state machine satisfying
// ry::ProtocolCore. One object is one node in one incarnation.
//
// Timer ids: `issuer_start_timer` (1) creates this issuer's first train after its configured
// start delay; `heartbeat_timer` (2) drives the failure detector and view changes (`to` mode);
// `link_timer_base + peer` (1000 + peer) are the link layer's retransmit timers.
// Membership (README.md section 5) lives in view_change.cpp: heartbeats, suspicion, the exclusion
// view change (Paxos over the old view, see messages.hpp), the plan and the install. Notes
// (observation only): "clock_gap" (issuer, clock, seen), "close" (issuer, clock, payloads), "park"
// (issuer, clock), "stable" (issuer, clock), "stale" (issuer, clock), "dup" (sender, seq),
// "issuer_delivered" (issuer, clock, payloads delivered: an issuer delivered content of its own
// train, in the step before that step's sends leave), "recycled" (issuer, new clock, old clock:
// the issuer created the next train of its slot on a stable key, README.md section 2). The last two
// mark moments a fault may target (crash right after the handler, its sends dropped).
// Membership notes: "gather" (round, base view), "report" (round, base view: a member froze and
// reported), "distrust" (coordinator: it does not hear this node), "propose" (round, members,
// steps), "install" (view, members, plan steps), "excluded" (view: this node is not a member of
// it), "frozen_drop" (issuer, clock: a train dropped while frozen), "stale_admission" (view,
// boundary, issued: an admission whose plan does not cover this joiner's clocks, refused).
// "reserve" (clock: a clock reservation was written, not yet synced), "snapshot_refused"
// (position, own log length: a state transfer that would take this node's log backwards or
// contradict it). Restart (persist.cpp): "recovered" (reserved clock or -1 if lost, records read,
// records that verified), "recovered_log" (log length, view id or -1, log records dropped), then
// "clock_lost" (node) when the reservation is lost.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "protocol/common/assert.hpp"
#include "protocol/common/effects.hpp"
#include "protocol/common/kv_store.hpp"
#include "protocol/common/protocol_core.hpp"
#include "protocol/common/status.hpp"
#include "protocol/trains/config.hpp"
#include "protocol/trains/durable.hpp"
#include "protocol/trains/flat_map.hpp"
#include "protocol/trains/link.hpp"
#include "protocol/trains/messages.hpp"
#include "protocol/trains/plan.hpp"
#include "protocol/trains/seq_filter.hpp"
#include "protocol/trains/view.hpp"

namespace ry::trains {

class Core {
 public:
  using Config = trains::Config;
  using Message = trains::Message;
  using Fx = Effects<Message>;

  static constexpr TimerId issuer_start_timer{1};
  static constexpr TimerId heartbeat_timer{2};
  static constexpr TimerId replay_timer{3};
  static constexpr TimerId flush_timer{4};
  // Durable state (persist.cpp): appended records are synced at most this much later, and the
  // disk is compacted after this many appended records.
  static constexpr Nanos flush_delay = ms_ns;
  static constexpr std::size_t compact_after = 256;
  // Back-pressure: a member turns clients away while this many broadcasts wait for a train.
  static constexpr std::size_t pending_max = 4096;
  static constexpr std::uint64_t link_timer_base = 1000;

  Core(const Config& config, NodeId self, std::uint64_t node_seed, const Recovery& recovery);

  void on_start(Time now, Fx& fx) noexcept;
  void on_message(NodeId from, const Message& message, Time now, Fx& fx) noexcept;
  // Same, taking the message by value: the simulator moves trains in to save a copy.
  void on_message(NodeId from, Message&& message, Time now, Fx& fx) noexcept;
  void on_timer(TimerId timer, Time now, Fx& fx) noexcept;
  void on_disk_synced(Time now, Fx& fx) noexcept;
  void on_client(const ClientRequest& request, Time now, Fx& fx) noexcept;
  [[nodiscard]] std::uint64_t state_digest() const noexcept;

  // Read-only inspection for checkers and tests.
  [[nodiscard]] NodeId self() const noexcept { return self_; }
  [[nodiscard]] const View& view() const noexcept { return view_; }
  [[nodiscard]] std::uint64_t seen(std::uint32_t issuer) const { return slot(issuer).seen; }
  [[nodiscard]] std::uint64_t done_upto(std::uint32_t issuer) const {
    return slot(issuer).done_upto;
  }
  [[nodiscard]] std::uint64_t stable(std::uint32_t issuer) const { return slot(issuer).stable; }
  [[nodiscard]] std::uint64_t floor(std::uint32_t issuer) const { return slot(issuer).floor; }
  [[nodiscard]] std::uint64_t issued() const noexcept { return issued_; }
  [[nodiscard]] bool is_issuer() const noexcept { return self_.value < config_.trains; }
  [[nodiscard]] std::size_t held_count() const noexcept { return held_.size(); }
  [[nodiscard]] std::size_t parked_count() const noexcept { return parked_.size(); }
  [[nodiscard]] std::size_t pending_count() const noexcept { return pending_.size(); }
  // In key order.
  [[nodiscard]] const std::vector<Key>& parked() const noexcept { return parked_; }
  [[nodiscard]] std::size_t filter_window() const {
    const std::size_t a = known_.window_size();
    const std::size_t b = delivered_.window_size();
    return a > b ? a : b;
  }
  [[nodiscard]] const Links<Message>& links() const noexcept { return links_; }
  // The nodes whose acks close a train: every configured node (uto) or the view (to).
  [[nodiscard]] const std::vector<NodeId>& required_acks() const noexcept;
  // Membership (README.md section 5).
  [[nodiscard]] bool frozen() const noexcept { return frozen_; }
  [[nodiscard]] bool member() const { return view_.contains(self_); }
  [[nodiscard]] bool suspects(NodeId node) const {
    return node.value < suspected_.size() && suspected_[node.value] != 0;
  }
  [[nodiscard]] bool distrusts(NodeId node) const {
    if (node.value >= distrusted_until_.size()) return false;
    const std::optional<Time>& until = distrusted_until_[node.value];
    return until && now_ < *until;
  }
  [[nodiscard]] std::size_t own_in_flight() const noexcept { return own_inflight_.size(); }
  // Out of the view: excluded, behind a newer view, or restarted and not yet re-admitted.
  [[nodiscard]] bool excluded() const noexcept { return excluded_ || behind_ || needs_transfer_; }
  [[nodiscard]] bool clock_lost() const noexcept { return clock_lost_; }
  // The delivered log: its length and running digest (protocol/common/log_digest.hpp).
  [[nodiscard]] std::uint64_t delivered_count() const noexcept { return delivered_count_; }
  [[nodiscard]] std::uint64_t log_digest() const noexcept { return log_digest_; }
  // Telemetry (protocol/common/status.hpp): the view, its size, and whether this node is frozen
  // (a view change is under way) or out of the view. The log position is in the deliveries.
  [[nodiscard]] Status telemetry() const noexcept {
    return Status{}
        .add("view", static_cast<std::int64_t>(view_.id.value))
        .add("members", static_cast<std::int64_t>(view_.members.size()))
        .add("frozen", frozen_ ? 1 : 0)
        .add("out", excluded() ? 1 : 0);
  }
  // The key-value store this node applied its deliveries to (empty unless Config::kv).
  [[nodiscard]] const KvStore& kv() const noexcept { return kv_; }

 private:
  // Per issuer slot (README.md sections 1-5). Everything here is a watermark: no history is kept.
  struct Slot {
    std::uint64_t seen = 0;       // highest clock of this issuer seen here
    std::uint64_t done_upto = 0;  // every clock 1..done_upto is done (G2's watermark)
    std::uint64_t stable = 0;     // every clock 1..stable is stable (README.md section 4)
    std::uint64_t floor = 0;      // trains at or below are of an older view (README.md section 5)
  };
  // A closed train this node holds (README.md sections 2.3-2.4) until its key is done and stable.
  struct Held {
    Train train;
    // Holders of the closed content as this node last saw the train arrive closed; 0 at the
    // closer, which has not seen it arrive closed (nothing is delivered on the visit that
    // appends and acks, README.md section 2).
    std::uint32_t holders_seen = 0;
  };

  // Inline: the checkers read a slot's watermarks after every step.
  [[nodiscard]] const Slot& slot(std::uint32_t issuer) const {
    RY_ASSERT(issuer < slots_.size());
    return slots_[issuer];
  }
  void handle(NodeId from, Message&& message, Fx& fx);
  void handle_train(Train&& train, Fx& fx);
  void handle_open(Train&& train, Fx& fx);
  void handle_closed(Train&& train, Fx& fx);
  void observe_clock(std::uint32_t issuer, std::uint64_t clock, Fx& fx);
  void learn_stable(std::uint32_t issuer, std::uint64_t clock, Fx& fx);
  void observe_payloads(const Train& train);
  void create_train(Fx& fx);
  void load_pending(Train& train);
  [[nodiscard]] bool all_acked(const Train& train) const;
  void close(Train& train, Fx& fx);
  void forward(Train&& train, Fx& fx);
  void park(const Key& key, Fx& fx);
  [[nodiscard]] bool deliverable(const Key& key) const;
  void drain(Fx& fx);
  void deliver_key(const Key& key, Fx& fx);
  void deliver_payloads(const Train& train, Fx& fx);
  // The kv workload (Config::kv; core.cpp).
  bool on_kv_request(const ClientRequest& request, Fx& fx);
  void apply_kv(const Payload& payload, Fx& fx);
  void answer_applied(Fx& fx);

  // Membership (view_change.cpp).
  // A view change this node coordinates: phase 1 collects answers, phase 2 acceptances.
  struct Answer {
    NodeReport report;
    std::optional<AcceptedProposal> accepted;
  };
  struct Round {
    Ballot ballot;
    Time started;
    bool accepting = false;
    std::vector<Answer> answers;
    Proposal proposal;
    std::vector<NodeId> acceptors;
  };
  [[nodiscard]] bool membership_on() const noexcept {
    return config_.mode == Config::Mode::to && config_.heartbeat_ns > 0;
  }
  [[nodiscard]] std::size_t majority() const noexcept { return view_.members.size() / 2 + 1; }
  [[nodiscard]] bool handle_membership(NodeId from, Message& message, Fx& fx);
  [[nodiscard]] bool sign_of_life(const Message& message) const;
  void tell_behind(NodeId from, ViewId their_view, std::optional<std::uint32_t> incarnation,
                   Fx& fx);
  void handle_heartbeat(NodeId from, const Heartbeat& heartbeat, Fx& fx);
  void handle_join(NodeId from, const Join& join, Fx& fx);
  void handle_gather(NodeId from, const Gather& gather, Fx& fx);
  void handle_report(NodeId from, ReportMsg&& report, Fx& fx);
  void handle_accept(NodeId from, Accept&& accept, Fx& fx);
  void handle_accepted(NodeId from, const Accepted& accepted, Fx& fx);
  void handle_install(NodeId from, const Install& install, Fx& fx);
  void tick(Fx& fx);
  void maybe_start_round(Fx& fx);
  void start_round(Fx& fx);
  void drive_round(bool resend, Fx& fx);
  void propose(Fx& fx);
  void decide(Fx& fx);
  void promise(const Ballot& ballot);
  void distrust(NodeId coordinator, Fx& fx);
  [[nodiscard]] Report make_report() const;
  void apply_install(const Proposal& proposal, Fx& fx);
  void apply_snapshot(const Install& install, Fx& fx);
  void install_view(const Proposal& proposal, Fx& fx);
  [[nodiscard]] bool fresh_joiner(NodeId node) const;
  void skip_joiners_clocks(Proposal& proposal) const;
  void become_behind();
  void requeue_own_in_flight();
  void hold_future(Train&& train);
  void collect(std::uint32_t issuer);
  [[nodiscard]] bool done(const Key& key) const;
  void check_invariants() const;

  // Durable state (persist.cpp, README.md section 6).
  void recover_disk(const Recovery& recovery);
  void note_recovery(Fx& fx) const;
  [[nodiscard]] bool persisting() const noexcept;
  void persist(const Record& record, Fx& fx);
  void persist_view(Fx& fx);
  void persist_reservation(std::uint64_t clock, Fx& fx);
  void compact(Fx& fx);
  void schedule_flush(Fx& fx);
  void on_flush(Fx& fx);
  std::uint64_t request_sync(Fx& fx);

  Config config_;
  NodeId self_;
  View view_;
  std::vector<NodeId> all_nodes_;  // the uto ack set
  NodeId successor_;
  std::vector<Slot> slots_;
  std::uint64_t issued_ = 0;     // last clock this issuer created (README.md section 5's "issued")
  bool issuer_started_ = false;  // its first train exists
  bool frozen_ = false;          // delivery frozen during a view change (README.md section 5)
  FlatMap<Key, Held> held_;      // closed content held, until done and stable
  std::vector<Key> parked_;      // sorted: closed keys waiting for G0-G3; a subset of held_
  std::deque<Payload> pending_;  // local broadcasts not yet on a train
  SeqFilter known_;              // ids queued, seen on a train, or delivered here
  SeqFilter delivered_;          // ids delivered here
  Links<Message> links_;
  // Membership state (README.md section 5).
  std::vector<Time> last_heard_;         // per node, on this node's clock
  std::vector<std::uint8_t> suspected_;  // per node
  bool excluded_ = false;                // an install left this node out
  bool behind_ = false;                  // a newer view exists that this node has not installed
  std::vector<std::optional<Time>> join_heard_;  // per node: its last Join (it wants back in)
  std::vector<std::uint64_t> join_issued_;       // per node: the clock its last Join reported
  std::vector<std::uint32_t> join_incarnation_;  // per node: the incarnation its last Join named
  std::vector<std::uint32_t> admitted_incarnation_;  // per node: the latest one a view admitted
  std::vector<std::uint8_t> join_restarted_;         // per node: its last Join came from a member
                                                     // of this view that restarted
  std::uint64_t delivered_count_ = 0;
  std::uint64_t log_digest_;
  // Config::kv: the replicated store, and the requests this node must answer once applied
  // (a handful: one per client that asked here and is waiting).
  KvStore kv_;
  std::vector<RequestId> waiting_;
  bool trouble_ = false;  // someone is suspected, or a view change stalls
  Time trouble_since_;
  Ballot promised_;      // the highest ballot promised for the current view
  Time last_round_msg_;  // when a coordinator last reached this node
  // Per node: until when a coordinator that does not hear this node (it kept asking for a report
  // this node sent, or kept it frozen without reaching phase 2, e.g. behind a one-way cut) has
  // its ballots refused, so that the members that can talk decide without it. Refusing a ballot
  // is always safe in Paxos; the distrust lapses (view_change.cpp, distrust()), because links
  // heal and two members that distrust each other's rounds would otherwise wait for good.
  // Empty when not distrusted: a local clock may read below zero (backward jumps), so no time
  // value can stand for "never" (README.md section 1, "Clocks").
  std::vector<std::optional<Time>> distrusted_until_;
  std::uint32_t gather_repeats_ = 0;  // Gathers of the promised ballot received after reporting
  Time stuck_since_;  // frozen by the current view change, without reaching phase 2, since then
  std::optional<AcceptedProposal> accepted_;
  std::optional<Round> round_;
  std::optional<Install> last_install_;  // resent to members that missed it
  std::vector<Train> future_trains_;     // trains of a view not installed here yet
  // Payloads this node loaded onto trains and has not delivered: a view change that skips their
  // train puts them back in `pending_` (README.md section 5: skipped senders re-broadcast).
  struct OwnPayload {
    PayloadList list;
    std::size_t index = 0;
    [[nodiscard]] const Payload& payload() const { return list[index]; }
  };
  std::deque<OwnPayload> own_inflight_;  // in load order
  std::uint32_t incarnation_ = 0;
  std::uint64_t reserved_ = 0;  // clocks up to here are reserved on disk (clock_reservation.hpp)
  bool reserving_ = false;      // a reservation is being synced
  bool reserve_ahead_ = false;  // the next flush reserves the next chunk (persist.cpp)
  std::uint64_t reservation_written_ = 0;   // the highest reservation written (maybe not synced)
  std::uint64_t reservation_sync_ = 0;      // the sync that makes it durable (counted from 1)
  std::uint64_t syncs_requested_ = 0;       // by this incarnation
  std::uint64_t syncs_done_ = 0;            // completed, in order
  std::size_t appended_ = 0;                // records appended since the last compaction
  bool unsynced_ = false;                   // records written since the last sync request
  bool flush_scheduled_ = false;            // flush_timer is set
  std::optional<ViewRecord> durable_view_;  // the view the disk holds
  bool create_waiting_ = false;             // the next train waits for that sync
  bool clock_lost_ = false;           // restarted, and no reservation verified: it must never issue
  bool needs_transfer_ = false;       // restarted: only an Install with a state transfer will do
  std::size_t records_read_ = 0;      // durable records found at restart (for the trace)
  std::size_t records_valid_ = 0;     // of those, the ones whose checksum verified
  std::size_t log_dropped_ = 0;       // verified log records recovery could not take
  Time now_;                          // of the current entry point; not state
  std::vector<std::uint32_t> order_;  // scratch for delivery order; not state
};

static_assert(ProtocolCore<Core>);

}  // namespace ry::trains
