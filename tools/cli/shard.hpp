// A shard of a soak: `--shard I/N` runs the I-th of N disjoint slices of the seed range, so that
// N machines (GNU parallel slots, Slurm array tasks) share one soak and `soak-merge` joins their
// summaries. Seed s of FIRST..LAST belongs to shard ((s - FIRST) mod N) + 1: dealt round-robin,
// so every shard gets the same number of seeds (give or take one) and a mix of early and late
// seeds, whatever the range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ry {

struct Shard {
  std::uint64_t index = 1;  // 1..count
  std::uint64_t count = 1;
};

inline constexpr std::uint64_t shard_count_max = 1'000'000;

// "I/N" with 1 <= I <= N <= shard_count_max, or a one-line reason.
std::optional<Shard> parse_shard(const std::string& text, std::string& error);

// "I/N".
std::string to_string(const Shard& shard);

// How many seeds of FIRST..LAST the shard runs.
std::uint64_t shard_seed_count(std::uint64_t first, std::uint64_t last, const Shard& shard);

// Walks the seeds of one shard in increasing order without overflowing at 2^64 - 1.
class ShardSeeds {
 public:
  ShardSeeds(std::uint64_t first, std::uint64_t last, const Shard& shard);
  [[nodiscard]] bool done() const noexcept { return done_; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  void advance();

 private:
  std::uint64_t last_;
  std::uint64_t step_;
  std::uint64_t seed_ = 0;
  bool done_ = false;
};

}  // namespace ry
