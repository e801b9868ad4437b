#include "tools/engine/swarm.hpp"

#include <gtest/gtest.h>

#include "tools/engine/run_options.hpp"

namespace ry {
namespace {

RunOptions swarm_run(std::uint64_t seed, const char* protocol = "trains") {
  RunOptions o;
  o.protocol = protocol;
  o.swarm = true;
  o.seed = seed;
  resolve(o);
  return o;
}

TEST(Swarm, TheMixIsAPureFunctionOfTheSeed) {
  for (std::uint64_t seed = 1; seed < 50; ++seed) {
    EXPECT_EQ(to_json(draw_swarm(swarm_run(seed))), to_json(draw_swarm(swarm_run(seed))));
  }
  EXPECT_NE(to_json(draw_swarm(swarm_run(1))), to_json(draw_swarm(swarm_run(2))));
}

// Swarm testing only pays if seeds really differ: each kind is on in about half the mixes, and
// the batch covers mixes with and without every kind.
TEST(Swarm, EachFaultKindIsOnInAboutHalfTheSeeds) {
  constexpr int seeds = 1000;
  int loss = 0, dup = 0, spikes = 0, fifo = 0, drift = 0;
  int crash = 0, pause = 0, cut = 0, partition = 0, clog = 0, jump = 0, drifts = 0, disk = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const SwarmMix m = draw_swarm(swarm_run(seed));
    loss += m.link.loss_ppm != 0;
    dup += m.link.duplicate_ppm != 0;
    spikes += m.link.spike_ppm != 0;
    fifo += m.link.fifo;
    drift += m.drift_ppm_max != 0;
    crash += m.nemesis.crash != 0;
    pause += m.nemesis.pause != 0;
    cut += m.nemesis.cut != 0;
    partition += m.nemesis.partition != 0;
    clog += m.nemesis.clog != 0;
    jump += m.nemesis.clock_jump != 0;
    drifts += m.nemesis.clock_drift != 0;
    disk += m.nemesis.disk != 0;
    EXPECT_LE(m.nemesis.interval_min_ns, m.nemesis.interval_max_ns);
    EXPECT_LE(m.nemesis.hold_min_ns, m.nemesis.hold_max_ns);
    EXPECT_LE(m.link.latency_min_ns, m.link.latency_max_ns);
    EXPECT_TRUE(m.nemesis.restart);  // TRAINS `to` restarts and re-admits crashed nodes
  }
  for (int on :
       {loss, dup, spikes, drift, crash, pause, cut, partition, clog, jump, drifts, disk}) {
    EXPECT_GT(on, seeds * 4 / 10);
    EXPECT_LT(on, seeds * 6 / 10);
  }
  EXPECT_GT(fifo, seeds / 5);
  EXPECT_LT(fifo, seeds * 3 / 10);
}

TEST(Swarm, TheRingRestartsCrashedNodesAndGetsNoDiskFaults) {
  for (std::uint64_t seed = 1; seed < 200; ++seed) {
    const SwarmMix m = draw_swarm(swarm_run(seed, "ring"));
    EXPECT_TRUE(m.nemesis.restart);
    EXPECT_EQ(m.nemesis.disk, 0U);
  }
}

// TRAINS uto is a static ring (protocol/trains/README.md section 2): a crashed node could only come
// back empty.
TEST(Swarm, TrainsUtoKeepsCrashedNodesDown) {
  for (std::uint64_t seed = 1; seed < 50; ++seed) {
    RunOptions o = swarm_run(seed);
    o.mode = "uto";
    EXPECT_FALSE(draw_swarm(o).nemesis.restart);
  }
}

TEST(Swarm, TheMixIsPrintedAndWrittenIntoTheHeader) {
  const RunOptions o = swarm_run(7);
  const std::string line = describe(draw_swarm(o));
  EXPECT_NE(line.find("latency"), std::string::npos);
  EXPECT_NE(to_json(o).find("\"swarm_mix\":{"), std::string::npos);
  RunOptions plain = o;
  plain.swarm = false;
  EXPECT_EQ(to_json(plain).find("swarm_mix"), std::string::npos);
}

}  // namespace
}  // namespace ry
