// The running digest of a delivered log (protocol/trains/README.md section 5 and 6). A core folds
// it over its own deliveries, ships it with a state transfer's snapshot and keeps it on disk beside
// the snapshot's position; the membership checkers fold the same function per position of the
// global sequence. One definition here, so the cores (which may not include invariants/) and the
// checkers can never disagree on a digest.
//
// Why a digest rather than the log: 8 bytes and one hash per delivery stand for any prefix, so
// nobody ever keeps or compares whole logs.
#pragma once

#include <cstdint>

#include "protocol/common/effects.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

// The digest of the empty log.
inline constexpr std::uint64_t log_digest_empty = fnv_offset;

// The digest of a log, given the digest of its prefix and its next delivery. Order-dependent, so
// that two logs with the same messages in another order differ.
constexpr std::uint64_t log_digest(std::uint64_t prefix, const Delivery& next) noexcept {
  return hash_u64(hash_u64(hash_u64(prefix, next.id.sender.value), next.id.seq), next.digest);
}

}  // namespace ry
