// A Raft node's durable state (README.md section 9): the records it appends to
// its disk and what it trusts of them after a restart.
//
// Record format, each record standing alone so a torn or flipped one is told from a good one:
//
//   magic (1 byte, 0xa4) | kind (1 byte) | payload length (u32) | payload | checksum (u64)
//
// integers little-endian byte by byte; the checksum is stream_hash over every byte before it.
// Kinds:
//
//   1 term_vote  term (u64), voted_for (u32; 0xffffffff: none)
//   2 entry      index (u64), term (u64), kind (u8), payload (u32 length + bytes)
//   3 truncate   from (u64): entries at `from` and above are gone
//   4 snapshot   last_index, last_term, last_hash (u64 each), config, image (length + bytes),
//                then the log base the entries after it continue from: index, term, hash
//
// Recovery replays the records oldest first. The first record that does not verify (torn or
// corrupt) cuts the disk there: it and everything after are dropped, because a log with a hole
// is not a log. A verified record that the state cannot take (an entry that is not the next
// index, a term that falls, a truncation into the snapshot) is what a misdirected write looks
// like and cuts the disk the same way. An entry that repeats one already held is skipped.
// After a recovery that cut anything the core rewrites its disk with what it recovered, so the
// bad record cannot cut later recoveries at the same spot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/common/ids.hpp"
#include "protocol/raft/log.hpp"
#include "protocol/raft/snapshot.hpp"

namespace ry::raft {

struct TermVoteRecord {
  Term term = 0;
  std::optional<NodeId> voted_for;
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

std::string encode(const Record& record);
// The record, or nothing unless `bytes` verify exactly. Never asserts: disks hand it garbage.
std::optional<Record> decode_record(std::string_view bytes);

struct RecoveredState {
  Term term = 0;
  std::optional<NodeId> voted_for;
  std::optional<Snapshot> snapshot;
  Log log;
  std::size_t records = 0;     // read, verified or not
  std::size_t dropped = 0;     // cut off (unverified, refused, or after the cut)
  std::size_t duplicates = 0;  // verified repeats skipped
  [[nodiscard]] bool cut() const noexcept { return dropped > 0; }
};

RecoveredState recover(const std::vector<std::string>& records);

}  // namespace ry::raft
