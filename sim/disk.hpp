// A node's simulated disk: an append-only list of records plus whole-disk rewrites, with write
// and sync latency (applied by the World). Only synced operations survive a crash
// (README.md, "Disk"). Disk faults, each driven by a seed the World draws from the disk
// stream, so a run with faults stays reproducible:
//  - torn: at the next crash, the first unsynced append survives as a strict, non-empty prefix
//    of itself (if the first unsynced operation is not an append, or is shorter than two bytes,
//    nothing survives); consumed by that crash.
//  - corrupt: one bit of one durable record flips, now.
//  - misdirect: the next append that becomes durable overwrites one existing durable record
//    instead of being appended (the victim is replaced, the intended position is missing); on an
//    empty disk it is simply lost. Stays armed across crashes until an append consumes it.
//  - slow: the World multiplies sync latency while it lasts (sim/world.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ry {

enum class DiskFault : std::uint8_t { torn, corrupt, misdirect, slow };

// While a disk is slow, its write and sync latency is this many times the model's.
constexpr std::int64_t slow_disk_factor = 20;

// The fault's kind as reported in the trace: "disk_torn", "disk_corrupt", ...
constexpr const char* fault_kind(DiskFault f) {
  switch (f) {
    case DiskFault::torn: return "disk_torn";
    case DiskFault::corrupt: return "disk_corrupt";
    case DiskFault::misdirect: return "disk_misdirect";
    case DiskFault::slow: return "disk_slow";
  }
  return "disk_?";
}

class Disk {
 public:
  void append(std::string record) { pending_.push_back(Op{false, std::move(record)}); }
  // Starts a new content: what follows replaces everything once synced.
  void rewrite() { pending_.push_back(Op{true, {}}); }

  // Marks the operations issued so far; they become durable when sync_complete(mark) runs.
  [[nodiscard]] std::uint64_t sync_mark() const noexcept { return applied_ + pending_.size(); }
  void sync_complete(std::uint64_t mark);

  // Crash: unsynced operations are lost (but for a torn write, if one is armed). Their positions
  // stay used, so a sync requested before the crash can never make a later write durable.
  void crash();

  // Faults. `seed` picks the torn length, the flipped bit, the misdirect victim.
  void arm_torn(std::uint64_t seed) noexcept { torn_seed_ = seed; }
  void arm_misdirect(std::uint64_t seed) noexcept { misdirect_seed_ = seed; }
  // Flips one bit of one non-empty durable record; false (and no change) if there is none.
  bool corrupt(std::uint64_t seed);
  [[nodiscard]] bool torn_armed() const noexcept { return torn_seed_.has_value(); }
  [[nodiscard]] bool misdirect_armed() const noexcept { return misdirect_seed_.has_value(); }

  [[nodiscard]] const std::vector<std::string>& durable() const noexcept { return durable_; }
  [[nodiscard]] std::size_t unsynced() const noexcept { return pending_.size(); }
  [[nodiscard]] std::uint64_t bytes() const noexcept;

 private:
  struct Op {
    bool rewrite;
    std::string record;
  };
  void make_durable(std::string record);

  std::vector<std::string> durable_;
  std::vector<Op> pending_;
  std::uint64_t applied_ = 0;  // position of pending_[0]: operations applied or lost before it
  std::optional<std::uint64_t> torn_seed_;
  std::optional<std::uint64_t> misdirect_seed_;
};

}  // namespace ry
