// Raft in the registry (tools/engine/protocol_descriptor.hpp). The protocol itself:
// protocol/raft/README.md.
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/protocols/raft/driver.hpp"

namespace ry {

namespace {

constexpr Choice workloads[] = {
    {"kv", "closed-loop clients on the replicated key-value store, following leader hints"},
};

constexpr std::string_view reads[] = {"log", "read_index", "lease"};

constexpr ParamSpec params[] = {
    {"raft_reads", "--raft-reads", "how reads are served: log, read_index or lease", 0, 0, 2, false,
     reads},
    {"snapshot_entries", "--snapshot-entries",
     "a node snapshots its store after this many applied entries", 10'000, 1, 1'000'000'000},
    {"snapshot_cooldown_ms", "--snapshot-cooldown-ms",
     "at least this long between two snapshots of one node", 60'000, 0, 1'000'000'000},
    // Small batches let a new leader's first answers cover only entries of earlier terms, the
    // schedule of the paper's Figure 8 (bug R4).
    {"batch_entries", "--batch-entries", "at most this many entries per AppendEntries", 100, 1,
     1'000'000},
    {"membership_ms", "--membership-ms",
     "every this many ms, ask the leader for a membership change (0: never)", 0, 0, 1'000'000},
};

constexpr BugSpec bugs[] = {
    {"R1", "raft", "a follower's match covers its whole log, not what the request vouched for"},
    {"R2", "raft", "the leader lowers match/next from a stale response (no max)"},
    {"R3", "raft", "a step-down leaves the pre-vote round and its tally set"},
    {"R4", "raft", "the leader commits an older term's entry by counting replicas (Figure 8)"},
    {"R5", "raft", "the vote is not synced before the grant is sent"},
    {"R6", "raft", "the leader applies a membership change in memory, without a log entry"},
    {"R7", "raft", "a config entry before the leader committed an entry of its own term"},
    {"R8", "raft", "check-quorum counts only successful answers, not rejections"},
    {"R9", "raft", "installing a snapshot moves commit and applied backwards"},
    {"R10", "raft", "a read is answered from the leader's store with no ReadIndex or lease check"},
    {"R11", "raft", "a put or append is acknowledged when appended, before it commits"},
};

constexpr std::string_view crash_moments[] = {
    "campaign",  "commit",   "config",
    "elected",   "lease",    "pre_vote",
    "recovered", "snapshot", "snapshot_installed",
    "step_down", "term",     "transfer",
    "truncate",
};

constexpr std::string_view properties[] = {
    "uniform_total_order",  "election_safety",  "term_monotonicity",   "commit_monotonic",
    "state_machine_safety", "log_matching",     "leader_completeness", "commit_current_term",
    "commit_has_quorum",    "match_monotonic",  "vote_integrity",      "pre_vote_freshness",
    "acknowledged_writes",  "replica_state",    "snapshot_safety",     "lease_safety",
    "config_safety",        "bounded_progress",
};

}  // namespace

extern const ProtocolDescriptor raft_protocol;
const ProtocolDescriptor raft_protocol{
    .name = "raft",
    .summary = "Raft: leader-based replicated log with pre-vote, snapshots and membership changes",
    .modes = {},
    .workloads = workloads,
    .params = params,
    .bugs = bugs,
    .crash_moments = crash_moments,
    .properties = properties,
    .restarts = [](const RunOptions&) { return true; },
    .disk_faults = true,
    .validate = nullptr,
    .simulate = simulate<RaftDriver>,
};

}  // namespace ry
