// A TRAINS node's durable state (README.md section 6): the records it appends to its disk
// and what it may trust of them after a restart. The core appends a ViewRecord when it installs
// a view, a DeliveredRecord per delivery, a SnapshotRecord when a state transfer replaces its
// log (section 5, "Rejoin"), and a ReservationRecord, twice, per clock reservation
// (clock_reservation.hpp); it compacts the disk now and then by rewriting it as the reservation,
// the view and a snapshot of the log so far. On restart it hands Recovery::records to recover().
//
// Record format: every record stands alone, so that a torn, flipped or misplaced record can be
// told from a good one without its neighbours:
//
//   magic (1 byte, 0xd5) | kind (1 byte) | payload length (u32) | payload | checksum (u64)
//
// integers little-endian, written byte by byte (the bytes never depend on the host or on struct
// padding, so traces and disks are the same with every compiler); the checksum is stream_hash
// (protocol/common/hash.hpp, eight bytes per round: a core writes one record per delivery, and
// byte-wise FNV-1a cost it a tenth of its time per message) over every byte before it. Any change
// within one 8-byte word changes it (each round is a bijection of the state for a given word and
// of the word for a given state), so the disk's one-bit corruption is always caught, and a torn
// record fails the length check. Payloads (kind):
//
//   1 view       view id (u64), member count (u32), members (u32 each)
//   2 delivered  position (u64), sender (u32), seq (u64), content digest (u64)
//   3 snapshot   position (u64), log digest of positions 1..position (u64)
//   4 reserve    clock (u64): the issuer may create clocks up to here
//
// Recovery rules, and why:
//  - The log is replayed from the oldest record: a snapshot at X that is ahead of the log
//    replaces it (a state transfer: positions 1..X are the donor's, summed up by their digest),
//    and a delivered record must carry exactly the next position. A gap or a position out of
//    place is what a misdirected write looks like (the newest record lands over an older one and
//    its own slot stays empty), and a record that does not verify is torn or corrupted: the log
//    is truncated at the first such record. Whatever follows is dropped, even if it verifies,
//    because a log with a hole in it is not a log; the node catches up by state transfer, which
//    is always safe, while guessing across a hole could deliver different content at a position
//    (section 6: never trust a corrupted record).
//  - A record that repeats what the log already holds (same position, same id and digest; a
//    snapshot equal to the log so far) is skipped: it tells nothing new. A repeat with different
//    content truncates the log there: the disk contradicts itself, so nothing from that record
//    on can be trusted to describe what the node delivered.
//  - Views are not part of the log: the recovered view is the verified ViewRecord with the
//    highest id, wherever it stands (the later one on equal ids). A node's view ids only grow,
//    so the highest is the last installed, even when a misdirected write moved it before older
//    ones or the log was truncated before it.
//  - Reservations are not part of the log either: the recovered one is the highest verified,
//    wherever it stands (an issuer only ever reserves higher; it writes each one twice, so that
//    one torn, flipped or overwritten copy leaves the other).
//  - After a recovery that dropped anything, the core must rewrite its disk (Effects::
//    disk_rewrite) with what it recovered before appending more: a bad record left in place
//    would truncate every later recovery at the same spot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/ids.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::trains {

struct ViewRecord {
  ViewId id;
  std::vector<NodeId> members;
  friend bool operator==(const ViewRecord&, const ViewRecord&) = default;
};

// Position p of the node's delivered log (1-based) is message `id` with content `digest`.
struct DeliveredRecord {
  std::uint64_t position = 0;
  MsgId id;
  std::uint64_t digest = 0;
  friend bool operator==(const DeliveredRecord&, const DeliveredRecord&) = default;
};

// A state transfer replaced positions 1..position; `log_digest` is their running digest.
struct SnapshotRecord {
  std::uint64_t position = 0;
  std::uint64_t log_digest = log_digest_empty;
  friend bool operator==(const SnapshotRecord&, const SnapshotRecord&) = default;
};

// The issuer this disk belongs to may create clocks up to `clock` (clock_reservation.hpp).
struct ReservationRecord {
  std::uint64_t clock = 0;
  friend bool operator==(const ReservationRecord&, const ReservationRecord&) = default;
};

using Record = std::variant<ViewRecord, DeliveredRecord, SnapshotRecord, ReservationRecord>;

std::string encode(const Record& record);

// The record `bytes` encodes, or nullopt unless they verify exactly (magic, kind, length,
// checksum, no trailing bytes). Never asserts on its input: disks hand it garbage.
std::optional<Record> decode(std::string_view bytes);

// Why recover() dropped records; each dropped record is counted once.
struct Dropped {
  std::size_t unverified = 0;        // torn or corrupted: failed to decode (views included)
  std::size_t out_of_order = 0;      // verified, but the log could not take it: truncated here
  std::size_t after_truncation = 0;  // verified log records after the truncation point
  std::size_t duplicates = 0;        // verified repeats of what the log already held
};

struct Recovered {
  std::size_t records = 0;  // read, verified or not
  std::optional<ViewRecord> view;
  std::optional<std::uint64_t> reserved;        // the highest verified reservation
  std::optional<SnapshotRecord> snapshot;       // the base of the log, if a state transfer set one
  std::vector<DeliveredRecord> tail;            // positions base + 1, base + 2, ... in order
  std::uint64_t log_digest = log_digest_empty;  // of positions 1..position()
  std::optional<std::size_t> truncated_at;      // index in the records where the log stopped
  Dropped dropped;

  // The length of the recovered log: its next delivery is at position() + 1.
  [[nodiscard]] std::uint64_t position() const noexcept {
    return (snapshot ? snapshot->position : 0) + tail.size();
  }
  [[nodiscard]] std::size_t verified() const noexcept { return records - dropped.unverified; }
};

// What verifies of a node's records, oldest first, by the rules above.
Recovered recover(const std::vector<std::string>& records);

}  // namespace ry::trains
