// The Raft core (README.md): an I/O-free state machine satisfying ry::ProtocolCore. Each entry
// point runs to completion and appends its effects (sends, timers, disk records and syncs,
// deliveries, replies, notes); nothing here reads a clock, a disk or a network. After a restart
// the core is rebuilt from the records on its disk (durable.hpp).
//
// Shape of a step: handle the input, then finish(), which turns a requested rewrite into the
// full set of records, and asks for a sync whenever this step wrote anything or sends while an
// earlier sync is still outstanding, so that no message ever leaves before the writes it depends
// on (README.md section 2).
//
// Timers (ids): 1 election deadline (followers and candidates), 2 heartbeat (leader), 3 check-
// quorum window (leader).
//
// Typed effects (protocol/common/effects.hpp): a LogTruncation when a conflict drops entries
// from an index on; a StateTransfer when a restart or an installed snapshot replaces the applied
// sequence (so the ordering checkers count re-applied commands at their positions).
//
// Trace notes (observation only; fields a, b):
//   "pre_vote" (round_term)            a pre-vote round opened
//   "campaign" (term, transfer 0|1)    an election started
//   "elected" (term, last_index)       this node became leader
//   "step_down" (term)                 a leader became follower
//   "term" (new term)                  a higher term was adopted
//   "commit" (index)                   commit rose to index
//   "snapshot" (index)                 a snapshot was taken at index
//   "snapshot_installed" (index, old commit)
//   "config" (voters, learners)        the configuration in force changed
//   "transfer" (target)                a leadership transfer started
//   "lease" (until ns)                 the leader's read lease was extended
//   "recovered" (records, dropped)     a restart found its disk (dropped > 0: the disk was cut)
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/common/client.hpp"
#include "protocol/common/effects.hpp"
#include "protocol/common/kv_store.hpp"
#include "protocol/common/log_digest.hpp"
#include "protocol/common/prng.hpp"
#include "protocol/common/protocol_core.hpp"
#include "protocol/common/status.hpp"
#include "protocol/raft/config.hpp"
#include "protocol/raft/durable.hpp"
#include "protocol/raft/log.hpp"
#include "protocol/raft/membership.hpp"
#include "protocol/raft/messages.hpp"
#include "protocol/raft/snapshot.hpp"

namespace ry::raft {

enum class Role : std::uint8_t { follower, candidate, leader };
constexpr const char* to_string(Role r) noexcept {
  return r == Role::leader ? "leader" : r == Role::candidate ? "candidate" : "follower";
}

struct Status {
  Term term = 0;
  Role role = Role::follower;
  std::optional<NodeId> leader;
  Index commit = 0;
  Index applied = 0;
  friend bool operator==(const Status&, const Status&) = default;
};

// The payload of a command entry: the client request it carries and the encoded operation.
std::string encode_command(RequestId id, std::string_view operation);
struct Command {
  RequestId id;
  std::string_view operation;
};
std::optional<Command> decode_command(std::string_view payload) noexcept;

class Core {
 public:
  using Message = raft::Message;
  using Config = raft::Config;
  using Fx = Effects<Message>;

  static constexpr TimerId election_timer{1};
  static constexpr TimerId heartbeat_timer{2};
  static constexpr TimerId check_quorum_timer{3};

  Core(const Config& config, NodeId self, std::uint64_t node_seed, const Recovery& recovery);

  void on_start(Time now, Fx& fx) noexcept;
  void on_message(NodeId from, const Message& message, Time now, Fx& fx) noexcept;
  void on_timer(TimerId timer, Time now, Fx& fx) noexcept;
  void on_disk_synced(Time now, Fx& fx) noexcept;
  void on_client(const ClientRequest& request, Time now, Fx& fx) noexcept;
  [[nodiscard]] std::uint64_t state_digest() const noexcept;

  // ---- Read-only inspection for checkers, traces and tests.
  [[nodiscard]] NodeId self() const noexcept { return self_; }
  [[nodiscard]] Term term() const noexcept { return term_; }
  [[nodiscard]] std::optional<NodeId> voted_for() const noexcept { return voted_for_; }
  [[nodiscard]] Role role() const noexcept { return role_; }
  [[nodiscard]] std::optional<NodeId> leader() const noexcept { return leader_; }
  [[nodiscard]] Index commit_index() const noexcept { return commit_; }
  [[nodiscard]] Index applied_index() const noexcept { return applied_; }
  [[nodiscard]] Index last_index() const noexcept { return log_.last_index(); }
  // The last index this node knows durable (its own syncs completed).
  [[nodiscard]] Index synced_index() const noexcept {
    return std::min(synced_index_, log_.last_index());
  }
  [[nodiscard]] std::optional<Term> term_at(Index index) const noexcept {
    return log_.term_at(index);
  }
  [[nodiscard]] const Log& log() const noexcept { return log_; }
  [[nodiscard]] const Membership& membership() const noexcept;
  [[nodiscard]] const std::vector<NodeId>& voters() const noexcept { return membership().voters; }
  // The configuration the log (or the snapshot, or the initial one) puts in force at `index`.
  [[nodiscard]] Membership config_at(Index index) const;
  [[nodiscard]] const std::vector<NodeId>& learners() const noexcept {
    return membership().learners;
  }
  [[nodiscard]] const KvStore& kv() const noexcept { return kv_; }
  [[nodiscard]] const std::optional<Snapshot>& snapshot() const noexcept { return snapshot_; }
  [[nodiscard]] Status status() const noexcept {
    return Status{term_, role_, leader_, commit_, applied_};
  }
  // Leader only: the match index it holds for `peer` (nothing for a non-peer or a non-leader).
  // Telemetry for traces and summaries (protocol/common/status.hpp): role 0 follower,
  // 1 candidate, 2 leader; leader -1 when none is known.
  // "suspect" (1: term and vote distrusted, 2: log distrusted, section 9) is named only while
  // set.
  [[nodiscard]] ry::Status telemetry() const noexcept {
    ry::Status s = ry::Status{}
                       .add("term", static_cast<std::int64_t>(term_))
                       .add("role", static_cast<std::int64_t>(role_))
                       .add("leader", leader_ ? static_cast<std::int64_t>(leader_->value) : -1)
                       .add("commit", static_cast<std::int64_t>(commit_))
                       .add("applied", static_cast<std::int64_t>(applied_));
    if (term_suspect_ || log_suspect_)
      s.add("suspect", (term_suspect_ ? 1 : 0) | (log_suspect_ ? 2 : 0));
    return s;
  }
  [[nodiscard]] std::optional<Index> match_of(NodeId peer) const noexcept;
  // Leader only: the recovery epoch of `peer` its match index belongs to (section 9).
  [[nodiscard]] std::optional<std::uint32_t> epoch_of(NodeId peer) const noexcept;
  [[nodiscard]] bool lease_valid() const noexcept;
  // Section 9: this node's disk lost synced state and it has not yet relearned its term (it
  // neither votes nor campaigns), or its log (it neither votes nor campaigns).
  [[nodiscard]] bool term_suspect() const noexcept { return term_suspect_; }
  [[nodiscard]] bool log_suspect() const noexcept { return log_suspect_; }
  [[nodiscard]] std::uint32_t epoch() const noexcept { return epoch_; }

 private:
  // Leader-side replication state of one follower or learner (README.md section 6).
  struct Peer {
    Index next = 1;
    Index match = 0;
    bool inflight = false;  // one unacknowledged batch (or snapshot chunk) at a time
    Index inflight_last = 0;
    Time inflight_since;
    std::uint32_t failures = 0;  // consecutive rejections, for the back-off step
    Time heard;                  // last answer in this term (check-quorum)
    std::uint64_t acked_round = 0;
    Index snapshot_index = 0;  // the snapshot being sent, and how much of it the peer holds
    std::uint64_t snapshot_offset = 0;
    Time snapshot_started;    // when this transfer (last) started at offset 0
    std::uint32_t epoch = 0;  // the peer's recovery epoch that `match` belongs to (section 9)
  };
  // Rule 8.3: a learner's catch-up before its promotion. A round ends when the learner's match
  // reaches `target` (the commit index when the round began); one that ended within the minimum
  // election timeout lets the Promote entry in, a slower one starts another round.
  struct CatchUp {
    NodeId node;
    RequestId request;
    Index target = 0;
    Time started;
    std::uint32_t rounds = 0;
  };
  static constexpr std::uint32_t catch_up_rounds_max = 10;

  struct PendingRead {
    RequestId id;
    std::string key;
    Index read_index = 0;
    std::uint64_t round = 0;  // 0: waits for the leader's first commit in its term
  };

  // Message handlers.
  void handle(NodeId from, const PreVote& m, Fx& fx);
  void handle(NodeId from, const PreVoteResponse& m, Fx& fx);
  void handle(NodeId from, const RequestVote& m, Fx& fx);
  void handle(NodeId from, const RequestVoteResponse& m, Fx& fx);
  void handle(NodeId from, const AppendEntries& m, Fx& fx);
  void handle(NodeId from, const AppendEntriesResponse& m, Fx& fx);
  void handle(NodeId from, const InstallSnapshot& m, Fx& fx);
  void handle(NodeId from, const InstallSnapshotResponse& m, Fx& fx);
  void handle(NodeId from, const TimeoutNow& m, Fx& fx);

  // Terms, roles and elections (sections 2 and 5).
  void adopt_term(Term term, Fx& fx);
  void become_follower(Fx& fx);
  void accept_leader(NodeId from, Fx& fx);
  void close_pre_vote();
  void reset_election_timer(Fx& fx);
  [[nodiscard]] bool heard_leader_recently() const noexcept;
  void start_pre_vote(Fx& fx);
  void campaign(bool transfer, Fx& fx);
  void become_leader(Fx& fx);

  // Replication and commit (section 6).
  void send_append(NodeId to, bool heartbeat, Fx& fx);
  void send_snapshot_chunk(NodeId to, Peer& peer, Fx& fx);
  void replicate(Fx& fx);
  void heartbeat_round(Fx& fx);
  void advance_commit(Fx& fx);
  void set_commit(Index index, Fx& fx);
  void apply_committed(Fx& fx);
  void apply_entry(const Entry& entry, Fx& fx);
  Index append_local(EntryKind kind, std::string payload, Fx& fx);
  void append_from_leader(const Entry& entry, Fx& fx);
  void truncate_from(Index index, Fx& fx);
  [[nodiscard]] bool committed_own_term() const noexcept;

  // Snapshots (section 7).
  void maybe_snapshot(Fx& fx);
  void install(const InstallSnapshot& m, const std::string& image, Fx& fx);

  // Membership (section 8).
  void recompute_membership(Fx& fx);
  void sync_peers();
  void handle_admin(const ClientRequest& request, const AdminCommand& command, Fx& fx);
  // Rule 8.2's checks; an empty string if a config entry may be appended now, else why not.
  [[nodiscard]] const char* config_change_refusal() const noexcept;
  void append_config(RequestId request, MembershipChange change, Fx& fx);
  void check_catch_up(Fx& fx);

  // Reads (section 10).
  void handle_read(const ClientRequest& request, const Operation& op, Fx& fx);
  [[nodiscard]] std::uint64_t confirmed_round() const noexcept;
  void serve_reads(Fx& fx);
  void start_read_rounds(Fx& fx);

  // Durability and protocol-aware recovery (section 9).
  void persist_term_vote(Fx& fx);
  void write(const Record& record, Fx& fx);
  [[nodiscard]] bool suspect() const noexcept { return term_suspect_ || log_suspect_; }
  void start_term_probe(Fx& fx);
  void take_probe_answer(NodeId from, const PreVoteResponse& m, Fx& fx);
  // Section 6.4 with section 9: a response from a newer recovery epoch resets match and next.
  void take_epoch(Peer& peer, std::uint32_t epoch, Index vouched);
  void finish(Fx& fx);
  [[nodiscard]] std::vector<Record> full_records() const;

  // `position`: the log index that applied it (a witness order for history checkers), 0 if none.
  Peer* responding_peer(NodeId from, Term term, Fx& fx);
  // Snapshot images: the store plus the applied count and digest (core.cpp).
  [[nodiscard]] std::string app_image() const;
  static bool valid_app_image(std::string_view image);
  bool restore_app(std::string_view image);
  void reply(RequestId id, ReplyStatus status, std::string value, Fx& fx,
             std::uint64_t position = 0);

  Config config_;
  NodeId self_;
  // The applied commands as the ordering checkers see them: how many, and their running digest
  // (protocol/common/log_digest.hpp); carried in snapshots (app_image).
  std::uint64_t delivered_count_ = 0;
  std::uint64_t log_digest_ = log_digest_empty;
  Prng prng_;
  Time now_;
  std::uint32_t incarnation_ = 0;
  bool rewrite_ = false;
  std::size_t recovered_records_ = 0;
  std::size_t recovered_dropped_ = 0;
  bool recovered_lost_ = false;
  std::uint64_t disk_position_ = 0;  // where the next record goes (durable.hpp)

  // Durable (README.md section 2).
  Term term_ = 0;
  std::optional<NodeId> voted_for_;
  Log log_;
  std::optional<Snapshot> snapshot_;
  std::uint32_t epoch_ = 0;  // the incarnation of the last recovery that lost synced state
  bool term_suspect_ = false;
  bool log_suspect_ = false;

  // Volatile.
  Role role_ = Role::follower;
  std::optional<NodeId> leader_;
  Index commit_ = 0;
  Index applied_ = 0;
  KvStore kv_;
  Membership initial_config_;
  std::vector<std::pair<Index, Membership>> configs_;  // config entries in the log, in order
  std::optional<Membership> in_memory_config_;         // bug R6 only
  Membership noted_config_;                            // the last configuration noted
  std::optional<Time> last_leader_contact_;
  Index synced_index_ = 0;            // the last index known durable here
  std::vector<Index> pending_syncs_;  // last index at each sync asked for, oldest first
  SnapshotReceiver receiver_;
  std::optional<Time> last_snapshot_at_;  // when this node last took a snapshot (cooldown)

  // Pre-vote round and election (section 5).
  bool pre_vote_open_ = false;
  Term round_term_ = 0;
  std::set<NodeId> pre_votes_;
  std::set<NodeId> votes_;

  // Term probe of a term-suspect node (section 9).
  Time restarted_at_;
  Time last_probe_at_;
  std::uint32_t probes_sent_ = 0;
  std::uint64_t probe_ = 0;
  std::set<NodeId> probe_answers_;
  Term probe_max_ = 0;

  // Leader only.
  std::map<NodeId, Peer> peers_;
  Index term_start_ = 0;  // index of this leader's noop
  std::uint64_t round_ = 0;
  std::map<std::uint64_t, Time> round_start_;
  std::uint64_t lease_first_round_ = 0;
  Time lease_until_;
  std::optional<NodeId> transfer_target_;
  std::optional<RequestId> transfer_request_;
  Time transfer_deadline_;
  std::map<Index, RequestId> waiting_;  // proposals of this node awaiting apply
  std::optional<CatchUp> catch_up_;
  std::vector<PendingRead> reads_;
};

}  // namespace ry::raft
