// An issuer's durable clock reservation (docs/trains.md 1 and 6): before it creates a train whose
// clock is above what it has reserved on disk, an issuer reserves the next `chunk` clocks with a
// synced write, and the sends of that step wait for the sync. A restarted issuer therefore knows a
// clock at or above every clock it ever created, and continues above it (its Join reports it, and
// the re-admission plan skips its slot up to there), so no key is ever created twice, at the cost
// of one sync per `chunk` trains. The record is written twice, so that one corrupted or torn copy
// still leaves a verified one. Reservations are appended, and every `reservations_per_rewrite`-th
// one rewrites the disk instead (bounded size): a torn or lost append leaves the previous
// reservation, which still covers every clock created (no train waits on an unsynced one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ry::trains {

constexpr std::uint64_t clock_reservation_chunk = 64;
constexpr std::uint64_t reservations_per_rewrite = 8;

// 'R', the clock (8 bytes, little-endian), a checksum of both (8 bytes).
[[nodiscard]] std::string encode_clock_reservation(std::uint64_t clock);
// nullopt unless `record` is exactly one verified reservation.
[[nodiscard]] std::optional<std::uint64_t> decode_clock_reservation(std::string_view record);
// What a restart finds on its disk: the highest verified reservation (nullopt when none
// verifies), how many records there were, and how many verified.
struct ClockRecovery {
  std::optional<std::uint64_t> reserved;
  std::size_t records = 0;
  std::size_t verified = 0;
};
[[nodiscard]] ClockRecovery recover_clock_reservation(const std::vector<std::string>& records);

}  // namespace ry::trains
