// A node's own clock: offset and drift (ppm) against global simulated time. Cores read time and
// set timers only through it, so skew shows up as early or late timeouts (docs/design.md).
// Integer arithmetic only; jumps (issue: fault model) change the offset.
#pragma once

#include <cstdint>

#include "protocol/common/assert.hpp"
#include "protocol/common/ids.hpp"
#include "protocol/common/prng.hpp"

namespace ry {

class NodeClock {
 public:
  static constexpr std::int64_t drift_ppm_max = 100'000;  // 10 %: beyond any real oscillator

  NodeClock() = default;
  NodeClock(Nanos offset_ns, std::int64_t drift_ppm)
      : offset_ns_(offset_ns), drift_ppm_(drift_ppm) {
    RY_ASSERT(drift_ppm > -drift_ppm_max && drift_ppm < drift_ppm_max);
  }

  // local = global + offset + global * drift / 1e6
  [[nodiscard]] Time local(Time global) const noexcept {
    const auto skew =
        static_cast<std::int64_t>(static_cast<i128>(global.ns) * drift_ppm_ / 1'000'000);
    return Time{global.ns + offset_ns_ + skew};
  }

  // How much global time passes while this clock advances by `local_ns` (rounded up, so a timer
  // never fires before its local deadline).
  [[nodiscard]] Nanos global_duration(Nanos local_ns) const noexcept {
    RY_ASSERT(local_ns >= 0);
    const i128 scaled = static_cast<i128>(local_ns) * 1'000'000;
    const i128 rate = 1'000'000 + drift_ppm_;
    return static_cast<Nanos>((scaled + rate - 1) / rate);
  }

  void jump(Nanos delta_ns) noexcept { offset_ns_ += delta_ns; }
  void set_drift_ppm(std::int64_t drift_ppm) noexcept {
    RY_ASSERT(drift_ppm > -drift_ppm_max && drift_ppm < drift_ppm_max);
    drift_ppm_ = drift_ppm;
  }
  [[nodiscard]] Nanos offset_ns() const noexcept { return offset_ns_; }
  [[nodiscard]] std::int64_t drift_ppm() const noexcept { return drift_ppm_; }

 private:
  Nanos offset_ns_ = 0;
  std::int64_t drift_ppm_ = 0;
};

}  // namespace ry
