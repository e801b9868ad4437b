// Our own generator and bounded draws, identical on every standard library and compiler
// (README.md: the standard distributions differ between implementations).
#pragma once

#include <cstdint>

#include "protocol/common/assert.hpp"

namespace ry {

// 128-bit products for bounded draws and clock arithmetic (a GCC and Clang extension).
__extension__ using u128 = unsigned __int128;
__extension__ using i128 = __int128;

// splitmix64: seeds xoshiro and derives independent stream seeds from one run seed.
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Mixes a seed with a stream label so that streams are independent: a draw added to one stream
// never shifts the decisions of another.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) noexcept {
  std::uint64_t s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  splitmix64(s);
  return splitmix64(s);
}

// Named stream labels. Per-node streams are node_base + node id.
enum class Stream : std::uint64_t {
  network = 1,
  faults = 2,
  workload = 3,
  swarm = 4,
  clocks = 5,
  disk = 6,
  node_base = 1'000,
};

// xoshiro256** 1.0 (Blackman and Vigna), public-domain algorithm.
class Prng {
 public:
  explicit constexpr Prng(std::uint64_t seed = 0) noexcept {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }
  Prng(std::uint64_t run_seed, Stream stream, std::uint64_t index = 0) noexcept
      : Prng(derive_seed(run_seed, static_cast<std::uint64_t>(stream) + index)) {}

  constexpr std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound), bound > 0: Lemire's multiply-shift with rejection, so no modulo bias.
  std::uint64_t below(std::uint64_t bound) noexcept {
    RY_ASSERT(bound > 0);
    u128 m = static_cast<u128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<u128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], lo <= hi.
  // Unsigned arithmetic: hi - lo and lo + offset may exceed the int64 range in between.
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    RY_ASSERT(lo <= hi);
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == UINT64_MAX) return static_cast<std::int64_t>(next());
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span + 1));
  }

  // True with probability ppm / 1,000,000. Integer only: no floating point in decisions.
  bool chance_ppm(std::uint32_t ppm) noexcept {
    if (ppm == 0) return false;
    return below(1'000'000) < ppm;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t s_[4] = {};
};

}  // namespace ry
