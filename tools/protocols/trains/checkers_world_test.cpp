// The checkers of a TRAINS run (TrainsDriver::attach: ordering, membership, TRAINS's own) on real
// cores in a World of three to five nodes, one to five trains: lossy (10%), duplicating,
// reordering links, fifo and not, staggered issuer starts, clients retrying at another node. No
// violation in bug-free runs, and uniform agreement holds once quiet; planted bug B3 (G3 skips
// issuers never heard from, protocol/trains/README.md section 8) trips clock_bound's downward
// closure.
#include <gtest/gtest.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "protocol/common/prng.hpp"
#include "protocol/trains/core.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/protocols/trains/driver.hpp"

namespace ry::trains {
namespace {

struct RunSetup {
  std::uint32_t nodes = 3;
  std::uint32_t trains = 2;
  bool fifo = true;
  BugSet bugs;
};

struct WorldRun {
  bool violated = false;
  Violation first;
  std::uint64_t checks = 0;
  std::size_t checkers = 0;
  std::optional<std::string> disagreement;  // uniform agreement's end-of-run check
  WorldStats stats;
};

WorldRun run(std::uint64_t seed, const RunSetup& s) {
  Prng rng(seed);
  Config config;
  config.nodes = s.nodes;
  config.trains = s.trains;
  config.link_fifo = s.fifo;
  config.link_retransmit_ns = 5 * ms_ns;
  config.bugs = s.bugs;
  for (std::uint32_t q = 0; q < s.trains; ++q) {
    config.issuer_start_ns.push_back(static_cast<Nanos>(rng.below(20)) * ms_ns);
  }
  WorldOptions options;
  options.nodes = s.nodes;
  options.seed = seed;
  options.link.latency_min_ns = 50 * us_ns;
  options.link.latency_max_ns = 2 * ms_ns;
  options.link.loss_ppm = 100'000;
  options.link.duplicate_ppm = 50'000;
  World<Core> world(options, config);

  Verdict verdict;
  RunOptions run_options;
  run_options.protocol = "trains";
  run_options.mode = "to";
  run_options.nodes = s.nodes;
  run_options.params["trains"] = s.trains;
  resolve(run_options);  // the protocol's other options at their defaults
  // This world's network is not the options' one: bounds derived from them would not hold.
  run_options.progress_check = false;
  TrainsDriver driver(run_options);
  CheckerSuite<Core> checkers(world, verdict);
  driver.attach(world, checkers);
  world.start();

  const auto stop = [&] { return verdict.violated(); };
  // Broadcasts at random times during the first 200 ms, unique ids, some client retries.
  for (std::uint64_t i = 1; i <= 120 && !verdict.violated(); ++i) {
    world.run_until(Time{static_cast<Nanos>(i) * 5 * ms_ns / 3}, stop);
    const auto node = static_cast<std::uint32_t>(rng.below(s.nodes));
    const MsgId id{NodeId{node}, i};
    world.client_request(NodeId{node}, ClientRequest{request_of(id), "m" + std::to_string(i)});
    if (rng.below(10) == 0) {
      world.client_request(NodeId{(node + 1) % s.nodes},
                           ClientRequest{request_of(id), "m" + std::to_string(i)});
    }
  }
  world.run_until(Time{2 * s_ns}, stop);

  WorldRun out;
  out.violated = verdict.violated();
  if (out.violated) out.first = verdict.first();
  out.checks = checkers.checks();
  out.checkers = checkers.size();
  if (!out.violated) {
    std::vector<NodeId> everyone;
    for (std::uint32_t n = 0; n < s.nodes; ++n) everyone.push_back(NodeId{n});
    out.disagreement = driver.uniform_agreement(world.stats().steps, everyone);
  }
  out.stats = world.stats();
  return out;
}

TEST(TrainsCheckersWorld, BugFreeLossyRunsAreClean) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    RunSetup s;
    s.nodes = static_cast<std::uint32_t>(3 + seed % 3);
    s.trains = static_cast<std::uint32_t>(1 + seed % s.nodes);
    s.fifo = seed % 2 == 0;
    const WorldRun o = run(seed, s);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_FALSE(o.violated) << o.first.property << " at step " << o.first.step << ": "
                             << o.first.detail;
    EXPECT_GT(o.stats.deliveries, 0U);
    EXPECT_GT(o.stats.drops, 0U);
    EXPECT_GT(o.stats.duplicates, 0U);
    EXPECT_EQ(o.checkers, 12U);  // ordering 3, membership 6, TRAINS 3
    EXPECT_GT(o.checks, 10'000U);
    EXPECT_FALSE(o.disagreement.has_value()) << *o.disagreement;
  }
}

TEST(TrainsCheckersWorld, B3TripsClockBound) {
  int caught = 0;
  std::uint64_t first_seed = 0;
  Violation first;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    RunSetup s;
    s.nodes = 3;
    s.trains = 3;
    s.fifo = false;
    s.bugs.add(Bug::B3);
    const WorldRun o = run(seed, s);
    if (!o.violated) continue;
    EXPECT_EQ(o.first.property, "clock_bound") << o.first.detail;
    if (caught++ == 0) {
      first_seed = seed;
      first = o.first;
    }
  }
  std::cout << "B3 tripped clock_bound in " << caught << " of 20 runs; first: seed " << first_seed
            << ", step " << first.step << ": " << first.detail << "\n";
  EXPECT_GT(caught, 0);
}

}  // namespace
}  // namespace ry::trains
