// Fibers driven by the World's scheduler: they wake at simulated times only, interleave in a
// fixed order, and are stopped cleanly (never unwound) when the World goes away.
#include "sim/fiber.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/ring/ring.hpp"
#include "sim/world.hpp"

namespace ry {
namespace {

using RingWorld = World<ring::Core>;

WorldOptions options() {
  WorldOptions o;
  o.nodes = 3;
  o.seed = 3;
  return o;
}

ring::Config ring_config() {
  ring::Config c;
  c.nodes = 3;
  c.laps_max = 5;  // the ring goes quiet early: fibers are then the only events
  return c;
}

struct Wake {
  std::string who;
  Nanos t;
  friend bool operator==(const Wake&, const Wake&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Wake& w) {
    return os << w.who << "@" << w.t;
  }
};

TEST(Fiber, SleepsWakeAtTheRightSimulatedTimesAndInterleaveDeterministically) {
  RingWorld w(options(), ring_config());
  std::vector<Wake> log;
  w.start();
  w.spawn([&log](Fiber& f) {
    log.push_back({"a", f.now().ns});
    for (int i = 0; i < 3; ++i) {
      if (!f.sleep(10 * ms_ns)) return;
      log.push_back({"a", f.now().ns});
    }
  });
  w.spawn([&log](Fiber& f) {
    log.push_back({"b", f.now().ns});
    for (int i = 0; i < 2; ++i) {
      if (!f.sleep(15 * ms_ns)) return;
      log.push_back({"b", f.now().ns});
    }
  });
  w.run_until(Time{100 * ms_ns}, [] { return false; });
  // At 30 ms both wake; b asked first (at 15 ms, a at 20 ms), so b runs first.
  const std::vector<Wake> expected = {{"a", 0},          {"b", 0},          {"a", 10 * ms_ns},
                                      {"b", 15 * ms_ns}, {"a", 20 * ms_ns}, {"b", 30 * ms_ns},
                                      {"a", 30 * ms_ns}};
  EXPECT_EQ(log, expected);
}

TEST(Fiber, YieldResumesOnlyWhenTheSchedulerWakesIt) {
  RingWorld w(options(), ring_config());
  int steps = 0;
  bool back = false;
  w.start();
  w.spawn([&](Fiber& f) {
    ++steps;
    back = f.yield();  // nobody asked for a wake: it stays parked until the World ends
    ++steps;
  });
  w.run_until(Time{50 * ms_ns}, [] { return false; });
  EXPECT_EQ(steps, 1);
  EXPECT_FALSE(back);
}

TEST(Fiber, ZeroSleepRunsAfterEventsAlreadyDueNow) {
  RingWorld w(options(), ring_config());
  std::vector<Wake> log;
  w.start();
  w.spawn([&log](Fiber& f) {
    if (!f.sleep(0)) return;
    log.push_back({"a", f.now().ns});
  });
  w.spawn([&log](Fiber& f) { log.push_back({"b", f.now().ns}); });
  w.run_until(Time{ms_ns}, [] { return false; });
  EXPECT_EQ(log, (std::vector<Wake>{{"b", 0}, {"a", 0}}));
}

TEST(Fiber, ASleepingFiberIsStoppedCleanlyWhenTheWorldEnds) {
  bool returned = false;
  bool sleep_result = true;
  bool stopping_seen = false;
  bool second_sleep = true;
  {
    RingWorld w(options(), ring_config());
    w.start();
    w.spawn([&](Fiber& f) {
      sleep_result = f.sleep(10 * s_ns);  // far beyond the run
      stopping_seen = f.stopping();
      second_sleep = f.sleep(ms_ns);  // a body that ignores the first false gets false again
      returned = true;
    });
    w.run_until(Time{20 * ms_ns}, [] { return false; });
    EXPECT_FALSE(returned);
  }
  EXPECT_TRUE(returned);
  EXPECT_FALSE(sleep_result);
  EXPECT_TRUE(stopping_seen);
  EXPECT_FALSE(second_sleep);
}

TEST(Fiber, FinishedFibersAndSpawnsFromFibers) {
  RingWorld w(options(), ring_config());
  std::vector<Wake> log;
  w.start();
  w.spawn([&](Fiber& f) {
    log.push_back({"parent", f.now().ns});
    if (!f.sleep(ms_ns)) return;
    w.spawn([&](Fiber& child) { log.push_back({"child", child.now().ns}); });
    log.push_back({"parent", f.now().ns});
  });
  w.run_until(Time{10 * ms_ns}, [] { return false; });
  EXPECT_EQ(log, (std::vector<Wake>{{"parent", 0}, {"parent", ms_ns}, {"child", ms_ns}}));
}

// A FiberHost of our own: a fiber needs nothing from the World but now() and wake_later().
class ManualHost final : public FiberHost {
 public:
  Time now() const noexcept override { return now_; }
  void wake_later(Fiber&, Nanos after_ns) override { wakes.push_back(now_ + after_ns); }
  Time now_;
  std::vector<Time> wakes;
};

TEST(Fiber, ResumeRunsUntilTheNextSwitch) {
  ManualHost host;
  int progress = 0;
  auto fiber = std::make_unique<Fiber>(host, 0, [&](Fiber& f) {
    progress = 1;
    if (!f.sleep(5)) return;
    progress = 2;
  });
  EXPECT_EQ(progress, 0);  // constructing does not run the body
  fiber->resume();
  EXPECT_EQ(progress, 1);
  EXPECT_EQ(host.wakes, (std::vector<Time>{Time{5}}));
  EXPECT_FALSE(fiber->finished());
  host.now_ = Time{5};
  fiber->resume();
  EXPECT_EQ(progress, 2);
  EXPECT_TRUE(fiber->finished());
}

}  // namespace
}  // namespace ry
