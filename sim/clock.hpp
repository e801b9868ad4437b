// A node's own clock: offset and drift (ppm) against global simulated time. Cores read time and
// set timers only through it, so skew shows up as early or late timeouts (README.md).
// Integer arithmetic only.
//
// The model, and what clock faults do to timers:
//  - The clock runs piecewise linearly: from an anchor (global g0, local l0) it reads
//    local(g) = l0 + (g - g0) + (g - g0) * drift / 1e6 (truncated toward zero). A fresh clock is
//    anchored at (0, offset).
//  - A timer is converted to global time when it is set: it fires global_duration(after) later,
//    using the drift of that moment (rounded up, so it never fires before its local deadline as
//    long as the clock is not changed meanwhile).
//  - jump(delta) moves the local reading by delta at once, forwards or backwards. Timers already
//    armed do not move, like timers on a monotonic clock: a backward jump never makes a timer
//    fire earlier in global time, nor does a forward one; the core sees the jump in the `now`
//    it is handed when the timer fires (a backward jump makes that reading smaller).
//  - set_drift_ppm_at(now, ppm) changes the rate from `now` on without a jump: the reading at
//    `now` is unchanged. Timers already armed keep the global time computed when they were set;
//    timers set afterwards use the new rate.
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
  NodeClock(Nanos offset_ns, std::int64_t drift_ppm) : local0_(offset_ns), drift_ppm_(drift_ppm) {
    RY_ASSERT(drift_ppm > -drift_ppm_max && drift_ppm < drift_ppm_max);
  }

  [[nodiscard]] Time local(Time global) const noexcept {
    const Nanos elapsed = global.ns - global0_;
    const auto skew =
        static_cast<std::int64_t>(static_cast<i128>(elapsed) * drift_ppm_ / 1'000'000);
    return Time{local0_ + elapsed + skew};
  }

  // How much global time passes while this clock advances by `local_ns` (rounded up, so a timer
  // never fires before its local deadline).
  [[nodiscard]] Nanos global_duration(Nanos local_ns) const noexcept {
    RY_ASSERT(local_ns >= 0);
    const i128 scaled = static_cast<i128>(local_ns) * 1'000'000;
    const i128 rate = 1'000'000 + drift_ppm_;
    return static_cast<Nanos>((scaled + rate - 1) / rate);
  }

  void jump(Nanos delta_ns) noexcept { local0_ += delta_ns; }

  // Sets the drift as if it had been in force since the anchor (for a clock set up before the
  // run starts, at global time zero). Mid-run, use set_drift_ppm_at.
  void set_drift_ppm(std::int64_t drift_ppm) noexcept {
    RY_ASSERT(drift_ppm > -drift_ppm_max && drift_ppm < drift_ppm_max);
    drift_ppm_ = drift_ppm;
  }
  // Changes the rate from `global` on, keeping the reading at `global` continuous.
  void set_drift_ppm_at(Time global, std::int64_t drift_ppm) noexcept {
    RY_ASSERT(drift_ppm > -drift_ppm_max && drift_ppm < drift_ppm_max);
    local0_ = local(global).ns;
    global0_ = global.ns;
    drift_ppm_ = drift_ppm;
  }

  // The reading at global time zero of the current segment, extrapolated: local0 - g0 when the
  // drift is zero. Informational only.
  [[nodiscard]] Nanos offset_ns() const noexcept { return local0_ - global0_; }
  [[nodiscard]] std::int64_t drift_ppm() const noexcept { return drift_ppm_; }

 private:
  Nanos global0_ = 0;  // the anchor: global time ...
  Nanos local0_ = 0;   // ... and the local reading then
  std::int64_t drift_ppm_ = 0;
};

}  // namespace ry
