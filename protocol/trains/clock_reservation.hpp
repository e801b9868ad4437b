// An issuer's durable clock reservation (README.md section 1 and 6): before it creates a train
// whose clock is above what it has reserved on disk, an issuer reserves the next `chunk` clocks
// with a synced write, and the sends of that step wait for the sync. A restarted issuer therefore
// knows a clock at or above every clock it ever created, and continues above it (its Join reports
// it, and the re-admission plan skips its slot up to there), so no key is ever created twice, at
// the cost of one sync per `chunk` trains. Once half a chunk is used, the next is reserved ahead in
// a step of its own (persist.cpp), so in steady state no train waits for that sync. The record
// (durable.hpp, ReservationRecord) is written twice, so that one corrupted or torn copy still
// leaves a verified one, and every compaction of the disk writes the latest again (persist.cpp): a
// torn or lost append leaves the previous reservation, which still covers every clock created (no
// train waits on an unsynced one).
#pragma once

#include <cstdint>

namespace ry::trains {

constexpr std::uint64_t clock_reservation_chunk = 64;

}  // namespace ry::trains
