// The observer-visible contract for a state transfer (protocol/trains/README.md section 5,
// "Rejoin"), on which the membership checkers rely (rejoin_consistency,
// no_redelivery_after_restart, uniform_agreement). A core that replaces its delivered log by a
// state transfer (a snapshot at some position plus the delivered tail after it, from one member)
// emits, in the step that applies it, one note
//
//   Note{.kind = "state_transfer", .a = X, .b = D, .c = donor}
//
//   X      the length of its log right after the transfer (X >= 0): positions 1..X are now the
//          donor's, and its next delivery is at position X + 1;
//   D      the log digest of its positions 1..X (log_digest, folded from log_digest_empty over
//          positions 1..X in order), as the int64 with the same bits;
//   donor  the node id the transfer came from, or -1: only for a violation's detail.
//
// Positions 1..X are not reported as deliveries: the note stands for them. A core that wants the
// tail reported as deliveries announces X = the snapshot's position and delivers the tail in later
// steps, never in the step of the note: the simulator reports a step's deliveries before its notes
// (sim/world.hpp, report_output), so a delivery in that step is counted at the position before
// the transfer. Without a note, a node's log continues across its restarts (it recovers its log
// from its disk, protocol/trains/README.md section 6), as the ordering checkers assume.
//
// Why a digest rather than the log: a core keeps D as a running fold over its own deliveries
// (8 bytes, one hash per delivery) and ships it with the snapshot, so nobody ever compares logs;
// the checkers keep the same fold per position of the global sequence.
//
// The digest itself (log_digest, log_digest_empty) lives in protocol/common/log_digest.hpp, so that
// cores, which may not include invariants/ (tools -> {sim, invariants} -> protocol), fold the very
// same function; it is re-exported here under its old names.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/common/effects.hpp"
#include "protocol/common/log_digest.hpp"

namespace ry::membership {

inline constexpr const char* state_transfer_kind = "state_transfer";

using ry::log_digest;
using ry::log_digest_empty;

struct StateTransfer {
  std::int64_t position = 0;  // X; negative only in a malformed note
  std::uint64_t digest = 0;   // D
  std::int64_t donor = -1;
};

// The note a core emits (tests and cores use it, so the encoding lives in one place).
constexpr Note state_transfer_note(std::uint64_t position, std::uint64_t digest,
                                   std::int64_t donor = -1) noexcept {
  return Note{state_transfer_kind, static_cast<std::int64_t>(position),
              std::bit_cast<std::int64_t>(digest), donor};
}

// The transfer a note announces, or nullopt if it is another kind of note.
inline std::optional<StateTransfer> as_state_transfer(const Note& note) noexcept {
  if (note.kind == nullptr || std::string_view(note.kind) != state_transfer_kind) {
    return std::nullopt;
  }
  return StateTransfer{note.a, std::bit_cast<std::uint64_t>(note.b), note.c};
}

}  // namespace ry::membership
