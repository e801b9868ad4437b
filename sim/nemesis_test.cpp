#include "sim/nemesis.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "protocol/ring/ring.hpp"
#include "sim/world.hpp"

namespace ry {
namespace {

class FaultCounter final : public Observer {
 public:
  void on_fault(const Step& s, const FaultInfo& f) override {
    ++kinds[f.kind];
    log.emplace_back(s.time.ns, f.kind, f.node, f.peer, f.value, f.detail);
  }
  void on_crash(const Step&, NodeRef) override { ++crashes; }
  void on_restart(const Step&, NodeRef) override { ++restarts; }
  [[nodiscard]] int total() const {
    int sum = 0;
    for (const auto& entry : kinds) sum += entry.second;
    return sum;
  }
  [[nodiscard]] std::vector<std::string> details(const std::string& kind) const {
    std::vector<std::string> out;
    for (const auto& f : log) {
      if (std::get<1>(f) == kind) out.push_back(std::get<5>(f));
    }
    return out;
  }
  std::map<std::string, int> kinds;
  std::vector<std::tuple<Nanos, std::string, std::int64_t, std::int64_t, std::int64_t, std::string>>
      log;
  int crashes = 0;
  int restarts = 0;
};

using RingWorld = World<ring::Core>;

WorldOptions options(std::uint64_t seed, std::uint32_t nodes = 4) {
  WorldOptions o;
  o.nodes = nodes;
  o.seed = seed;
  o.link.loss_ppm = 10'000;
  o.link.duplicate_ppm = 10'000;
  o.link.spike_ppm = 10'000;
  o.link.spike_ns = ms_ns;
  return o;
}

ring::Config ring_config(std::uint32_t nodes = 4) {
  ring::Config c;
  c.nodes = nodes;
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

// Only `kind` on, at weight 1.
NemesisOptions only(std::uint32_t NemesisOptions::*kind) {
  NemesisOptions n = busy();
  n.crash = n.pause = n.cut = n.partition = n.clog = n.clock_jump = n.clock_drift = n.disk = 0;
  n.*kind = 1;
  return n;
}

NemesisOptions everything() {
  NemesisOptions n = busy();
  n.crash = n.pause = n.cut = n.partition = n.clog = n.clock_jump = n.clock_drift = n.disk = 1;
  n.max_active = 3;
  n.max_down = 2;
  return n;
}

void run_to(RingWorld& w, Time t) {
  w.run_until(t, [] { return false; });
}

TEST(Nemesis, EveryKindIsReportedAndStopAndHealLeavesAWholeCluster) {
  RingWorld w(options(21), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  Nemesis nemesis(w, everything());
  w.start();
  nemesis.start();
  run_to(w, Time{2'000 * ms_ns});

  const NemesisStats& s = nemesis.stats();
  EXPECT_GT(s.crashes, 0U);
  EXPECT_GT(s.restarts, 0U);
  EXPECT_GT(s.pauses, 0U);
  EXPECT_GT(s.cuts, 0U);
  EXPECT_GT(s.partitions, 0U);
  EXPECT_GT(s.clogs, 0U);
  EXPECT_GT(s.clock_jumps, 0U);
  EXPECT_GT(s.clock_drifts, 0U);
  EXPECT_GT(s.disk_faults, 0U);
  EXPECT_EQ(faults.kinds["crash"], static_cast<int>(s.crashes));
  EXPECT_EQ(faults.kinds["restart"], static_cast<int>(s.restarts));
  EXPECT_EQ(faults.kinds["pause"], static_cast<int>(s.pauses));
  EXPECT_EQ(faults.kinds["cut"], static_cast<int>(s.cuts));
  EXPECT_EQ(faults.kinds["partition"], static_cast<int>(s.partitions));
  EXPECT_EQ(faults.kinds["clog"], static_cast<int>(s.clogs));
  EXPECT_EQ(faults.kinds["clock_jump"], static_cast<int>(s.clock_jumps));
  EXPECT_EQ(faults.kinds["clock_drift"], static_cast<int>(s.clock_drifts));
  EXPECT_EQ(faults.kinds["disk_torn"] + faults.kinds["disk_corrupt"] +
                faults.kinds["disk_misdirect"] + faults.kinds["disk_slow"],
            static_cast<int>(s.disk_faults));
  EXPECT_EQ(faults.crashes, faults.kinds["crash"]);  // each reported crash really happened
  EXPECT_EQ(faults.restarts, faults.kinds["restart"]);
  EXPECT_EQ(w.stats().faults, static_cast<std::uint64_t>(faults.total()));

  nemesis.stop_and_heal();
  EXPECT_EQ(faults.kinds["heal_all"], 1);
  EXPECT_EQ(nemesis.active(), 0U);
  for (std::uint32_t i = 0; i < w.node_count(); ++i) EXPECT_TRUE(w.is_up(NodeId{i})) << i;
  EXPECT_EQ(w.network().cut_count(), 0U);
  EXPECT_EQ(w.network().clog_count(), 0U);
  EXPECT_EQ(w.network().model().loss_ppm, 0U);
  EXPECT_EQ(w.network().model().duplicate_ppm, 0U);
  EXPECT_EQ(w.network().model().spike_ppm, 0U);
  EXPECT_EQ(faults.restarts, faults.crashes);

  // No fault is injected after the heal, and the cluster stays whole.
  const auto reported = w.stats().faults;
  run_to(w, Time{3'000 * ms_ns});
  EXPECT_EQ(w.stats().faults, reported);
  for (std::uint32_t i = 0; i < w.node_count(); ++i) {
    EXPECT_TRUE(w.is_up(NodeId{i}));
    EXPECT_FALSE(w.is_paused(NodeId{i}));
  }
  EXPECT_EQ(w.network().cut_count(), 0U);
}

TEST(Nemesis, FaultsOverlapUpToMaxActiveAndEachHealLeavesNoCutBehind) {
  RingWorld w(options(23, 5), ring_config(5));
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions o = busy();
  o.crash = o.pause = o.clock_jump = 0;
  o.cut = o.partition = 1;
  o.max_active = 3;
  o.hold_min_ns = 20 * ms_ns;  // holds longer than intervals: faults must overlap
  o.hold_max_ns = 40 * ms_ns;
  Nemesis nemesis(w, o);
  w.start();
  nemesis.start();
  std::size_t most = 0;
  while (w.now() < Time{1'000 * ms_ns} && w.step()) {
    most = std::max(most, nemesis.active());
    ASSERT_LE(nemesis.active(), 3U);
    // The network cuts exactly what the active faults cut: a heal never leaves a link cut, and
    // never heals a link that another overlapping fault still cuts.
    for (std::uint32_t i = 0; i < 5; ++i) {
      for (std::uint32_t j = 0; j < 5; ++j) {
        if (i == j) continue;
        ASSERT_EQ(w.network().is_cut(NodeId{i}, NodeId{j}), nemesis.holds_cut(NodeId{i}, NodeId{j}))
            << i << "->" << j << " at " << w.now().ns;
      }
    }
  }
  EXPECT_EQ(most, 3U);
  const int injected = faults.kinds["cut"] + faults.kinds["partition"];
  EXPECT_GT(injected, 20);
  // Every fault but the ones still active has been healed, one heal each.
  EXPECT_EQ(faults.kinds["heal"], injected - static_cast<int>(nemesis.active()));
  // A partition's heal names it.
  const auto partitions = faults.details("partition");
  const auto heals = faults.details("heal");
  for (const std::string& h : heals) {
    if (h.empty()) continue;  // a single-link cut's heal
    EXPECT_NE(std::find(partitions.begin(), partitions.end(), h), partitions.end()) << h;
  }
  nemesis.stop_and_heal();
  EXPECT_EQ(w.network().cut_count(), 0U);
}

TEST(Nemesis, PartitionsTakeEveryShape) {
  RingWorld w(options(24, 5), ring_config(5));
  FaultCounter faults;
  w.add_observer(&faults);
  Nemesis nemesis(w, only(&NemesisOptions::partition));
  w.start();
  nemesis.start();
  run_to(w, Time{2'000 * ms_ns});
  std::map<std::string, int> shapes;
  for (const std::string& d : faults.details("partition")) {
    if (d.find("|rest") != std::string::npos) {
      ++shapes["isolate"];
    } else if (d.rfind("ring ", 0) == 0) {
      ++shapes["ring"];
    } else if (d.rfind("bridge ", 0) == 0) {
      ++shapes["bridge"];
    } else if (d.find("->") != std::string::npos) {
      ++shapes["one_way"];
    } else if (d.find("}|{") != std::string::npos) {
      ++shapes["split"];
      // A minority: at most 2 of 5 nodes on the first side.
      EXPECT_LE(std::count(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.find('|')), ','), 1)
          << d;
    } else {
      ADD_FAILURE() << "unknown shape " << d;
    }
  }
  EXPECT_EQ(shapes.size(), 5U);
  EXPECT_EQ(faults.kinds.count("crash"), 0U);
  EXPECT_EQ(faults.kinds.count("cut"), 0U);
}

TEST(Nemesis, DiskFaultsTakeEveryKindAndClocksDrift) {
  RingWorld w(options(25), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions o = only(&NemesisOptions::disk);
  o.clock_drift = 1;
  o.drift_ppm_max = 300;
  Nemesis nemesis(w, o);
  w.start();
  nemesis.start();
  run_to(w, Time{2'000 * ms_ns});
  for (const char* kind : {"disk_torn", "disk_corrupt", "disk_misdirect", "disk_slow"}) {
    EXPECT_GT(faults.kinds[kind], 0) << kind;
  }
  EXPECT_GT(faults.kinds["clock_drift"], 0);
  for (const auto& f : faults.log) {
    if (std::get<1>(f) != "clock_drift") continue;
    EXPECT_LE(std::get<4>(f), 300);
    EXPECT_GE(std::get<4>(f), -300);
  }
  bool drifted = false;
  for (std::uint32_t i = 0; i < 4; ++i) drifted |= w.clock(NodeId{i}).drift_ppm() != 0;
  EXPECT_TRUE(drifted);
  nemesis.stop_and_heal();
  // Drift and disks are not reset: stop_and_heal only heals the network and processes.
  bool still = false;
  for (std::uint32_t i = 0; i < 4; ++i) still |= w.clock(NodeId{i}).drift_ppm() != 0;
  EXPECT_TRUE(still);
}

TEST(Nemesis, ClogsAreReportedAndEndByThemselves) {
  RingWorld w(options(26), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  Nemesis nemesis(w, only(&NemesisOptions::clog));
  w.start();
  nemesis.start();
  run_to(w, Time{500 * ms_ns});
  EXPECT_GT(faults.kinds["clog"], 5);
  EXPECT_EQ(static_cast<int>(nemesis.stats().clogs), faults.kinds["clog"]);
  for (const auto& f : faults.log) {
    EXPECT_NE(std::get<2>(f), std::get<3>(f));  // a link between two nodes
    EXPECT_GE(std::get<4>(f), 1 * ms_ns);       // the hold
    EXPECT_LE(std::get<4>(f), 30 * ms_ns);
  }
}

TEST(Nemesis, WithoutRestartCrashedNodesStayDown) {
  RingWorld w(options(27, 5), ring_config(5));
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions o = only(&NemesisOptions::crash);
  o.restart = false;
  o.max_down = 2;
  Nemesis nemesis(w, o);
  w.start();
  nemesis.start();
  run_to(w, Time{1'000 * ms_ns});
  EXPECT_EQ(faults.kinds["crash"], 2);  // max_down, then nothing more to crash
  EXPECT_EQ(faults.kinds.count("restart"), 0U);
  EXPECT_EQ(faults.restarts, 0);
  EXPECT_EQ(nemesis.active(), 0U);  // a node down for good holds no slot
  nemesis.stop_and_heal();
  EXPECT_EQ(faults.kinds.count("restart"), 0U);  // nothing reported for them
  run_to(w, Time{2'000 * ms_ns});
  std::uint32_t down = 0;
  for (std::uint32_t i = 0; i < 5; ++i) down += !w.is_up(NodeId{i});
  EXPECT_EQ(down, 2U);
  EXPECT_EQ(faults.restarts, 0);
}

TEST(Nemesis, NeverMoreThanMaxDownNodesDown) {
  RingWorld w(options(28, 5), ring_config(5));
  NemesisOptions o = everything();
  o.max_down = 2;
  Nemesis nemesis(w, o);
  w.start();
  nemesis.start();
  std::uint32_t most = 0;
  while (w.now() < Time{2'000 * ms_ns} && w.step()) {
    std::uint32_t down = 0;
    for (std::uint32_t i = 0; i < 5; ++i) down += !w.is_up(NodeId{i});
    ASSERT_LE(down, 2U);
    most = std::max(most, down);
  }
  EXPECT_EQ(most, 2U);
}

std::vector<std::tuple<Nanos, std::string, std::int64_t, std::int64_t, std::int64_t, std::string>>
fault_sequence(std::uint64_t seed) {
  RingWorld w(options(seed), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  Nemesis nemesis(w, everything());
  w.start();
  nemesis.start();
  run_to(w, Time{1'000 * ms_ns});
  nemesis.stop_and_heal();
  return faults.log;
}

TEST(Nemesis, SameSeedSameFaultSequence) {
  const auto a = fault_sequence(31);
  EXPECT_GT(a.size(), 50U);
  EXPECT_EQ(a, fault_sequence(31));
  EXPECT_NE(a, fault_sequence(32));
}

TEST(Nemesis, DisabledInjectsNothing) {
  RingWorld w(options(21), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions off = everything();
  off.enabled = false;
  Nemesis nemesis(w, off);
  w.start();
  nemesis.start();
  run_to(w, Time{300 * ms_ns});
  EXPECT_TRUE(faults.kinds.empty());
  EXPECT_EQ(w.stats().crashes, 0U);
}

TEST(Nemesis, OnlyTheEnabledKinds) {
  RingWorld w(options(22), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  Nemesis nemesis(w, only(&NemesisOptions::cut));
  w.start();
  nemesis.start();
  run_to(w, Time{300 * ms_ns});
  EXPECT_GT(faults.kinds["cut"], 0);
  EXPECT_EQ(faults.kinds["cut"], faults.total() - faults.kinds["heal"]);
}

TEST(Nemesis, AllWeightsZeroInjectsNothing) {
  RingWorld w(options(22), ring_config());
  FaultCounter faults;
  w.add_observer(&faults);
  NemesisOptions none = only(&NemesisOptions::cut);
  none.cut = 0;
  Nemesis nemesis(w, none);
  w.start();
  nemesis.start();
  run_to(w, Time{300 * ms_ns});
  EXPECT_TRUE(faults.kinds.empty());
}

}  // namespace
}  // namespace ry
