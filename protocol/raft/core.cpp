#include "protocol/raft/core.hpp"

#include <algorithm>
#include <functional>

#include "protocol/common/assert.hpp"
#include "protocol/common/byte_codec.hpp"
#include "protocol/common/hash.hpp"
#include "protocol/raft/durable.hpp"

namespace ry::raft {
namespace {

std::int64_t i64(std::uint64_t v) noexcept { return static_cast<std::int64_t>(v); }

// Time before any event: "never heard".
constexpr Time never{INT64_MIN / 2};

}  // namespace

std::string encode_command(RequestId id, std::string_view operation) {
  std::string out;
  put_u32(out, id.client.value);
  put_u64(out, id.seq);
  out.append(operation);
  return out;
}

std::optional<Command> decode_command(std::string_view payload) noexcept {
  ByteReader in(payload);
  Command c;
  c.id.client = ClientId{in.u32()};
  c.id.seq = in.u64();
  if (!in.ok()) return std::nullopt;
  c.operation = payload.substr(12);
  return c;
}

// ---- Construction and recovery (README.md section 9).

Core::Core(const Config& config, NodeId self, std::uint64_t node_seed, const Recovery& recovery)
    : config_(config), self_(self), prng_(node_seed), incarnation_(recovery.incarnation) {
  RY_ASSERT(self.value < config.nodes);
  RY_ASSERT(config.election_min_ns > 0 && config.election_min_ns < config.election_max_ns);
  RY_ASSERT(config.heartbeat_ns > 0 && config.batch_entries_max > 0);
  RY_ASSERT(config.snapshot_chunk_bytes > 0);
  for (std::uint32_t n = 0; n < config.nodes; ++n) {
    const NodeId node{n};
    (config.starts_as_learner(node) ? initial_config_.learners : initial_config_.voters)
        .push_back(node);
  }
  RY_ASSERT(!initial_config_.voters.empty());
  lease_until_ = never;

  RecoveredState recovered = recover(recovery.records);
  recovered_records_ = recovered.records;
  recovered_dropped_ = recovered.dropped;
  recovered_lost_ = recovered.lost();
  rewrite_ = recovered.cut();
  disk_position_ = recovered.records;
  term_ = recovered.term;
  voted_for_ = recovered.voted_for;
  epoch_ = recovered.epoch;
  term_suspect_ = (recovered.suspect & suspect_term) != 0;
  log_suspect_ = (recovered.suspect & suspect_log) != 0;
  if (recovered_lost_) {
    // Section 9: synced state may be gone. Distrust the term and vote (they may be older than
    // a vote this node gave) and the log (it may lack entries this node acknowledged), and start
    // a new recovery epoch so that leaders forget what they knew of this node's log.
    epoch_ = std::max(epoch_ + 1, incarnation_);
    term_suspect_ = true;
    log_suspect_ = true;
    rewrite_ = true;
  }
  log_ = std::move(recovered.log);
  snapshot_ = std::move(recovered.snapshot);
  if (snapshot_) {
    // The snapshot holds what the state machine had at its index; commit restarts there.
    const bool restored = restore_app(snapshot_->image);
    RY_ASSERT(restored);  // the record verified, so the image is one we wrote
    commit_ = applied_ = snapshot_->last_index;
    // The disk was cut inside the entries the snapshot covers: start the log at the snapshot.
    if (log_.last_index() < snapshot_->last_index ||
        log_.term_at(snapshot_->last_index) != snapshot_->last_term) {
      log_.reset(snapshot_->last_index, snapshot_->last_term, snapshot_->last_hash);
      rewrite_ = true;
    }
  }
  for (Index i = log_.base() + 1; i <= log_.last_index(); ++i) {
    const Entry& e = log_.at(i);
    if (e.kind != EntryKind::config) continue;
    const auto entry = decode_config_entry(e.payload);
    RY_ASSERT(entry.has_value());  // config entries are written only by leaders, verified
    configs_.emplace_back(i, entry->result);
  }
  synced_index_ = log_.last_index();
  noted_config_ = membership();
}

void Core::on_start(Time now, Fx& fx) noexcept {
  now_ = now;
  restarted_at_ = now;
  if (incarnation_ > 0) {
    // Rule 2.6: a restarted node may have promised a leader not to vote; it keeps that promise
    // by treating its restart as leader contact.
    last_leader_contact_ = now;
    fx.note("recovered", i64(recovered_records_), i64(recovered_dropped_));
    // The state machine starts again from the snapshot (or empty) and re-applies the log: tell
    // the ordering checkers which prefix of the applied sequence the snapshot stands for, so the
    // re-applied commands count at their positions (StateTransfer, protocol/common/effects.hpp).
    fx.transfer_state(delivered_count_, log_digest_, self_.value);
  }
  reset_election_timer(fx);
  finish(fx);
}

// ---- Dispatch.

void Core::on_message(NodeId from, const Message& message, Time now, Fx& fx) noexcept {
  now_ = now;
  std::visit([&](const auto& m) { handle(from, m, fx); }, message);
  finish(fx);
}

void Core::on_timer(TimerId timer, Time now, Fx& fx) noexcept {
  now_ = now;
  if (timer == election_timer) {
    // Section 5.1: only a voter of its own latest configuration campaigns.
    // Section 9: a node that lost synced state neither campaigns nor votes until it relearned
    // its term (by a probe) and its log (from a leader).
    if (role_ != Role::leader) {
      if (!membership().is_voter(self_)) {
        reset_election_timer(fx);
      } else if (term_suspect_) {
        reset_election_timer(fx);
        start_term_probe(fx);
      } else if (log_suspect_) {
        reset_election_timer(fx);
      } else {
        start_pre_vote(fx);
      }
    }
  } else if (timer == heartbeat_timer) {
    if (role_ == Role::leader) {
      if (transfer_target_ && now_ >= transfer_deadline_) {
        // Section 5.7: no new leader in time; take proposals again.
        transfer_target_.reset();
        if (transfer_request_)
          reply(*transfer_request_, ReplyStatus::fail, "transfer timed out", fx);
        transfer_request_.reset();
      }
      heartbeat_round(fx);
      check_catch_up(fx);
      fx.set_timer(heartbeat_timer, config_.heartbeat_ns);
    }
  } else if (timer == check_quorum_timer) {
    if (role_ == Role::leader) {
      // Section 5.8: step down unless a quorum of voters answered within the window.
      std::size_t heard = membership().is_voter(self_) ? 1 : 0;
      for (const NodeId v : membership().voters) {
        if (v == self_) continue;
        const auto it = peers_.find(v);
        if (it != peers_.end() && now_ - it->second.heard < config_.check_quorum_ns) ++heard;
      }
      if (heard < membership().quorum()) {
        become_follower(fx);
      } else {
        fx.set_timer(check_quorum_timer, config_.check_quorum_ns);
      }
    }
  }
  finish(fx);
}

void Core::on_disk_synced(Time now, Fx& fx) noexcept {
  now_ = now;
  RY_ASSERT(!pending_syncs_.empty());
  synced_index_ = std::max(synced_index_, pending_syncs_.front());
  pending_syncs_.erase(pending_syncs_.begin());
  // Section 6.5: the leader counts itself only up to its last synced index.
  if (role_ == Role::leader) advance_commit(fx);
  finish(fx);
}

void Core::on_client(const ClientRequest& request, Time now, Fx& fx) noexcept {
  now_ = now;
  if (const auto admin = decode_admin(request.data)) {
    handle_admin(request, *admin, fx);
    finish(fx);
    return;
  }
  const auto op = decode_operation(request.data);
  if (!op) {
    reply(request.id, ReplyStatus::fail, "malformed operation", fx);
  } else if (role_ != Role::leader) {
    fx.replies.emplace_back(request.id, ReplyStatus::not_leader, "", leader_);
  } else if (transfer_target_) {
    // Section 5.7: a transferring leader takes no proposals.
    fx.replies.emplace_back(request.id, ReplyStatus::not_leader, "", transfer_target_);
  } else if (config_.reads != Reads::log && (op->f == OpKind::get || op->f == OpKind::read)) {
    handle_read(request, *op, fx);
  } else {
    const Index index =
        append_local(EntryKind::command, encode_command(request.id, request.data), fx);
    if (config_.has(Bug::R11) && (op->f == OpKind::put || op->f == OpKind::append)) {
      // Bug R11: a blind write is acknowledged as soon as it is appended, before a quorum (or
      // even this node's disk) holds it; rule 6.6 answers only when the entry is applied.
      reply(request.id, ReplyStatus::ok, "", fx);
    } else {
      waiting_[index] = request.id;
    }
    replicate(fx);
    advance_commit(fx);
  }
  finish(fx);
}

// ---- Elections (section 5).

void Core::persist_term_vote(Fx& fx) {
  const auto suspect = static_cast<std::uint8_t>((term_suspect_ ? suspect_term : 0) |
                                                 (log_suspect_ ? suspect_log : 0));
  write(Record{TermVoteRecord{term_, voted_for_, epoch_, suspect}}, fx);
}

// A disk never holds a single record: the first record on an empty disk is written twice (a
// repeated record is skipped at recovery). A misdirected write that swallows the first record
// then leaves the second out of its position, so the loss shows (README.md section 9); a disk's
// only record could vanish without a trace, leaving a disk that looks never written.
void Core::write(const Record& record, Fx& fx) {
  if (disk_position_ == 0) fx.disk_appends.push_back(encode(record, disk_position_++));
  fx.disk_appends.push_back(encode(record, disk_position_++));
}

// Section 9, the term probe. A vote this node gave before losing its term record counts only
// while its candidate still campaigns in that term, which ends within the maximum election
// timeout; the probe waits twice that since the restart, then asks the other voters their
// terms. Once enough of them answered that they must include one of any quorum that could have
// elected a leader with the forgotten vote, the highest term they name bounds every such term:
// the node takes it as its term and counts its vote in it as given.
// Called by the election timer and by every accepted AppendEntries (a follower of a healthy
// leader never sees its timer fire), at most once per minimum election timeout.
void Core::start_term_probe(Fx& fx) {
  if (now_ - restarted_at_ < 2 * config_.election_max_ns) return;
  if (probes_sent_ > 0 && now_ - last_probe_at_ < config_.election_min_ns) return;
  last_probe_at_ = now_;
  probe_ = (std::uint64_t{incarnation_} << 32) | ++probes_sent_;
  for (const NodeId v : membership().voters) {
    if (v != self_) {
      fx.send(v, PreVote{term_, term_ + 1, log_.last_index(), log_.last_term(), probe_});
    }
  }
}

void Core::take_probe_answer(NodeId from, const PreVoteResponse& m, Fx& fx) {
  // Only answers to this incarnation's probes, all sent after the wait, count.
  if (!term_suspect_ || (m.probe >> 32) != incarnation_ || m.probe > probe_ || from == self_ ||
      !membership().is_voter(from)) {
    return;
  }
  probe_answers_.insert(from);
  probe_max_ = std::max(probe_max_, m.term);
  // Any quorum holding the forgotten vote has quorum - 1 other voters; answers from more than
  // voters - quorum others include one of them.
  const std::size_t needed = membership().voters.size() - membership().quorum() + 1;
  if (probe_answers_.size() < needed) return;
  term_suspect_ = false;
  probe_answers_.clear();
  if (probe_max_ >= term_) {
    if (probe_max_ > term_) adopt_term(probe_max_, fx);
    voted_for_ = self_;  // a vote in this term may have been given: give no other
  }
  persist_term_vote(fx);
}

// Rule 2.1: an adopted term is written (with no vote) before anything carrying it is sent;
// finish() asks for the sync.
void Core::adopt_term(Term term, Fx& fx) {
  RY_ASSERT(term > term_);
  term_ = term;
  voted_for_.reset();
  persist_term_vote(fx);
  fx.note("term", i64(term));
  leader_.reset();
  become_follower(fx);
}

void Core::become_follower(Fx& fx) {
  if (role_ == Role::leader) {
    fx.note("step_down", i64(term_));
    fx.cancel_timer(heartbeat_timer);
    fx.cancel_timer(check_quorum_timer);
    peers_.clear();
    reads_.clear();
    waiting_.clear();
    transfer_target_.reset();
    transfer_request_.reset();
    catch_up_.reset();
    in_memory_config_.reset();
    lease_until_ = never;
    leader_.reset();
    reset_election_timer(fx);
  }
  if (role_ == Role::candidate) reset_election_timer(fx);
  role_ = Role::follower;
  votes_.clear();
  close_pre_vote();
}

// Section 5.3: every step-down, term change and accepted AppendEntries, InstallSnapshot or
// TimeoutNow closes the pre-vote round. Bug R3 leaves the flag and the tally set.
void Core::close_pre_vote() {
  if (config_.has(Bug::R3)) return;
  pre_vote_open_ = false;
  pre_votes_.clear();
}

// Section 6.2: what AppendEntries and InstallSnapshot do for term and leader contact.
void Core::accept_leader(NodeId from, Fx& fx) {
  if (role_ != Role::follower) become_follower(fx);
  close_pre_vote();
  leader_ = from;
  last_leader_contact_ = now_;
  reset_election_timer(fx);
}

void Core::reset_election_timer(Fx& fx) {
  const Nanos timeout = prng_.between(config_.election_min_ns, config_.election_max_ns - 1);
  fx.set_timer(election_timer, timeout);
}

// Rules 5.2 and 5.5 (leader stickiness): a leader always has; others within the minimum
// election timeout of the last leader contact (a restart counts, rule 2.6).
bool Core::heard_leader_recently() const noexcept {
  if (role_ == Role::leader) return true;
  return last_leader_contact_ && now_ - *last_leader_contact_ < config_.election_min_ns;
}

void Core::start_pre_vote(Fx& fx) {
  role_ = Role::follower;  // a candidate whose election timed out goes through pre-vote again
  votes_.clear();
  pre_vote_open_ = true;
  round_term_ = term_ + 1;
  pre_votes_ = {self_};
  fx.note("pre_vote", i64(round_term_));
  reset_election_timer(fx);
  for (const NodeId v : membership().voters) {
    if (v != self_) {
      fx.send(v, PreVote{term_, round_term_, log_.last_index(), log_.last_term()});
    }
  }
  if (pre_votes_.size() >= membership().quorum()) campaign(false, fx);
}

void Core::handle(NodeId from, const PreVote& m, Fx& fx) {
  // Rule 5.2: a pre-vote changes no state, whatever its terms.
  const bool granted = m.round_term > term_ && log_.other_up_to_date(m.last_term, m.last_index) &&
                       !heard_leader_recently();
  fx.send(from, PreVoteResponse{term_, m.round_term, granted, m.probe});
}

void Core::handle(NodeId from, const PreVoteResponse& m, Fx& fx) {
  if (m.probe != 0) {
    take_probe_answer(from, m, fx);
    return;
  }
  if (!m.granted && m.term > term_) {
    adopt_term(m.term, fx);
    return;
  }
  if (!m.granted || !pre_vote_open_ || m.round_term != round_term_ || role_ != Role::follower ||
      !membership().is_voter(from)) {
    return;
  }
  pre_votes_.insert(from);
  if (pre_votes_.size() >= membership().quorum()) campaign(false, fx);
}

// Rule 5.4 and rule 2.2: term + 1 and the vote for self are synced before the first RequestVote
// leaves (finish() asks for the sync; the simulator holds the sends until it completes).
void Core::campaign(bool transfer, Fx& fx) {
  if (suspect()) return;  // section 9
  pre_vote_open_ = false;
  pre_votes_.clear();
  term_ += 1;
  voted_for_ = self_;
  persist_term_vote(fx);
  role_ = Role::candidate;
  leader_.reset();
  votes_ = {self_};
  fx.note("campaign", i64(term_), transfer ? 1 : 0);
  reset_election_timer(fx);
  for (const NodeId v : membership().voters) {
    if (v != self_) {
      fx.send(v, RequestVote{term_, log_.last_index(), log_.last_term(), transfer});
    }
  }
  if (votes_.size() >= membership().quorum()) become_leader(fx);
}

void Core::handle(NodeId from, const RequestVote& m, Fx& fx) {
  // Rule 5.5: stickiness. Neither adopt the term nor answer while a current leader is heard.
  if (!m.transfer && heard_leader_recently()) return;
  if (m.term > term_) adopt_term(m.term, fx);
  // Section 9: a node that lost synced state gives no vote.
  const bool granted = !suspect() && m.term == term_ && (!voted_for_ || *voted_for_ == from) &&
                       log_.other_up_to_date(m.last_term, m.last_index);
  if (granted) {
    voted_for_ = from;
    // Rule 2.3: the vote is synced before the grant leaves. Bug R5 never writes it.
    if (!config_.has(Bug::R5)) persist_term_vote(fx);
    reset_election_timer(fx);
  }
  fx.send(from, RequestVoteResponse{term_, granted});
}

void Core::handle(NodeId from, const RequestVoteResponse& m, Fx& fx) {
  if (m.term > term_) {
    adopt_term(m.term, fx);
    return;
  }
  if (role_ != Role::candidate || m.term != term_ || !m.granted || !membership().is_voter(from)) {
    return;
  }
  votes_.insert(from);
  if (votes_.size() >= membership().quorum()) become_leader(fx);
}

// Rule 5.6: next = last + 1, match = 0, and a noop of the new term at once.
void Core::become_leader(Fx& fx) {
  role_ = Role::leader;
  leader_ = self_;
  votes_.clear();
  close_pre_vote();
  pre_vote_open_ = false;
  pre_votes_.clear();
  fx.cancel_timer(election_timer);
  peers_.clear();
  round_ = 0;
  round_start_.clear();
  lease_until_ = never;
  lease_first_round_ = 0;
  sync_peers();  // next = the noop's index: it is the first entry every peer is sent
  term_start_ = append_local(EntryKind::noop, {}, fx);
  fx.note("elected", i64(term_), i64(log_.last_index()));
  fx.set_timer(heartbeat_timer, config_.heartbeat_ns);
  fx.set_timer(check_quorum_timer, config_.check_quorum_ns);
  heartbeat_round(fx);
  advance_commit(fx);
}

void Core::handle(NodeId /*from*/, const TimeoutNow& m, Fx& fx) {
  if (m.term < term_) return;
  if (m.term > term_) adopt_term(m.term, fx);
  close_pre_vote();
  if (role_ != Role::leader && membership().is_voter(self_) && !suspect()) campaign(true, fx);
}

// ---- Replication (section 6).

Index Core::append_local(EntryKind kind, std::string payload, Fx& fx) {
  const Entry& e = log_.append(term_, kind, std::move(payload));
  write(Record{EntryRecord{e.index, e.term, e.kind, e.payload}}, fx);
  if (kind == EntryKind::config) {
    const auto entry = decode_config_entry(e.payload);
    RY_ASSERT(entry.has_value());
    configs_.emplace_back(e.index, entry->result);
    recompute_membership(fx);
  }
  return e.index;
}

void Core::append_from_leader(const Entry& entry, Fx& fx) {
  const Entry& e = log_.append(entry);
  write(Record{EntryRecord{e.index, e.term, e.kind, e.payload}}, fx);
  if (e.kind == EntryKind::config) {
    const auto config = decode_config_entry(e.payload);
    if (config) {
      configs_.emplace_back(e.index, config->result);
      recompute_membership(fx);
    }
  }
}

// Section 6.2: truncating at or below commit would undo a committed entry: fatal.
void Core::truncate_from(Index index, Fx& fx) {
  RY_ASSERT(index > commit_);
  log_.truncate_from(index);
  write(Record{TruncateRecord{index}}, fx);
  fx.truncate_log(index);
  synced_index_ = std::min(synced_index_, index - 1);
  for (Index& pending : pending_syncs_) pending = std::min(pending, index - 1);
  // Section 8.1: a configuration is undone by truncation.
  const auto before = configs_.size();
  while (!configs_.empty() && configs_.back().first >= index) configs_.pop_back();
  if (configs_.size() != before) recompute_membership(fx);
  for (auto it = waiting_.lower_bound(index); it != waiting_.end();) it = waiting_.erase(it);
}

void Core::send_append(NodeId to, bool heartbeat, Fx& fx) {
  Peer& peer = peers_.at(to);
  // Only a faulty answer (bug R1) can claim more than this log holds; send from its end.
  peer.next = std::min(peer.next, log_.last_index() + 1);
  if (peer.inflight && now_ - peer.inflight_since >= config_.election_min_ns) {
    peer.inflight = false;  // lost or very slow: send again
  }
  if (peer.next <= log_.base()) {
    // Section 7.2: the entries it needs are compacted; send the snapshot instead.
    if (!peer.inflight) send_snapshot_chunk(to, peer, fx);
    return;
  }
  AppendEntries m;
  m.term = term_;
  m.prev_index = peer.next - 1;
  m.prev_term = *log_.term_at(m.prev_index);
  m.leader_commit = commit_;
  m.round = round_;
  if (!peer.inflight) {
    // Section 6.1: a bounded batch, one unacknowledged batch per follower.
    std::uint64_t bytes = 0;
    for (Index i = peer.next; i <= log_.last_index(); ++i) {
      const Entry& e = log_.at(i);
      if (m.entries.size() >= config_.batch_entries_max) break;
      if (!m.entries.empty() && bytes + e.payload.size() > config_.batch_bytes_max) break;
      bytes += e.payload.size();
      m.entries.push_back(e);
    }
  }
  if (m.entries.empty() && !heartbeat) return;
  if (!m.entries.empty()) {
    peer.inflight = true;
    peer.inflight_last = m.prev_index + m.entries.size();
    peer.inflight_since = now_;
  }
  fx.send(to, std::move(m));
}

void Core::send_snapshot_chunk(NodeId to, Peer& peer, Fx& fx) {
  RY_ASSERT(snapshot_.has_value());
  // Section 7.2: a new snapshot, or a transfer stalled past its timeout, starts at offset 0.
  if (peer.snapshot_index != snapshot_->last_index ||
      (peer.snapshot_offset > 0 &&
       now_ - peer.snapshot_started >= config_.snapshot_transfer_timeout_ns)) {
    peer.snapshot_index = snapshot_->last_index;
    peer.snapshot_offset = 0;
  }
  if (peer.snapshot_offset == 0) peer.snapshot_started = now_;
  const std::string& image = snapshot_->image;
  const std::uint64_t offset = std::min<std::uint64_t>(peer.snapshot_offset, image.size());
  InstallSnapshot m;
  m.term = term_;
  m.last_index = snapshot_->last_index;
  m.last_term = snapshot_->last_term;
  m.last_hash = snapshot_->last_hash;
  m.config = snapshot_->config;
  m.offset = offset;
  m.chunk = image.substr(offset, config_.snapshot_chunk_bytes);
  m.done = offset + m.chunk.size() == image.size();
  m.checksum = image_checksum(image);
  peer.inflight = true;
  peer.inflight_last = 0;
  peer.inflight_since = now_;
  fx.send(to, std::move(m));
}

void Core::replicate(Fx& fx) {
  for (auto& [node, peer] : peers_) {
    if (!peer.inflight && peer.next <= log_.last_index()) send_append(node, false, fx);
  }
}

// A heartbeat round: every peer hears from the leader; ReadIndex and leases count the answers.
void Core::heartbeat_round(Fx& fx) {
  ++round_;
  round_start_[round_] = now_;
  for (const auto& [node, peer] : peers_) send_append(node, true, fx);
  serve_reads(fx);  // a single-voter cluster confirms its rounds alone
}

void Core::handle(NodeId from, const AppendEntries& m, Fx& fx) {
  if (m.term < term_) {
    fx.send(from, AppendEntriesResponse{term_, false, 0, 0, m.round, epoch_});
    return;
  }
  if (m.term > term_) adopt_term(m.term, fx);
  accept_leader(from, fx);
  AppendEntriesResponse r{term_, false, 0, 0, m.round, epoch_};
  if (m.prev_index > log_.last_index()) {
    r.hint = log_.last_index() + 1;
  } else if (m.prev_index >= log_.base() && log_.term_at(m.prev_index) != m.prev_term) {
    r.hint =
        m.prev_index == log_.base() ? log_.base() + 1 : log_.first_index_of_term_at(m.prev_index);
  } else {
    for (const Entry& e : m.entries) {
      if (e.index <= log_.base()) continue;  // inside the snapshot: committed, so matching
      if (e.index <= log_.last_index()) {
        if (log_.term_at(e.index) == e.term) continue;
        truncate_from(e.index, fx);
      }
      append_from_leader(e, fx);
    }
    r.success = true;
    // Section 6.3: only what this request vouched for. Bug R1 claims the whole log.
    const Index vouched = m.prev_index + m.entries.size();
    r.match = config_.has(Bug::R1) ? log_.last_index() : vouched;
    const Index bound = std::min(m.leader_commit, r.match);
    if (bound > commit_) set_commit(bound, fx);
    if (term_suspect_ && membership().is_voter(self_)) start_term_probe(fx);
    // Section 9: a log-suspect node has its log back once it holds the leader's log up to a
    // committed entry of the leader's term: every entry committed anywhere lies below it.
    if (log_suspect_ && m.leader_commit > 0 && r.match >= m.leader_commit &&
        log_.term_at(m.leader_commit) == m.term) {
      log_suspect_ = false;
      persist_term_vote(fx);
    }
  }
  fx.send(from, r);
}

// A response to this leader: a higher term is adopted (and the response dropped); a stale one,
// or any when not leading, is dropped; else the peer that answered.
Core::Peer* Core::responding_peer(NodeId from, Term term, Fx& fx) {
  if (term > term_) {
    adopt_term(term, fx);
    return nullptr;
  }
  if (term < term_ || role_ != Role::leader) return nullptr;
  const auto it = peers_.find(from);
  return it == peers_.end() ? nullptr : &it->second;
}

void Core::handle(NodeId from, const AppendEntriesResponse& m, Fx& fx) {
  Peer* responder = responding_peer(from, m.term, fx);
  if (responder == nullptr) return;
  Peer& peer = *responder;
  // Section 9: an answer from before the peer's disk lost state vouches for nothing; the first
  // from after it replaces what the leader knew.
  if (m.epoch < peer.epoch) return;
  if (m.epoch > peer.epoch) {
    take_epoch(peer, m.epoch,
               m.success ? m.match : (m.hint > 0 ? std::min(peer.match, m.hint - 1) : 0));
  }
  // Section 5.8: any answer counts for check-quorum. Bug R8 counts only successes.
  if (m.success || !config_.has(Bug::R8)) peer.heard = now_;
  peer.acked_round = std::max(peer.acked_round, m.round);
  if (m.success) {
    // Rule 6.4: responses may be stale or duplicated; match and next only rise. Bug R2 does not
    // take the max.
    if (config_.has(Bug::R2)) {
      peer.match = m.match;
      peer.next = m.match + 1;
    } else {
      peer.match = std::max(peer.match, m.match);
      peer.next = std::max(peer.next, m.match + 1);
    }
    peer.failures = 0;
    // A batch is acknowledged by an answer covering it (inflight_last is 0 for a snapshot
    // chunk, which only its own answer acknowledges).
    if (peer.inflight && peer.inflight_last > 0 && m.match >= peer.inflight_last) {
      peer.inflight = false;
    }
    advance_commit(fx);
    if (catch_up_ && catch_up_->node == from) check_catch_up(fx);
    if (transfer_target_ == from && peer.match == log_.last_index()) {
      fx.send(from, TimeoutNow{term_});
      if (transfer_request_) reply(*transfer_request_, ReplyStatus::ok, "", fx);
      transfer_request_.reset();
    }
  } else {
    // Rule 6.4: back off by 2^min(failures, 10), never below match + 1, helped by the hint.
    const Index step = Index{1} << peer.failures;
    peer.failures = std::min<std::uint32_t>(peer.failures + 1, 10);
    Index next = peer.next > step ? peer.next - step : 1;
    if (m.hint > 0) next = std::min(next, m.hint);
    peer.next = std::max(peer.match + 1, next);
    peer.inflight = false;
  }
  if (role_ == Role::leader && peers_.contains(from)) {
    if (!peer.inflight && peer.next <= log_.last_index()) send_append(from, false, fx);
    serve_reads(fx);
  }
}

bool Core::committed_own_term() const noexcept {
  return role_ == Role::leader && commit_ >= term_start_;
}

// Rule 6.5: the quorum-th largest match over the voters; only an entry of the current term is
// committed by counting (Figure 8). Bug R4 commits an earlier term's entry as well.
void Core::advance_commit(Fx& fx) {
  if (role_ != Role::leader) return;
  std::vector<Index> matches;
  for (const NodeId v : membership().voters) {
    if (v == self_) {
      matches.push_back(std::min(synced_index_, log_.last_index()));
    } else {
      const auto it = peers_.find(v);
      matches.push_back(it == peers_.end() ? 0 : it->second.match);
    }
  }
  std::sort(matches.begin(), matches.end(), std::greater<>());
  const Index n = matches[membership().quorum() - 1];
  if (n <= commit_ || n > log_.last_index()) return;
  if (log_.term_at(n) != term_ && !config_.has(Bug::R4)) return;
  const bool first_in_term = commit_ < term_start_ && n >= term_start_;
  set_commit(n, fx);
  if (first_in_term) start_read_rounds(fx);
  if (role_ == Role::leader) replicate(fx);
}

void Core::set_commit(Index index, Fx& fx) {
  RY_ASSERT(index > commit_ && index <= log_.last_index());
  commit_ = index;
  fx.note("commit", i64(index));
  apply_committed(fx);
}

// Section 6.6: every node applies in order; the leader answers its clients.
void Core::apply_committed(Fx& fx) {
  bool removed_self = false;
  while (applied_ < commit_) {
    const Entry& e = log_.at(applied_ + 1);
    apply_entry(e, fx);
    if (e.kind == EntryKind::config) {
      const auto entry = decode_config_entry(e.payload);
      removed_self = removed_self || (entry && entry->change.kind == ChangeKind::remove &&
                                      entry->change.node == self_);
    }
    applied_ = e.index;
    waiting_.erase(e.index);
  }
  maybe_snapshot(fx);
  serve_reads(fx);
  // Rule 8.4: a leader that removed itself steps down once the removal is committed.
  if (removed_self && role_ == Role::leader) become_follower(fx);
}

void Core::apply_entry(const Entry& e, Fx& fx) {
  const auto waiting = waiting_.find(e.index);
  const bool answer = role_ == Role::leader && waiting != waiting_.end();
  if (e.kind == EntryKind::command) {
    const auto command = decode_command(e.payload);
    RY_ASSERT(command.has_value());  // the leader encoded it
    const auto op = decode_operation(command->operation);
    RY_ASSERT(op.has_value());  // the leader decoded it before appending
    // A client's retry can be in the log twice: the store applies it once, and it is delivered
    // (the ordered output the checkers see) once.
    const bool fresh = !kv_.applied(command->id);
    const KvResult result = kv_.apply(command->id, *op);
    if (fresh) {
      const Delivery d{payload_id(command->id), fnv1a(command->operation)};
      ++delivered_count_;
      log_digest_ = ry::log_digest(log_digest_, d);
      fx.deliveries.push_back(d);
    }
    if (answer && waiting->second == command->id)
      reply(command->id, result.status, result.value, fx, fresh ? e.index : 0);
  } else if (e.kind == EntryKind::config && answer) {
    reply(waiting->second, ReplyStatus::ok, "", fx);
  }
}

// ---- Snapshots (section 7).

void Core::maybe_snapshot(Fx& fx) {
  const Index last_snapshot = snapshot_ ? snapshot_->last_index : 0;
  if (applied_ - last_snapshot < config_.snapshot_threshold || applied_ <= log_.base()) return;
  if (last_snapshot_at_ && now_ - *last_snapshot_at_ < config_.snapshot_cooldown_ns) return;
  last_snapshot_at_ = now_;
  Snapshot s;
  s.last_index = applied_;
  s.last_term = *log_.term_at(applied_);
  s.last_hash = *log_.hash_at(applied_);
  s.config = config_at(applied_);
  s.image = app_image();
  snapshot_ = std::move(s);
  const Index trailing_base =
      applied_ > config_.snapshot_trailing ? applied_ - config_.snapshot_trailing : 0;
  log_.compact_to(std::max(trailing_base, log_.base()));
  std::erase_if(configs_, [&](const auto& c) { return c.first <= applied_; });
  // Rule 2.5: the rewrite (snapshot, then the entries kept) is synced as one; finish() asks.
  rewrite_ = true;
  fx.note("snapshot", i64(applied_));
}

void Core::handle(NodeId from, const InstallSnapshot& m, Fx& fx) {
  if (m.term < term_) {
    fx.send(from, InstallSnapshotResponse{term_, m.last_index, 0, 0, epoch_});
    return;
  }
  if (m.term > term_) adopt_term(m.term, fx);
  accept_leader(from, fx);
  // Rule 7.3: an image at or behind commit is discarded, and answered as installed. Bug R9
  // installs it anyway.
  if (m.last_index <= commit_ && !config_.has(Bug::R9)) {
    receiver_.clear();
    fx.send(from, InstallSnapshotResponse{term_, m.last_index, 0, m.last_index, epoch_});
    return;
  }
  const std::uint64_t received = receiver_.take(m.last_index, m.last_term, m.offset, m.chunk);
  const bool took =
      received == m.offset + m.chunk.size() && receiver_.matches(m.last_index, m.last_term);
  if (!m.done || !took) {
    fx.send(from, InstallSnapshotResponse{term_, m.last_index, received, 0, epoch_});
    return;
  }
  const std::string image = receiver_.bytes();
  receiver_.clear();
  if (image_checksum(image) != m.checksum || !valid_app_image(image)) {
    fx.send(from, InstallSnapshotResponse{term_, m.last_index, 0, 0, epoch_});  // start over
    return;
  }
  install(m, image, fx);
  fx.send(from, InstallSnapshotResponse{term_, m.last_index, image.size(), m.last_index, epoch_});
}

void Core::install(const InstallSnapshot& m, const std::string& image, Fx& fx) {
  const Index old_commit = commit_;
  const bool keep_tail = !config_.has(Bug::R9) && log_.term_at(m.last_index) == m.last_term &&
                         m.last_index > log_.base();
  if (keep_tail) {
    log_.compact_to(m.last_index);  // the entries after it are consistent with it: keep them
    std::erase_if(configs_, [&](const auto& c) { return c.first <= m.last_index; });
    for (auto it = waiting_.begin(); it != waiting_.end() && it->first <= m.last_index;) {
      it = waiting_.erase(it);
    }
  } else {
    log_.reset(m.last_index, m.last_term, m.last_hash);
    configs_.clear();
    waiting_.clear();
  }
  const bool restored = restore_app(image);
  RY_ASSERT(restored);  // checked by the caller
  snapshot_ = Snapshot{m.last_index, m.last_term, m.last_hash, m.config, image};
  // Bug R9 sets commit and applied to the snapshot's index even when they were higher.
  commit_ = m.last_index;
  applied_ = m.last_index;
  synced_index_ = std::min(synced_index_, log_.last_index());
  recompute_membership(fx);
  rewrite_ = true;
  fx.note("snapshot_installed", i64(m.last_index), i64(old_commit));
  fx.transfer_state(delivered_count_, log_digest_);
}

// A snapshot's image: the store's, then how many commands the store has applied (delivered, in
// the checkers' terms) and their running log digest, 8 bytes each (little-endian).
std::string Core::app_image() const {
  std::string out = kv_.image();
  put_u64(out, delivered_count_);
  put_u64(out, log_digest_);
  return out;
}

bool Core::valid_app_image(std::string_view image) {
  KvStore probe;
  return image.size() >= 16 && probe.restore(image.substr(0, image.size() - 16));
}

bool Core::restore_app(std::string_view image) {
  if (image.size() < 16 || !kv_.restore(image.substr(0, image.size() - 16))) return false;
  ByteReader trailer(image.substr(image.size() - 16));
  delivered_count_ = trailer.u64();
  log_digest_ = trailer.u64();
  return true;
}

void Core::handle(NodeId from, const InstallSnapshotResponse& m, Fx& fx) {
  Peer* responder = responding_peer(from, m.term, fx);
  if (responder == nullptr) return;
  Peer& peer = *responder;
  if (m.epoch < peer.epoch) return;  // section 9, as for AppendEntriesResponse
  if (m.epoch > peer.epoch) take_epoch(peer, m.epoch, m.match);
  peer.heard = now_;
  peer.inflight = false;
  if (m.match > 0) {
    if (config_.has(Bug::R2)) {
      peer.match = m.match;
      peer.next = m.match + 1;
    } else {
      peer.match = std::max(peer.match, m.match);
      peer.next = std::max(peer.next, m.match + 1);
    }
    peer.snapshot_offset = 0;
    advance_commit(fx);
    if (catch_up_ && catch_up_->node == from) check_catch_up(fx);
  } else if (snapshot_ && m.last_index == snapshot_->last_index) {
    peer.snapshot_offset = m.received;
  }
  if (role_ == Role::leader && peers_.contains(from)) send_append(from, false, fx);
}

// ---- Membership (section 8).

const Membership& Core::membership() const noexcept {
  if (in_memory_config_) return *in_memory_config_;
  if (!configs_.empty()) return configs_.back().second;
  if (snapshot_) return snapshot_->config;
  return initial_config_;
}

Membership Core::config_at(Index index) const {
  for (auto it = configs_.rbegin(); it != configs_.rend(); ++it) {
    if (it->first <= index) return it->second;
  }
  return snapshot_ ? snapshot_->config : initial_config_;
}

void Core::recompute_membership(Fx& fx) {
  const Membership& m = membership();
  if (m != noted_config_) {
    noted_config_ = m;
    fx.note("config", i64(m.voters.size()), i64(m.learners.size()));
  }
  if (role_ == Role::leader) sync_peers();
}

// The leader replicates to every member of its latest configuration but itself.
void Core::sync_peers() {
  const Membership& m = membership();
  std::erase_if(peers_, [&](const auto& p) { return !m.is_member(p.first); });
  auto add = [&](NodeId n) {
    if (n == self_ || peers_.contains(n)) return;
    Peer peer;
    peer.next = log_.last_index() + 1;
    peer.heard = now_;
    peer.inflight_since = now_;
    peers_.emplace(n, peer);
  };
  for (const NodeId n : m.voters) add(n);
  for (const NodeId n : m.learners) add(n);
}

void Core::handle_admin(const ClientRequest& request, const AdminCommand& command, Fx& fx) {
  if (role_ != Role::leader) {
    fx.replies.emplace_back(request.id, ReplyStatus::not_leader, "", leader_);
    return;
  }
  if (const auto* transfer = std::get_if<TransferLeadership>(&command)) {
    // Section 5.7: leadership transfer.
    const NodeId target = transfer->target;
    if (target == self_ || !membership().is_voter(target) || transfer_target_) {
      reply(request.id, ReplyStatus::fail, "bad transfer", fx);
      return;
    }
    transfer_target_ = target;
    transfer_request_ = request.id;
    transfer_deadline_ = now_ + config_.transfer_timeout_ns;
    lease_until_ = never;
    fx.note("transfer", target.value);
    if (peers_.at(target).match == log_.last_index()) {
      fx.send(target, TimeoutNow{term_});
      reply(request.id, ReplyStatus::ok, "", fx);
      transfer_request_.reset();
    } else {
      send_append(target, true, fx);
    }
    return;
  }
  if (transfer_target_) {
    // Section 5.7: a transferring leader takes no proposals, membership changes included.
    fx.replies.emplace_back(request.id, ReplyStatus::not_leader, "", transfer_target_);
    return;
  }
  const auto change = std::get<MembershipChange>(command);
  const auto next = membership().after(change);
  if (!next) {
    reply(request.id, ReplyStatus::fail, "change does not apply", fx);
    return;
  }
  if (config_.has(Bug::R6)) {
    // Bug R6: the leader edits its configuration in memory, without a log entry.
    in_memory_config_ = *next;
    sync_peers();
    reply(request.id, ReplyStatus::ok, "", fx);
    return;
  }
  if (const char* why = config_change_refusal(); *why != '\0') {
    reply(request.id, ReplyStatus::fail, why, fx);
    return;
  }
  if (change.kind == ChangeKind::promote) {
    if (catch_up_) {
      reply(request.id, ReplyStatus::fail, "another learner is catching up", fx);
      return;
    }
    catch_up_ = CatchUp{change.node, request.id, commit_, now_, 1};
    check_catch_up(fx);
    return;
  }
  append_config(request.id, change, fx);
}

// Rule 8.2: an entry of this term committed (bug R7 skips it), and no config entry pending.
const char* Core::config_change_refusal() const noexcept {
  if (!committed_own_term() && !config_.has(Bug::R7)) return "no commit in this term yet";
  if (!configs_.empty() && configs_.back().first > commit_) return "a change is pending";
  return "";
}

void Core::append_config(RequestId request, MembershipChange change, Fx& fx) {
  const auto next = membership().after(change);
  if (!next) {
    reply(request, ReplyStatus::fail, "change does not apply", fx);
    return;
  }
  const Index index = append_local(EntryKind::config, encode(ConfigEntry{change, *next}), fx);
  waiting_[index] = request;
  replicate(fx);
  advance_commit(fx);
}

// Rule 8.3: called whenever the learner's match may have moved, and at every heartbeat.
void Core::check_catch_up(Fx& fx) {
  if (!catch_up_ || role_ != Role::leader) return;
  const auto peer = peers_.find(catch_up_->node);
  if (peer == peers_.end()) {  // removed meanwhile
    reply(catch_up_->request, ReplyStatus::fail, "learner is gone", fx);
    catch_up_.reset();
    return;
  }
  const bool in_time = now_ - catch_up_->started <= config_.election_min_ns;
  if (!in_time) {
    // The round took too long (or the learner is unreachable): start another, to the commit
    // index as it is now, unless the rounds are used up.
    if (catch_up_->rounds >= catch_up_rounds_max) {
      reply(catch_up_->request, ReplyStatus::fail, "learner too slow", fx);
      catch_up_.reset();
      return;
    }
    catch_up_->target = commit_;
    catch_up_->started = now_;
    ++catch_up_->rounds;
  }
  if (peer->second.match < catch_up_->target) return;
  const CatchUp done = *catch_up_;
  catch_up_.reset();
  if (const char* why = config_change_refusal(); *why != '\0') {
    reply(done.request, ReplyStatus::fail, why, fx);
    return;
  }
  append_config(done.request, MembershipChange{ChangeKind::promote, done.node}, fx);
}

// ---- Reads (section 10).

void Core::handle_read(const ClientRequest& request, const Operation& op, Fx& fx) {
  // Bug R10: the leader answers from its own store at once, with neither a lease nor a
  // ReadIndex round, so a deposed leader that has not heard of its successor serves stale reads.
  if (config_.has(Bug::R10) ||
      (config_.reads == Reads::lease && lease_valid() && applied_ >= commit_)) {
    reply(request.id, ReplyStatus::ok, kv_.value(op.key).value_or(""), fx);
    return;
  }
  // ReadIndex: note commit, confirm leadership by a heartbeat round, answer once applied.
  reads_.push_back(PendingRead{request.id, op.key, 0, 0});
  if (committed_own_term()) start_read_rounds(fx);
}

// Gives every read still waiting for a round its read index and starts one round for them.
void Core::start_read_rounds(Fx& fx) {
  if (role_ != Role::leader) return;
  const bool waiting =
      std::any_of(reads_.begin(), reads_.end(), [](const PendingRead& r) { return r.round == 0; });
  const bool lease = config_.reads == Reads::lease && lease_first_round_ == 0;
  if (!waiting && !lease) return;
  heartbeat_round(fx);
  if (lease) lease_first_round_ = round_;
  for (PendingRead& r : reads_) {
    if (r.round == 0) {
      r.round = round_;
      r.read_index = commit_;
    }
  }
  serve_reads(fx);
}

// The highest round a quorum of voters (the leader included) has answered.
std::uint64_t Core::confirmed_round() const noexcept {
  std::vector<std::uint64_t> rounds;
  for (const NodeId v : membership().voters) {
    if (v == self_) {
      rounds.push_back(round_);
    } else {
      const auto it = peers_.find(v);
      rounds.push_back(it == peers_.end() ? 0 : it->second.acked_round);
    }
  }
  std::sort(rounds.begin(), rounds.end(), std::greater<>());
  return rounds[membership().quorum() - 1];
}

void Core::serve_reads(Fx& fx) {
  if (role_ != Role::leader) return;
  const std::uint64_t confirmed = confirmed_round();
  // Section 10, leases: a round that a quorum answered, started after the noop committed,
  // extends the lease to its start plus D.
  if (config_.reads == Reads::lease && lease_first_round_ > 0 && confirmed >= lease_first_round_ &&
      !transfer_target_) {
    const auto it = round_start_.find(confirmed);
    if (it != round_start_.end() && it->second + config_.lease_ns() > lease_until_) {
      lease_until_ = it->second + config_.lease_ns();
      fx.note("lease", lease_until_.ns);
    }
  }
  std::erase_if(round_start_, [&](const auto& r) { return r.first < confirmed; });
  std::erase_if(reads_, [&](const PendingRead& r) {
    if (r.round == 0 || r.round > confirmed || applied_ < r.read_index) return false;
    reply(r.id, ReplyStatus::ok, kv_.value(r.key).value_or(""), fx);
    return true;
  });
}

bool Core::lease_valid() const noexcept {
  return role_ == Role::leader && !transfer_target_ && now_ < lease_until_;
}

void Core::take_epoch(Peer& peer, std::uint32_t epoch, Index vouched) {
  peer.epoch = epoch;
  peer.match = std::min(vouched, log_.last_index());
  peer.next = peer.match + 1;
  peer.inflight = false;
  peer.failures = 0;
}

std::optional<std::uint32_t> Core::epoch_of(NodeId peer) const noexcept {
  if (role_ != Role::leader || peer == self_) return std::nullopt;
  const auto it = peers_.find(peer);
  if (it == peers_.end()) return std::nullopt;
  return it->second.epoch;
}

std::optional<Index> Core::match_of(NodeId peer) const noexcept {
  if (role_ != Role::leader) return std::nullopt;
  if (peer == self_) return std::min(synced_index_, log_.last_index());
  const auto it = peers_.find(peer);
  if (it == peers_.end()) return std::nullopt;
  return it->second.match;
}

// ---- Durability and the end of a step (section 2).

std::vector<Record> Core::full_records() const {
  std::vector<Record> out;
  const auto suspect = static_cast<std::uint8_t>((term_suspect_ ? suspect_term : 0) |
                                                 (log_suspect_ ? suspect_log : 0));
  out.emplace_back(TermVoteRecord{term_, voted_for_, epoch_, suspect});
  if (snapshot_) {
    out.emplace_back(SnapshotRecord{*snapshot_, log_.base(), log_.base_term(), log_.base_hash()});
  }
  for (Index i = log_.base() + 1; i <= log_.last_index(); ++i) {
    const Entry& e = log_.at(i);
    out.emplace_back(EntryRecord{e.index, e.term, e.kind, e.payload});
  }
  return out;
}

void Core::finish(Fx& fx) {
  if (rewrite_) {
    rewrite_ = false;
    std::vector<Record> records = full_records();
    records.insert(records.begin(), records.front());  // never a single record (write())
    fx.disk_appends = encode_all(records);
    fx.disk_rewrite = true;
    disk_position_ = fx.disk_appends.size();
  }
  // Every write is synced before the sends of its step; a send while an older sync is still
  // outstanding waits for a new one (syncs complete in order), so no message overtakes a write.
  if (!fx.disk_appends.empty() || (!fx.sends.empty() && !pending_syncs_.empty())) {
    fx.disk_sync = true;
  }
  if (fx.disk_sync) pending_syncs_.push_back(log_.last_index());
}

void Core::reply(RequestId id, ReplyStatus status, std::string value, Fx& fx,
                 std::uint64_t position) {
  fx.replies.emplace_back(id, status, std::move(value), leader_, position);
}

std::uint64_t Core::state_digest() const noexcept {
  std::uint64_t h = hash_u64(fnv_offset, self_.value);
  h = hash_u64(h, term_);
  h = hash_u64(h, voted_for_ ? voted_for_->value + 1ULL : 0);
  h = hash_u64(h, static_cast<std::uint64_t>(role_));
  h = hash_u64(h, leader_ ? leader_->value + 1ULL : 0);
  h = hash_u64(h, commit_);
  h = hash_u64(h, applied_);
  h = hash_u64(h, log_.base());
  h = hash_u64(h, log_.last_index());
  h = hash_u64(h, log_.last_hash());
  h = hash_u64(h, kv_.digest());
  for (const NodeId v : membership().voters) h = hash_u64(h, v.value);
  h = hash_u64(h, UINT64_MAX);
  for (const NodeId l : membership().learners) h = hash_u64(h, l.value);
  for (const auto& [node, peer] : peers_) {
    h = hash_u64(hash_u64(hash_u64(h, node.value), peer.match), peer.next);
  }
  return h;
}

static_assert(ProtocolCore<Core>);

}  // namespace ry::raft
