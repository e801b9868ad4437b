// A small, stable 64-bit hash (FNV-1a over bytes, plus a mixer for integers). Used for content
// digests, state digests and the trace's event-stream hash; identical on every platform.
#pragma once

#include <cstdint>
#include <string_view>

namespace ry {

constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = fnv_offset) noexcept {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= fnv_prime;
  }
  return h;
}

// Folds one integer into a running hash, byte by byte in little-endian order, so that the
// result never depends on the host's struct layout or padding.
constexpr std::uint64_t hash_u64(std::uint64_t h, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xffU;
    h *= fnv_prime;
  }
  return h;
}

}  // namespace ry
