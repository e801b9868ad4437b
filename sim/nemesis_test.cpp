#include "sim/nemesis.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "protocol/ring/ring.hpp"
#include "sim/world.hpp"

namespace ry {
namespace {

class FaultCounter final : public Observer {
 public:
  void on_fault(const Step& s, const FaultInfo& f) override {
    ++kinds[f.kind];
    last_time = s.time;
  }
  void on_crash(const Step&, NodeRef) override { ++crashes; }
  void on_restart(const Step&, NodeRef) override { ++restarts; }
  std::map<std::string, int> kinds;
  int crashes = 0;
  int restarts = 0;
  Time last_time;
};

using RingWorld = World<ring::Core>;

WorldOptions options(std::uint64_t seed) {
  WorldOptions o;
  o.nodes = 4;
  o.seed = seed;
  o.link.loss_ppm = 10'000;
  o.link.duplicate_ppm = 10'000;
  return o;
}

ring::Config ring_config() {
  ring::Config c;
  c.nodes = 4;
  return c;
}

NemesisOptions busy() {
  NemesisOptions n;
  n.enabled = true;
  n.interval_min_ns = 2 * ms_ns;
  n.interval_max_ns = 10 * ms_ns;
  n.hold_min_ns = 1 * ms_ns;
  n.hold_max_ns = 30 * ms_ns;
  return n;
}

TEST(Nemesis, ReportsFaultsAndStopAndHealLeavesAWholeCluster) {
  RingWorld w(options(21), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  Nemesis nemesis(w, busy());
  w.start();
  nemesis.start();
  w.run_until(Time{600 * ms_ns}, [] { return false; });

  const NemesisStats& s = nemesis.stats();
  EXPECT_GT(s.crashes, 0U);
  EXPECT_GT(s.pauses, 0U);
  EXPECT_GT(s.cuts, 0U);
  EXPECT_GT(s.clock_jumps, 0U);
  EXPECT_EQ(faults.kinds["crash"], static_cast<int>(s.crashes));
  EXPECT_EQ(faults.kinds["pause"], static_cast<int>(s.pauses));
  EXPECT_EQ(faults.kinds["cut"], static_cast<int>(s.cuts));
  EXPECT_EQ(faults.kinds["clock_jump"], static_cast<int>(s.clock_jumps));
  EXPECT_EQ(faults.crashes, faults.kinds["crash"]);  // each reported crash really happened
  EXPECT_EQ(w.stats().faults, static_cast<std::uint64_t>([&] {
              int total = 0;
              for (const auto& [kind, count] : faults.kinds) total += count;
              return total;
            }()));

  nemesis.stop_and_heal();
  EXPECT_EQ(faults.kinds["heal_all"], 1);
  for (std::uint32_t i = 0; i < w.node_count(); ++i) EXPECT_TRUE(w.is_up(NodeId{i})) << i;
  EXPECT_EQ(w.network().cut_count(), 0U);
  EXPECT_EQ(w.network().model().loss_ppm, 0U);
  EXPECT_EQ(w.network().model().duplicate_ppm, 0U);
  EXPECT_EQ(faults.restarts, faults.crashes);

  // No fault is injected after the heal, and the cluster stays whole.
  const auto reported = w.stats().faults;
  w.run_until(Time{1'000 * ms_ns}, [] { return false; });
  EXPECT_EQ(w.stats().faults, reported);
  for (std::uint32_t i = 0; i < w.node_count(); ++i) {
    EXPECT_TRUE(w.is_up(NodeId{i}));
    EXPECT_FALSE(w.is_paused(NodeId{i}));
  }
  EXPECT_EQ(w.network().cut_count(), 0U);
}

TEST(Nemesis, DisabledInjectsNothing) {
  RingWorld w(options(21), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions off = busy();
  off.enabled = false;
  Nemesis nemesis(w, off);
  w.start();
  nemesis.start();
  w.run_until(Time{300 * ms_ns}, [] { return false; });
  EXPECT_TRUE(faults.kinds.empty());
  EXPECT_EQ(w.stats().crashes, 0U);
}

TEST(Nemesis, OnlyTheEnabledKinds) {
  RingWorld w(options(22), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions only_cuts = busy();
  only_cuts.crashes = false;
  only_cuts.pauses = false;
  only_cuts.clock_jumps = false;
  Nemesis nemesis(w, only_cuts);
  w.start();
  nemesis.start();
  w.run_until(Time{300 * ms_ns}, [] { return false; });
  EXPECT_GT(faults.kinds["cut"], 0);
  EXPECT_EQ(faults.kinds.count("crash"), 0U);
  EXPECT_EQ(faults.kinds.count("pause"), 0U);
  EXPECT_EQ(faults.kinds.count("clock_jump"), 0U);
}

}  // namespace
}  // namespace ry
