// The messages of Raft (README.md section 3). Plain value types; `Message` is a std::variant
// dispatched with std::visit, so a new kind does not compile until every handler exists. Every
// message carries the sender's current term (`term`); the sender's id comes with the delivery.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "protocol/common/message_info.hpp"
#include "protocol/raft/log.hpp"
#include "protocol/raft/membership.hpp"

namespace ry::raft {

// Section 5.1: a pre-vote round asks whether an election at round_term (= term + 1) could win.
struct PreVote {
  Term term = 0;
  Term round_term = 0;
  Index last_index = 0;
  Term last_term = 0;
  // Non-zero: a term probe of a node that lost its term record (section 9); answered like any
  // pre-vote, the answer echoing it, so that only answers sent after the probe count.
  std::uint64_t probe = 0;
  friend bool operator==(const PreVote&, const PreVote&) = default;
};

struct PreVoteResponse {
  Term term = 0;  // the voter's current term
  Term round_term = 0;
  bool granted = false;
  std::uint64_t probe = 0;  // the probe answered, if any
  friend bool operator==(const PreVoteResponse&, const PreVoteResponse&) = default;
};

struct RequestVote {
  Term term = 0;
  Index last_index = 0;
  Term last_term = 0;
  bool transfer = false;  // the election follows a TimeoutNow: stickiness does not apply
  friend bool operator==(const RequestVote&, const RequestVote&) = default;
};

struct RequestVoteResponse {
  Term term = 0;
  bool granted = false;
  friend bool operator==(const RequestVoteResponse&, const RequestVoteResponse&) = default;
};

// Section 6. `round` numbers the leader's heartbeat rounds; the response echoes it so that a
// ReadIndex or lease round (section 10) knows which followers confirmed it.
struct AppendEntries {
  Term term = 0;
  Index prev_index = 0;
  Term prev_term = 0;
  std::vector<Entry> entries;
  Index leader_commit = 0;
  std::uint64_t round = 0;
  friend bool operator==(const AppendEntries&, const AppendEntries&) = default;
};

struct AppendEntriesResponse {
  Term term = 0;
  bool success = false;
  Index match = 0;  // on success: prev_index + entries.size()
  Index hint = 0;   // on failure: where the leader might try next (0: no hint)
  std::uint64_t round = 0;
  // The responder's recovery epoch (section 9): it rises when the responder's disk lost synced
  // state, and tells the leader to forget what it knew of the responder's log.
  std::uint32_t epoch = 0;
  friend bool operator==(const AppendEntriesResponse&, const AppendEntriesResponse&) = default;
};

// Section 7.2: one chunk of the leader's snapshot. `last_hash` is the chain hash at last_index,
// so the follower's log continues the same chain after it.
struct InstallSnapshot {
  Term term = 0;
  Index last_index = 0;
  Term last_term = 0;
  std::uint64_t last_hash = 0;
  Membership config;
  std::uint64_t offset = 0;
  std::string chunk;
  bool done = false;
  std::uint64_t checksum = 0;  // of the whole image
  friend bool operator==(const InstallSnapshot&, const InstallSnapshot&) = default;
};

struct InstallSnapshotResponse {
  Term term = 0;
  Index last_index = 0;        // of the snapshot being sent
  std::uint64_t received = 0;  // bytes of it the follower holds
  Index match = 0;             // last_index once installed (or found behind commit), else 0
  std::uint32_t epoch = 0;     // as in AppendEntriesResponse
  friend bool operator==(const InstallSnapshotResponse&, const InstallSnapshotResponse&) = default;
};

// Section 5.7: the leader hands over; the receiver campaigns at once.
struct TimeoutNow {
  Term term = 0;
  friend bool operator==(const TimeoutNow&, const TimeoutNow&) = default;
};

using Message =
    std::variant<PreVote, PreVoteResponse, RequestVote, RequestVoteResponse, AppendEntries,
                 AppendEntriesResponse, InstallSnapshot, InstallSnapshotResponse, TimeoutNow>;

// The term a message carries.
Term term_of(const Message& message) noexcept;

// Kind, a few integer fields and a digest of the whole content, for checkers and traces.
MessageInfo describe(const Message& message) noexcept;

}  // namespace ry::raft
