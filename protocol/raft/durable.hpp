// A Raft node's durable state (README.md section 9): the records it appends to
// its disk and what it trusts of them after a restart.
//
// Record format, each record standing alone so a torn or flipped one is told from a good one:
//
//   magic (1 byte, 0xa4) | kind (1 byte) | payload length (u32) | its complement (u32) |
//   position (u64) | payload | checksum (u64)
//
// integers little-endian byte by byte; the checksum is stream_hash over every byte before it.
// `position` is the record's place on the disk since the last rewrite (0, 1, 2...): a record
// written over another (a misdirected write) sits at a place that is not its own. The length
// is written twice so that one flipped bit in it cannot make a whole record look like a torn
// one (README.md section 9, protocol-aware recovery). Kinds:
//
//   1 term_vote  term (u64), voted_for (u32; 0xffffffff: none), epoch (u32), suspect (u8)
//   2 entry      index (u64), term (u64), kind (u8), payload (u32 length + bytes)
//   3 truncate   from (u64): entries at `from` and above are gone
//   4 snapshot   last_index, last_term, last_hash (u64 each), config, image (length + bytes),
//                then the log base the entries after it continue from: index, term, hash
//
// Recovery replays the records oldest first. The first record that does not verify (torn or
// corrupt) cuts the disk there: it and everything after are dropped, because a log with a hole
// is not a log. A verified record that the state cannot take (an entry that is not the next
// index, a term that falls, a truncation into the snapshot, a record out of its position) is
// what a misdirected write looks like and cuts the disk the same way. An entry that repeats one
// already held is skipped. After a recovery that cut anything the core rewrites its disk with
// what it recovered, so the bad record cannot cut later recoveries at the same spot.
//
// Torn or lost: a torn write is the first unsynced append of a crash, so it can only be the last
// record, and it is a strict prefix of a good one (shorter than its own length fields say, or too
// short to hold them). Cutting it loses nothing the node ever synced. Any other cut (a record
// that is whole but fails its checksum, a misplaced record, a cut before the last record), or a
// log whose last term is above the recovered term (the term record is gone), may have lost
// synced state: `lost()` says so, and the core then distrusts its term, vote and log
// (README.md section 9).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/ids.hpp"
#include "protocol/raft/log.hpp"
#include "protocol/raft/snapshot.hpp"

namespace ry::raft {

// Suspicion bits of a node whose disk lost synced state (README.md section 9): its term and
// vote, its log. Written with every term record until cleared, so a crash does not forget them.
enum SuspectBits : std::uint8_t { suspect_term = 1, suspect_log = 2 };

struct TermVoteRecord {
  Term term = 0;
  std::optional<NodeId> voted_for;
  std::uint32_t epoch = 0;   // the incarnation of the node's last lossy recovery (0: none)
  std::uint8_t suspect = 0;  // SuspectBits
  friend bool operator==(const TermVoteRecord&, const TermVoteRecord&) = default;
};

struct EntryRecord {
  Index index = 0;
  Term term = 0;
  EntryKind kind = EntryKind::noop;
  std::string payload;
  friend bool operator==(const EntryRecord&, const EntryRecord&) = default;
};

struct TruncateRecord {
  Index from = 0;
  friend bool operator==(const TruncateRecord&, const TruncateRecord&) = default;
};

struct SnapshotRecord {
  Snapshot snapshot;
  Index log_base = 0;  // the log keeps entries after this (at most snapshot.last_index)
  Term log_base_term = 0;
  std::uint64_t log_base_hash = 0;
  friend bool operator==(const SnapshotRecord&, const SnapshotRecord&) = default;
};

using Record = std::variant<TermVoteRecord, EntryRecord, TruncateRecord, SnapshotRecord>;

// `position`: the record's place on the disk since the last rewrite.
std::string encode(const Record& record, std::uint64_t position);
// A whole disk: the records at positions 0, 1, 2... (tests and rewrites).
std::vector<std::string> encode_all(const std::vector<Record>& records);
// The record, or nothing unless `bytes` verify exactly. Never asserts: disks hand it garbage.
std::optional<Record> decode_record(std::string_view bytes);

struct RecoveredState {
  Term term = 0;
  std::optional<NodeId> voted_for;
  std::uint32_t epoch = 0;
  std::uint8_t suspect = 0;
  std::optional<Snapshot> snapshot;
  Log log;
  std::size_t records = 0;     // read, verified or not
  std::size_t dropped = 0;     // cut off (unverified, refused, or after the cut)
  std::size_t duplicates = 0;  // verified repeats skipped
  bool torn_tail = false;      // the only bad record was a torn last one
  [[nodiscard]] bool cut() const noexcept { return dropped > 0; }
  // Synced state may be gone: a cut that is not a torn tail, or a log above the recovered term.
  [[nodiscard]] bool lost() const noexcept {
    const Term last = std::max(log.last_term(), snapshot ? snapshot->last_term : Term{0});
    return (cut() && !torn_tail) || last > term;
  }
};

RecoveredState recover(const std::vector<std::string>& records);

}  // namespace ry::raft
