#include "sim/clock.hpp"

#include <gtest/gtest.h>

namespace ry {
namespace {

TEST(NodeClock, DefaultIsGlobalTime) {
  const NodeClock c;
  EXPECT_EQ(c.local(Time{0}), Time{0});
  EXPECT_EQ(c.local(Time{123 * s_ns}), Time{123 * s_ns});
  EXPECT_EQ(c.global_duration(10 * ms_ns), 10 * ms_ns);
}

TEST(NodeClock, OffsetShiftsLocalTime) {
  const NodeClock ahead(5 * ms_ns, 0);
  EXPECT_EQ(ahead.local(Time{0}), Time{5 * ms_ns});
  EXPECT_EQ(ahead.local(Time{s_ns}), Time{s_ns + 5 * ms_ns});
  const NodeClock behind(-3 * ms_ns, 0);
  EXPECT_EQ(behind.local(Time{s_ns}), Time{s_ns - 3 * ms_ns});
  // An offset does not change how long a duration takes.
  EXPECT_EQ(ahead.global_duration(7 * ms_ns), 7 * ms_ns);
}

TEST(NodeClock, DriftAccumulates) {
  const NodeClock fast(0, 100);  // +100 ppm: 100 us ahead after one second
  EXPECT_EQ(fast.local(Time{s_ns}), Time{s_ns + 100 * us_ns});
  EXPECT_EQ(fast.local(Time{10 * s_ns}), Time{10 * s_ns + ms_ns});
  const NodeClock slow(0, -100);
  EXPECT_EQ(slow.local(Time{s_ns}), Time{s_ns - 100 * us_ns});
  const NodeClock both(2 * ms_ns, 100);
  EXPECT_EQ(both.local(Time{s_ns}), Time{s_ns + 2 * ms_ns + 100 * us_ns});
}

TEST(NodeClock, LocalTimeIsMonotonicUnderDrift) {
  for (std::int64_t drift : {-99'999LL, -1LL, 1LL, 99'999LL}) {
    const NodeClock c(-7, drift);
    Time prev = c.local(Time{0});
    for (Nanos g = 1; g < 5'000; ++g) {
      const Time t = c.local(Time{g});
      ASSERT_GE(t, prev) << "drift " << drift << " at " << g;
      prev = t;
    }
  }
}

TEST(NodeClock, GlobalDurationIsTheInverse) {
  const NodeClock fast(0, 50'000);  // 5 % fast: 10 ms local pass in 9.5238... ms global
  EXPECT_EQ(fast.global_duration(10 * ms_ns), 9'523'810);
  const NodeClock slow(0, -50'000);  // 5 % slow: 10 ms local take 10.526... ms global
  EXPECT_EQ(slow.global_duration(10 * ms_ns), 10'526'316);
  EXPECT_EQ(fast.global_duration(0), 0);
  // Exact when the division is exact: +100 ppm, 1.0001 s local is exactly 1 s global.
  const NodeClock tiny(0, 100);
  EXPECT_EQ(tiny.global_duration(s_ns + 100 * us_ns), s_ns);
}

// A timer set at global `start` for `local_ns` fires at start + global_duration(local_ns); by
// then the node's own clock must have advanced by at least local_ns (never early), and one
// nanosecond earlier it must not have (the rounding up is by less than one nanosecond).
TEST(NodeClock, TimersNeverFireBeforeTheirLocalDeadline) {
  for (std::int64_t drift : {-99'999LL, -50'000LL, -123LL, 0LL, 7LL, 100LL, 50'000LL, 99'999LL}) {
    const NodeClock c(1'234, drift);
    for (Nanos start : {0LL, 1LL, 999'999LL, 3'333'333'333LL}) {
      for (Nanos local_ns : {1LL, 3LL, 1'000LL, 999'983LL, 10'000'000LL, 7'777'777'777LL}) {
        const Nanos g = c.global_duration(local_ns);
        const Nanos advanced = c.local(Time{start + g}) - c.local(Time{start});
        ASSERT_GE(advanced, local_ns)
            << "drift " << drift << " start " << start << " local " << local_ns;
        // Not much later either: at most one tick of global time plus rounding.
        const Nanos advanced_before = c.local(Time{start + g - 1}) - c.local(Time{start});
        ASSERT_LE(advanced_before, local_ns) << "drift " << drift << " start " << start;
      }
    }
  }
}

TEST(NodeClock, JumpMovesLocalTimeOnly) {
  NodeClock c(0, 100);
  c.jump(20 * ms_ns);
  EXPECT_EQ(c.offset_ns(), 20 * ms_ns);
  EXPECT_EQ(c.local(Time{s_ns}), Time{s_ns + 20 * ms_ns + 100 * us_ns});
  c.jump(-50 * ms_ns);
  EXPECT_EQ(c.offset_ns(), -30 * ms_ns);
  EXPECT_EQ(c.local(Time{s_ns}), Time{s_ns - 30 * ms_ns + 100 * us_ns});
  EXPECT_EQ(c.drift_ppm(), 100);
  EXPECT_EQ(c.global_duration(s_ns + 100 * us_ns), s_ns);  // the rate is unchanged
}

TEST(NodeClock, ExtremeTimesDoNotOverflow) {
  // A century of simulated time at the largest drift: the 128-bit product keeps it exact.
  const Nanos century = 100LL * 365 * 24 * 3600 * s_ns;
  const NodeClock c(0, 99'999);
  EXPECT_EQ(c.local(Time{century}), Time{century + century / 1'000'000 * 99'999});
  EXPECT_GT(c.global_duration(century), 0);
  EXPECT_LT(c.global_duration(century), century);
}

TEST(NodeClock, DriftChangedMidRunKeepsTheReadingContinuousAndChangesTheRate) {
  NodeClock c(5 * ms_ns, 0);
  const Time at{2 * s_ns};
  const Time before = c.local(at);
  c.set_drift_ppm_at(at, 50'000);  // 5 % fast from 2 s on
  EXPECT_EQ(c.local(at), before);  // no jump
  EXPECT_EQ(c.drift_ppm(), 50'000);
  // 100 ms of global time later, the clock has advanced 105 ms.
  EXPECT_EQ(c.local(Time{at.ns + 100 * ms_ns}) - before, 105 * ms_ns);
  EXPECT_EQ(c.global_duration(105 * ms_ns), 100 * ms_ns);
  // Back to -5 % later: still continuous, now slow.
  const Time later{3 * s_ns};
  const Time reading = c.local(later);
  c.set_drift_ppm_at(later, -50'000);
  EXPECT_EQ(c.local(later), reading);
  EXPECT_EQ(c.local(Time{later.ns + 100 * ms_ns}) - reading, 95 * ms_ns);
  // Monotone across both changes.
  Time prev = c.local(Time{0});
  for (Nanos g = 0; g <= 4 * s_ns; g += 7 * ms_ns) {
    ASSERT_GE(c.local(Time{g}), prev);
    prev = c.local(Time{g});
  }
}

}  // namespace
}  // namespace ry
