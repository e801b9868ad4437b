// A log-bucketed histogram of simulated latencies (16 sub-buckets per power of two, so a
// percentile is within about 4 % of the exact value); integer only, so every build agrees.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "protocol/common/ids.hpp"

namespace ry {

class LatencyHistogram {
 public:
  void add(Nanos value) {
    if (value < 0) value = 0;
    ++buckets_[index(static_cast<std::uint64_t>(value))];
    ++count_;
  }
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

  // The upper edge of the bucket holding the p-th percentile (p in 0..100), or 0 if empty.
  [[nodiscard]] Nanos percentile(std::uint32_t p) const {
    if (count_ == 0) return 0;
    const std::uint64_t rank = (count_ * p + 99) / 100;  // 1-based, rounded up
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen >= rank && buckets_[i] > 0) return upper(i);
    }
    return upper(buckets_.size() - 1);
  }

 private:
  static constexpr int sub_bits = 4;
  static std::size_t index(std::uint64_t v) {
    if (v < (1U << sub_bits)) return static_cast<std::size_t>(v);
    const int top = static_cast<int>(std::bit_width(v)) - 1;  // >= sub_bits
    const auto mantissa = (v >> (top - sub_bits)) & ((1U << sub_bits) - 1);
    return static_cast<std::size_t>((top - sub_bits + 1) << sub_bits) + mantissa;
  }
  static Nanos upper(std::size_t i) {
    if (i < (1U << sub_bits)) return static_cast<Nanos>(i);
    const auto top = static_cast<int>(i >> sub_bits) + sub_bits - 1;
    const auto mantissa = i & ((1U << sub_bits) - 1);
    return static_cast<Nanos>(((std::uint64_t{1} << sub_bits) + mantissa + 1) << (top - sub_bits)) -
           1;
  }

  std::array<std::uint64_t, 64 << sub_bits> buckets_{};
  std::uint64_t count_ = 0;
};

}  // namespace ry
