// The membership checkers' memory on a real delivery stream (TRAINS cores in a World, lossy,
// duplicating, reordering links, no membership faults): silent, uniform agreement's end-of-run
// check passes once quiet, and what they keep stays bounded (rejoin consistency's window). A
// test of the checkers, so it wires them itself; TRAINS's own World tests get every checker of a
// run through TrainsDriver (tools/protocols/trains/*_world_test.cpp), and the hand-made
// histories of each checker's own tests are what show them firing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "invariants/membership/no_redelivery_checker.hpp"
#include "invariants/membership/primary_component_checker.hpp"
#include "invariants/membership/rejoin_consistency_checker.hpp"
#include "invariants/membership/uniform_agreement_checker.hpp"
#include "invariants/membership/view_agreement_checker.hpp"
#include "invariants/membership/virtual_synchrony_checker.hpp"
#include "protocol/common/prng.hpp"
#include "protocol/trains/core.hpp"
#include "sim/world.hpp"

namespace ry::membership {
namespace {

TEST(MembershipCheckersWorld, BugFreeTrainsRunsAreClean) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto nodes = static_cast<std::uint32_t>(3 + seed % 3);
    trains::Config config;
    config.nodes = nodes;
    config.trains = 2;
    config.link_retransmit_ns = 5 * ms_ns;
    WorldOptions options;
    options.nodes = nodes;
    options.seed = seed;
    options.link.latency_min_ns = 50 * us_ns;
    options.link.latency_max_ns = 2 * ms_ns;
    options.link.loss_ppm = 50'000;
    options.link.duplicate_ppm = 50'000;
    World<trains::Core> world(options, config);

    Verdict verdict;
    ViewAgreementChecker views(verdict, nodes);
    PrimaryComponentChecker primary(verdict, nodes);
    VirtualSynchronyChecker synchrony(verdict, nodes);
    UniformAgreementChecker agreement(verdict, nodes);
    RejoinConsistencyChecker rejoin(verdict, nodes);
    NoRedeliveryChecker redelivery(verdict, nodes);
    for (Checker* c : std::initializer_list<Checker*>{&views, &primary, &synchrony, &agreement,
                                                      &rejoin, &redelivery}) {
      world.add_observer(c);
    }
    world.start();
    const auto stop = [&] { return verdict.violated(); };
    Prng rng(seed);
    for (std::uint64_t i = 1; i <= 200 && !verdict.violated(); ++i) {
      world.run_until(Time{static_cast<Nanos>(i) * ms_ns}, stop);
      const auto node = static_cast<std::uint32_t>(rng.below(nodes));
      world.client_request(NodeId{node},
                           ClientRequest{RequestId{ClientId{node}, i}, "m" + std::to_string(i)});
    }
    world.run_until(Time{3 * s_ns}, stop);  // quiet: every broadcast delivered everywhere

    EXPECT_FALSE(verdict.violated()) << verdict.first().property << " at step "
                                     << verdict.first().step << ": " << verdict.first().detail;
    std::vector<NodeId> live;
    for (std::uint32_t n = 0; n < nodes; ++n) live.push_back(NodeId{n});
    const auto missing = agreement.check_converged(world.stats().steps, live);
    EXPECT_FALSE(missing.has_value()) << *missing;
    EXPECT_GT(world.stats().deliveries, 0U);
    EXPECT_EQ(agreement.tracked(), 0U);
    EXPECT_GT(redelivery.checks(), 100U);
    EXPECT_GT(rejoin.checks(), 100U);
    EXPECT_LE(rejoin.kept(), RejoinConsistencyChecker::trim_period + nodes);
  }
}

}  // namespace
}  // namespace ry::membership
