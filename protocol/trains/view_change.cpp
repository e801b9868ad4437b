// TRAINS membership (README.md section 5): the heartbeat failure detector and the exclusion view
// change. The successor of view v is decided by single-decree Paxos among v's members (why:
// messages.hpp), with a strict majority of v in both phases (the quorum rule: a minority side
// never decides, it stays frozen and halts). Members freeze when they first report and stay frozen
// until the install, so the reports a plan is computed from stay true.
#include <algorithm>
#include <utility>

#include "protocol/trains/core.hpp"

namespace ry::trains {

namespace {
std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

bool contains(const std::vector<NodeId>& nodes, NodeId node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}
}  // namespace

// Returns false for a message that is not a membership message (a train or a link ack).
bool Core::handle_membership(NodeId from, Message& message, Fx& fx) {
  if (std::holds_alternative<Train>(message) || std::holds_alternative<LinkAck>(message)) {
    return false;
  }
  if (!membership_on()) return true;  // uto, or the detector off: nobody sends these
  std::visit(
      [&](auto&& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Heartbeat>) handle_heartbeat(from, m, fx);
        if constexpr (std::is_same_v<T, Join>) handle_join(from, m, fx);
        if constexpr (std::is_same_v<T, Gather>) handle_gather(from, m, fx);
        if constexpr (std::is_same_v<T, ReportMsg>) handle_report(from, std::move(m), fx);
        if constexpr (std::is_same_v<T, Accept>) handle_accept(from, std::move(m), fx);
        if constexpr (std::is_same_v<T, Accepted>) handle_accepted(from, m, fx);
        if constexpr (std::is_same_v<T, Install>) handle_install(from, m, fx);
      },
      message);
  return true;
}

// --- failure detector ----------------------------------------------------------------------

// What keeps a peer from being suspected: a message that shows it runs in this node's view. Link
// acks and messages of other views do not count: a member stuck in an older view (it missed an
// Install) acks the trains it buffers and heartbeats its old view, and must still be suspected,
// or the ring would wait for it forever.
bool Core::sign_of_life(const Message& message) const {
  return std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Train>) return m.view == view_.id;
        if constexpr (std::is_same_v<T, Heartbeat>) return m.view == view_.id;
        if constexpr (std::is_same_v<T, Gather> || std::is_same_v<T, ReportMsg> ||
                      std::is_same_v<T, Accept> || std::is_same_v<T, Accepted> ||
                      std::is_same_v<T, Install>) {
          return m.base == view_.id;
        }
        return false;  // link acks, joins
      },
      message);
}

// Every heartbeat interval: heartbeats to the other members, suspicion of the silent ones, and
// the view change's clock (start one, or drive the one this node coordinates).
void Core::tick(Fx& fx) {
  // A restarted issuer whose clock reservation is lost may never issue again, so it never asks
  // to be re-admitted (a member whose slot never moves would hold G3 at every node for good): it
  // stays silent, out of every view.
  if (clock_lost_) return;
  fx.set_timer(heartbeat_timer, config_.heartbeat_ns);
  if (excluded_ || behind_) {
    // README.md section 5, "Partitions" and "Rejoin": a node that learned of a newer view it is not
    // in asks every node to be re-admitted, until an Install with a state transfer arrives.
    for (std::uint32_t n = 0; n < config_.nodes; ++n) {
      if (NodeId{n} != self_)
        fx.send(NodeId{n}, Message{Join{view_.id, issued_, incarnation_, needs_transfer_}});
    }
    return;
  }
  for (NodeId m : view_.members) {
    if (m == self_) continue;
    fx.send(m, Heartbeat{view_.id});
    suspected_[m.value] = now_ - last_heard_[m.value] > config_.suspect_ns ? 1 : 0;
  }
  if (round_) {
    drive_round(/*resend=*/true, fx);
  } else {
    maybe_start_round(fx);
  }
}

void Core::handle_heartbeat(NodeId from, const Heartbeat& heartbeat, Fx& fx) {
  if (heartbeat.view > view_.id) become_behind();
  if (heartbeat.view < view_.id) tell_behind(from, heartbeat.view, std::nullopt, fx);
}

// `from` runs an older view: resend the Install it missed when this node has it (a member of the
// last view change, or the very incarnation it admitted as a joiner: a joiner that installed it,
// crashed and restarted must not get that old state transfer again), else tell it a newer view
// exists (so it asks to rejoin).
void Core::tell_behind(NodeId from, ViewId their_view, std::optional<std::uint32_t> incarnation,
                       Fx& fx) {
  if (last_install_) {
    const Proposal& p = last_install_->proposal;
    bool admitted = false;
    for (std::size_t i = 0; i < p.joiners.size() && i < p.joiner_incarnations.size(); ++i) {
      if (p.joiners[i] == from && incarnation == p.joiner_incarnations[i]) admitted = true;
    }
    const bool missed = last_install_->base == their_view && contains(p.members, from) &&
                        !contains(p.joiners, from);
    if (admitted || missed) {
      fx.send(from, Message{*last_install_});
      return;
    }
  }
  if (!view_.contains(from)) fx.send(from, Message{Heartbeat{view_.id}});
}

// A node outside the view wants back in: the next view change admits it if it is still asking.
void Core::handle_join(NodeId from, const Join& join, Fx& fx) {
  if (join.view > view_.id) {
    become_behind();
    return;
  }
  // A member of this view that restarted will never answer for it: it is admitted as a joiner,
  // unless a view change admitted that very incarnation already (its Join was in flight).
  const bool restarted_member = join.restarted && view_.contains(from) &&
                                join.incarnation > admitted_incarnation_[from.value];
  if ((view_.contains(from) && !restarted_member) || !member() || excluded_ || behind_) {
    if (join.view < view_.id) tell_behind(from, join.view, join.incarnation, fx);
    return;
  }
  join_restarted_[from.value] = restarted_member ? 1 : 0;
  join_heard_[from.value] = now_;
  join_issued_[from.value] = join.issued;
  join_incarnation_[from.value] = join.incarnation;
}

// A newer view exists and this node is not in it, or missed its Install: it freezes (no delivery,
// no new train, so the clocks it reports in its Join stay true) and asks to rejoin.
void Core::become_behind() {
  behind_ = true;
  frozen_ = true;
}

bool Core::fresh_joiner(NodeId node) const {
  const auto& heard = join_heard_[node.value];
  return heard && (!view_.contains(node) || join_restarted_[node.value] != 0) &&
         now_ - *heard <= config_.suspect_ns;
}

// --- starting and coordinating a view change ------------------------------------------------

// A view change starts when a member is suspected, or when this node is frozen and the view
// change it reported to stalls (its coordinator suspected, or silent for long). The lowest
// non-suspected member starts at once; the others wait a suspicion timeout per member ranked
// before them, so that usually one coordinator runs, and still one runs when the lowest never
// suspects anything (a one-way partition).
void Core::maybe_start_round(Fx& fx) {
  bool any_suspect = false;
  for (std::uint32_t n = 0; n < config_.nodes; ++n) {
    if (fresh_joiner(NodeId{n})) any_suspect = true;  // re-admission is a view change too
  }
  // Backstop for handle_gather's evidence: a coordinator that keeps this node frozen for long
  // without reaching phase 2 is distrusted too (see distrusted_until_).
  if (frozen_ && !behind_ && promised_.coordinator != self_ &&
      now_ - stuck_since_ > 4 * config_.suspect_ns) {
    distrust(promised_.coordinator, fx);
  }
  std::uint32_t rank = 0;
  for (NodeId m : view_.members) {
    if (suspects(m)) {
      any_suspect = true;
    } else if (m < self_ && !distrusts(m)) {
      ++rank;
    }
  }
  const bool stalled =
      frozen_ && (suspects(promised_.coordinator) || distrusts(promised_.coordinator) ||
                  now_ - last_round_msg_ > 4 * config_.suspect_ns);
  if (!any_suspect && !stalled) {
    trouble_ = false;
    return;
  }
  if (frozen_ && !stalled) return;  // a coordinator is at work
  if (!trouble_) {
    trouble_ = true;
    trouble_since_ = now_;
  }
  if (now_ - trouble_since_ >= static_cast<Nanos>(rank) * config_.suspect_ns) start_round(fx);
}

// Phase 1a at a fresh ballot, above every ballot this node has promised or tried.
void Core::start_round(Fx& fx) {
  std::uint64_t round = promised_.round;
  if (round_) round = std::max(round, round_->ballot.round);
  const Ballot ballot{round + 1, self_};
  round_ = Round{};
  round_->ballot = ballot;
  round_->started = now_;
  promise(ballot);
  round_->answers.push_back(Answer{NodeReport{self_, make_report()}, accepted_});
  trouble_ = false;
  fx.note("gather", i64(ballot.round), i64(view_.id.value));
  for (NodeId m : view_.members) {
    if (m != self_) fx.send(m, Message{Gather{view_.id, ballot}});
  }
  drive_round(/*resend=*/false, fx);
}

// Moves the round this node coordinates on: propose once every non-suspected member answered (or
// the gather timed out with a majority), decide once a majority accepted, and start a higher
// ballot when a phase times out without its majority. Bug Q1 drops the majority requirement.
void Core::drive_round(bool resend, Fx& fx) {
  Round& r = *round_;
  const bool quorum_rule = !config_.has(Bug::Q1);
  const Nanos age = now_ - r.started;
  if (!r.accepting) {
    bool everyone = true;
    for (NodeId m : view_.members) {
      const bool answered = std::any_of(r.answers.begin(), r.answers.end(),
                                        [&](const Answer& a) { return a.report.node == m; });
      if (answered) continue;
      if (!suspects(m) && !distrusts(m) && !fresh_joiner(m)) everyone = false;
      if (resend) fx.send(m, Message{Gather{view_.id, r.ballot}});
    }
    const bool timed_out = age >= config_.suspect_ns;
    if (everyone || timed_out) {
      if (r.answers.size() >= majority() || !quorum_rule) {
        propose(fx);
      } else if (timed_out) {
        start_round(fx);  // a minority: stay frozen and keep trying (it halts, never diverges)
      }
    }
    return;
  }
  const bool all_accepted = r.acceptors.size() == r.answers.size();
  if (r.acceptors.size() >= majority() ||
      (!quorum_rule && (all_accepted || age >= config_.suspect_ns))) {
    decide(fx);
    return;
  }
  if (age >= 2 * config_.suspect_ns) {
    start_round(fx);
    return;
  }
  if (!resend) return;
  for (const Answer& a : r.answers) {
    if (!contains(r.acceptors, a.report.node)) {
      fx.send(a.report.node, Message{Accept{view_.id, r.ballot, r.proposal}});
    }
  }
}

// Phase 2a: the value accepted at the highest ballot among the answers, if any (it may already be
// decided), else a new view of the members that answered, with the plan of their reports.
void Core::propose(Fx& fx) {
  Round& r = *round_;
  const AcceptedProposal* highest = nullptr;
  for (const Answer& a : r.answers) {
    if (a.accepted && (highest == nullptr || a.accepted->ballot > highest->ballot)) {
      highest = &*a.accepted;
    }
  }
  if (highest != nullptr) {
    r.proposal = highest->proposal;
  } else {
    std::vector<NodeReport> reports;
    r.proposal.view = ViewId{view_.id.value + 1};
    r.proposal.members.clear();
    r.proposal.joiners.clear();
    r.proposal.joiner_incarnations.clear();
    for (const Answer& a : r.answers) {
      r.proposal.members.push_back(a.report.node);
      reports.push_back(a.report);
    }
    for (std::uint32_t n = 0; n < config_.nodes; ++n) {
      // (A restarted member whose earlier incarnation answered this round stays a member.)
      if (fresh_joiner(NodeId{n}) && !contains(r.proposal.members, NodeId{n})) {
        r.proposal.members.push_back(NodeId{n});
        r.proposal.joiners.push_back(NodeId{n});
        r.proposal.joiner_incarnations.push_back(join_incarnation_[n]);
      }
    }
    std::sort(r.proposal.members.begin(), r.proposal.members.end());
    r.proposal.plan = make_plan(reports, config_.trains, config_.bugs);
    skip_joiners_clocks(r.proposal);
  }
  r.accepting = true;
  r.started = now_;
  accepted_ = AcceptedProposal{r.ballot, r.proposal};
  r.acceptors = {self_};
  fx.note("propose", i64(r.ballot.round), i64(r.proposal.members.size()),
          i64(r.proposal.plan.steps.size()));
  for (const Answer& a : r.answers) {
    if (a.report.node != self_) {
      fx.send(a.report.node, Message{Accept{view_.id, r.ballot, r.proposal}});
    }
  }
  drive_round(/*resend=*/false, fx);
}

// A joiner that is an issuer may have created clocks after the view change that excluded it;
// nobody else holds those keys closed (the old boundary covered all that any member had seen), so
// they are skipped: its next train then continues its own clocks, and no key is created twice.
// Its slot then starts level with the others: the slots that stayed went on one clock per lap
// while it was out, and a slot left behind would hold every other slot's keys at G3 until it
// caught up, which it never does (all slots advance one clock per lap). The clocks in between
// were never created, so the floor (the boundary) covers them without plan steps. For the same
// reason every other slot then starts level with the joiner's: a restarted issuer continues
// above its clock reservation, up to a chunk (64) above the clocks it created, and the slots
// left that far behind held its keys at G3 for good (7-node swarm seed 452). A key of another
// slot above its boundary was seen by no reporter, so delivered by nobody (G0: any f + 1
// holders meet every majority): fencing it loses nothing its boundary did not.
void Core::skip_joiners_clocks(Proposal& proposal) const {
  Plan& plan = proposal.plan;
  const std::uint64_t level =
      plan.boundary.empty() ? 0 : *std::max_element(plan.boundary.begin(), plan.boundary.end());
  bool added = false;
  for (NodeId j : proposal.joiners) {
    if (j.value >= slots_.size() || j.value >= plan.boundary.size()) continue;
    for (std::uint64_t c = plan.boundary[j.value] + 1; c <= join_issued_[j.value]; ++c) {
      plan.steps.push_back(PlanStep{Key{c, j.value}, false, Train{}});
      added = true;
    }
    plan.boundary[j.value] = std::max({plan.boundary[j.value], join_issued_[j.value], level});
  }
  if (!proposal.joiners.empty() && !plan.boundary.empty()) {
    const std::uint64_t joined = *std::max_element(plan.boundary.begin(), plan.boundary.end());
    for (std::uint64_t& b : plan.boundary) b = joined;
  }
  if (added) {
    std::sort(plan.steps.begin(), plan.steps.end(),
              [](const PlanStep& a, const PlanStep& b) { return a.key < b.key; });
  }
}

// The proposal is chosen: every member of the new view gets the Install; joiners get it with the
// state transfer, taken here right after applying it (handle_install keeps it in last_install_).
void Core::decide(Fx& fx) {
  Install install{view_.id, round_->proposal, std::nullopt};
  round_.reset();
  for (NodeId m : install.proposal.members) {
    if (m != self_ && !contains(install.proposal.joiners, m)) fx.send(m, Message{install});
  }
  handle_install(self_, install, fx);
  if (!last_install_ || !last_install_->snapshot) return;
  for (NodeId j : install.proposal.joiners) fx.send(j, Message{*last_install_});
}

// --- a member's side -------------------------------------------------------------------------

void Core::promise(const Ballot& ballot) {
  // A coordinator gets its own time to reach phase 2 (the backstop in maybe_start_round).
  if (!frozen_ || ballot.coordinator != promised_.coordinator) stuck_since_ = now_;
  promised_ = ballot;
  frozen_ = true;
  last_round_msg_ = now_;
}

// Long enough for the members that distrust `coordinator` to run a round of their own (a rank
// wait and a phase-1 timeout), short enough that a healed link lets it coordinate again.
void Core::distrust(NodeId coordinator, Fx& fx) {
  distrusted_until_[coordinator.value] = now_ + 4 * config_.suspect_ns;
  gather_repeats_ = 0;
  stuck_since_ = now_;
  fx.note("distrust", coordinator.value);
}

// Phase 1b: promise a ballot at least as high as any promised (the same one again re-sends the
// report: the first may have been lost), freeze, and report. A higher coordinator supersedes the
// round this node runs.
void Core::handle_gather(NodeId from, const Gather& gather, Fx& fx) {
  if (gather.ballot.coordinator != from || distrusts(from)) return;
  // The coordinator asks again for a report this node already sent: it does not hear this node.
  // A few such repeats (more than loss alone makes likely) and it is distrusted: its rounds
  // cannot count this node, and its ever-higher ballots must not keep this node frozen while the
  // members that can talk decide without it (a one-way cut into the coordinator's side).
  if (gather.base == view_.id && gather.ballot == promised_ && !(round_ && from == self_)) {
    constexpr std::uint32_t repeats_before_distrust = 3;
    if (++gather_repeats_ >= repeats_before_distrust) {
      distrust(from, fx);
      return;
    }
  } else if (gather.ballot > promised_) {
    gather_repeats_ = 0;
  }
  if (gather.base > view_.id) become_behind();
  if (gather.base < view_.id) tell_behind(from, gather.base, std::nullopt, fx);
  if (gather.base != view_.id) return;
  // A node that is behind (excluded, or restarted) has no state worth reporting: it rejoins. A
  // restarted node also forgot its promises, so it must not vote again until re-admitted.
  if (!member() || excluded_ || behind_ || needs_transfer_ || gather.ballot < promised_) return;
  if (round_ && gather.ballot > round_->ballot) round_.reset();
  promise(gather.ballot);
  fx.note("report", i64(gather.ballot.round), i64(view_.id.value));
  fx.send(from, Message{ReportMsg{view_.id, gather.ballot, make_report(), accepted_}});
}

void Core::handle_report(NodeId from, ReportMsg&& report, Fx& fx) {
  if (!round_ || round_->accepting || report.base != view_.id || report.ballot != round_->ballot) {
    return;
  }
  Round& r = *round_;
  if (std::any_of(r.answers.begin(), r.answers.end(),
                  [&](const Answer& a) { return a.report.node == from; })) {
    return;
  }
  if (!view_.contains(from)) return;
  r.answers.push_back(
      Answer{NodeReport{from, std::move(report.report)}, std::move(report.accepted)});
  drive_round(/*resend=*/false, fx);
}

// Phase 2b.
void Core::handle_accept(NodeId from, Accept&& accept, Fx& fx) {
  if (accept.ballot.coordinator != from || accept.base != view_.id || !member() || excluded_ ||
      behind_ || needs_transfer_) {
    return;
  }
  if (accept.ballot < promised_ || distrusts(from)) return;
  if (round_ && accept.ballot > round_->ballot) round_.reset();
  promise(accept.ballot);
  stuck_since_ = now_;  // phase 2: the coordinator hears a majority
  accepted_ = AcceptedProposal{accept.ballot, std::move(accept.proposal)};
  fx.send(from, Message{Accepted{view_.id, accept.ballot}});
}

void Core::handle_accepted(NodeId from, const Accepted& accepted, Fx& fx) {
  if (!round_ || !round_->accepting || accepted.base != view_.id ||
      accepted.ballot != round_->ballot || contains(round_->acceptors, from)) {
    return;
  }
  round_->acceptors.push_back(from);
  drive_round(/*resend=*/false, fx);
}

// The decision for the current view, from its coordinator or resent by a member that has it.
void Core::handle_install(NodeId /*from*/, const Install& install, Fx& fx) {
  if (contains(install.proposal.joiners, self_)) {
    // Only the incarnation that asked: one that restarted since must ask again (its clock
    // reservation may have moved on).
    const Proposal& p = install.proposal;
    bool mine = false;
    for (std::size_t i = 0; i < p.joiners.size() && i < p.joiner_incarnations.size(); ++i) {
      if (p.joiners[i] == self_ && p.joiner_incarnations[i] == incarnation_) mine = true;
    }
    // And only while it is out: a live member named as a joiner (a coordinator took a Join of
    // its that was still in flight for a new admission) keeps its state and in-flight trains,
    // which a second transfer would disown; it catches up as any member that missed a view does.
    if (!mine || !install.snapshot || install.proposal.view <= view_.id || !excluded()) return;
    // And only if the plan's boundary covers every clock it created: a coordinator that used an
    // older Join of its (sent before an admission it has had since) would leave a train of its
    // above the floor of the new view. It keeps asking; a later view change admits it right.
    const std::vector<std::uint64_t>& boundary = p.plan.boundary;
    if (is_issuer() && self_.value < boundary.size() && boundary[self_.value] < issued_) {
      fx.note("stale_admission", i64(p.view.value), i64(boundary[self_.value]), i64(issued_));
      return;
    }
    apply_snapshot(install, fx);
    return;
  }
  // A restarted node has no log to apply a plan to: it waits to be admitted as a joiner.
  if (needs_transfer_) return;
  if (install.base != view_.id || install.proposal.view.value != view_.id.value + 1) return;
  last_install_ = install;
  last_install_->snapshot.reset();
  if (!contains(install.proposal.members, self_)) {
    if (!excluded_) fx.note("excluded", i64(install.proposal.view.value));
    excluded_ = true;
    frozen_ = true;
    return;
  }
  apply_install(install.proposal, fx);
  if (!install.proposal.joiners.empty()) {
    last_install_->snapshot =
        Snapshot{delivered_count_, log_digest_, delivered_, self_, admitted_incarnation_, {}};
    if (config_.kv) last_install_->snapshot->app_image = kv_.image();
  }
}

// What this node reports (README.md section 5). Bug U1 models trains-rust, where the closer does
// not keep the content: a key only the closer holds is not reported.
Report Core::make_report() const {
  Report r;
  r.issued = issued_;
  for (const Slot& s : slots_) {
    r.seen.push_back(s.seen);
    r.done_upto.push_back(s.done_upto);
  }
  for (const auto& [key, held] : held_) {
    if (config_.has(Bug::U1) && held.holders_seen == 0) continue;
    Train t = held.train;
    t.link = LinkHeader{};
    r.have.push_back(std::move(t));
  }
  return r;
}

// README.md section 5: apply the plan in key order (each key at most once), set every slot's floor
// and watermarks to the boundary, install, unfreeze, put back own payloads whose train was skipped,
// and start each issuer's next train above its boundary.
void Core::apply_install(const Proposal& proposal, Fx& fx) {
  const Plan& plan = proposal.plan;
  for (const PlanStep& step : plan.steps) {
    if (step.key.issuer >= slots_.size()) continue;
    Slot& s = slots_[step.key.issuer];
    if (s.done_upto >= step.key.clock) continue;
    if (step.deliver) deliver_payloads(step.content, fx);
    s.done_upto = step.key.clock;
  }
  install_view(proposal, fx);
}

// README.md section 5, "Rejoin": a joiner takes the state every member has right after the plan
// (the snapshot, whose watermarks are the plan's boundary) instead of applying the plan: its log is
// replaced by the donor's positions 1..X, announced as a state transfer (StateTransfer,
// protocol/common/effects.hpp). Trains of the new view that waited here are handled in a later
// step: nothing may be delivered in the step of the transfer.
void Core::apply_snapshot(const Install& install, Fx& fx) {
  const Snapshot& snap = *install.snapshot;
  // At most once by position (README.md section 5): a transfer never takes the log backwards, nor
  // replaces it with a different one of the same length. A correct plan always covers this
  // node's log (everything it delivered had f + 1 holders); the node waits for another admission.
  if (snap.position < delivered_count_ ||
      (snap.position == delivered_count_ && snap.log_digest != log_digest_)) {
    fx.note("snapshot_refused", i64(snap.position), i64(delivered_count_));
    return;
  }
  for (Slot& s : slots_) s = Slot{};
  // Bug B6 keeps the joiner's own (stale) duplicate filter: what the view delivered while it was
  // out can be delivered here once more, its stale pending payloads among them.
  if (!config_.has(Bug::B6)) delivered_ = snap.delivered;
  delivered_count_ = snap.position;
  log_digest_ = snap.log_digest;
  if (config_.kv) {
    const bool restored = kv_.restore(snap.app_image);
    RY_ASSERT(restored);  // a donor's image, made by the same code
    answer_applied(fx);
  }
  for (std::size_t n = 0; n < admitted_incarnation_.size() && n < snap.admitted.size(); ++n) {
    admitted_incarnation_[n] = std::max(admitted_incarnation_[n], snap.admitted[n]);
  }
  fx.transfer_state(snap.position, snap.log_digest, snap.donor.value);
  excluded_ = false;
  behind_ = false;
  needs_transfer_ = false;
  last_install_ = install;
  install_view(install.proposal, fx);
  compact(fx);  // the disk's log is replaced too
  if (!future_trains_.empty()) fx.set_timer(replay_timer, 1);
}

// What every install does after the log is settled: watermarks and floors at the boundary, the
// view, unfrozen, own skipped payloads back in the queue, a fresh train above the boundary.
void Core::install_view(const Proposal& proposal, Fx& fx) {
  const Plan& plan = proposal.plan;
  for (std::uint32_t q = 0; q < slots_.size() && q < plan.boundary.size(); ++q) {
    Slot& s = slots_[q];
    const std::uint64_t b = plan.boundary[q];
    s.done_upto = std::max(s.done_upto, b);
    s.seen = std::max(s.seen, b);
    s.stable = std::max(s.stable, b);
    if (!config_.has(Bug::B9)) s.floor = std::max(s.floor, b);
  }
  held_.clear();
  parked_.clear();
  view_ = View{proposal.view, proposal.members};
  successor_ = view_.successor(self_);
  fx.views.push_back(ViewInstall{view_.id, view_.members});
  persist_view(fx);
  fx.note("install", i64(view_.id.value), i64(view_.members.size()), i64(plan.steps.size()));
  frozen_ = false;
  // A member that heard of this view before its Install arrived was behind; now it is not (a
  // still newer view makes it behind again when it hears of it). Staying behind, it would answer
  // no Gather of the view it is a member of, and a view needing it for a majority would stall.
  behind_ = false;
  promised_ = Ballot{};
  accepted_.reset();
  round_.reset();
  trouble_ = false;
  std::fill(last_heard_.begin(), last_heard_.end(), now_);
  std::fill(suspected_.begin(), suspected_.end(), std::uint8_t{0});
  for (auto& until : distrusted_until_) until.reset();
  gather_repeats_ = 0;
  for (auto& heard : join_heard_) heard.reset();
  for (std::size_t i = 0; i < proposal.joiners.size() && i < proposal.joiner_incarnations.size();
       ++i) {
    std::uint32_t& admitted = admitted_incarnation_[proposal.joiners[i].value];
    admitted = std::max(admitted, proposal.joiner_incarnations[i]);
  }
  std::fill(join_restarted_.begin(), join_restarted_.end(), std::uint8_t{0});
  requeue_own_in_flight();
  if (is_issuer()) {
    Slot& own = slots_[self_.value];
    issued_ = std::max(issued_, own.done_upto);
    own.seen = std::max(own.seen, issued_);
    create_train(fx);
  }
  if (!proposal.joiners.empty() && contains(proposal.joiners, self_)) return;  // see apply_snapshot
  std::vector<Train> waiting = std::move(future_trains_);
  future_trains_.clear();
  for (Train& train : waiting) {
    if (train.view == view_.id) handle_train(std::move(train), fx);
  }
  drain(fx);
}

// Own payloads whose train the plan skipped go back to the front of the queue, in load order.
void Core::requeue_own_in_flight() {
  std::vector<Payload> back;
  for (const OwnPayload& own : own_inflight_) {
    if (!delivered_.contains(own.payload().id())) back.push_back(own.payload());
  }
  own_inflight_.clear();
  pending_.insert(pending_.begin(), std::make_move_iterator(back.begin()),
                  std::make_move_iterator(back.end()));
}

// A train of a view this node will install shortly. Bounded: an excluded node never installs it.
// When full, a train of an older view than this one makes room: a node out for long fills the
// buffer with trains of views it will never install, and dropping a train of the view it is about
// to join (already acked on its link) would lose that slot's train for good.
void Core::hold_future(Train&& train) {
  constexpr std::size_t max_future = 64;
  if (future_trains_.size() < max_future) {
    future_trains_.push_back(std::move(train));
    return;
  }
  const auto oldest =
      std::min_element(future_trains_.begin(), future_trains_.end(),
                       [](const Train& a, const Train& b) { return a.view < b.view; });
  if (oldest->view < train.view) *oldest = std::move(train);
}

}  // namespace ry::trains
