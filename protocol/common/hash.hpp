// A small, stable 64-bit hash (FNV-1a over bytes, plus a mixer for integers). Used for content
// digests, state digests and the trace's event-stream hash; identical on every platform.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

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

// A word-at-a-time hash for long byte streams (the trace's event-stream hash): eight bytes per
// round, read in little-endian order whatever the host, so every platform gets the same value.
constexpr std::uint64_t stream_hash(std::string_view bytes, std::uint64_t h = fnv_offset) noexcept {
  std::size_t i = 0;
  auto mix = [](std::uint64_t acc, std::uint64_t word) {
    acc ^= word * 0x9e3779b97f4a7c15ULL;
    acc = (acc << 27) | (acc >> 37);
    return acc * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
  };
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word = 0;
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
      std::memcpy(&word, bytes.data() + i, 8);  // the same value as the loop below, faster
    } else {
      for (std::size_t k = 0; k < 8; ++k) {
        word |= std::uint64_t{static_cast<unsigned char>(bytes[i + k])} << (8 * k);
      }
    }
    h = mix(h, word);
  }
  std::uint64_t tail = bytes.size() - i;  // the length of the tail, so "a" and "a\0" differ
  for (std::size_t k = 0; i + k < bytes.size(); ++k) {
    tail |= std::uint64_t{static_cast<unsigned char>(bytes[i + k])} << (8 * (k + 1));
  }
  return mix(h, tail);
}

}  // namespace ry
