// Unit tests of one TRAINS core's membership (README.md section 5), driven message by message.
#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

#include "protocol/trains/core.hpp"

namespace ry::trains {
namespace {

constexpr Nanos suspect_ns = 100 * ms_ns;

Config five_nodes() {
  Config config;
  config.nodes = 5;
  config.trains = 2;
  config.suspect_ns = suspect_ns;
  return config;
}

bool reported_to(const Core::Fx& fx, NodeId coordinator) {
  return std::any_of(fx.sends.begin(), fx.sends.end(), [&](const Core::Fx::Send& s) {
    return s.to == coordinator && std::holds_alternative<ReportMsg>(s.message);
  });
}

bool noted(const Core::Fx& fx, std::string_view kind) {
  return std::any_of(fx.notes.begin(), fx.notes.end(),
                     [&](const Note& n) { return std::string_view(n.kind) == kind; });
}

// A node's own clock may read below zero (backward jumps, README.md section 1, "Clocks"). Node 4
// of swarm seed 46638 read about -2 s after the heal: taking time zero for "distrusted until
// never", it distrusted every member, so it ranked first for every view change, refused the
// others' ballots, and proposed as soon as a bare majority had answered, leaving a live member
// out each time: a view change every 40 ms that excluded one node and re-admitted another.
TEST(TrainsMembership, ALocalClockBelowZeroDistrustsNobody) {
  Core core(five_nodes(), NodeId{4}, 4, Recovery{});
  const Time start{-3000 * ms_ns};
  Core::Fx fx;
  core.on_start(start, fx);
  for (std::uint32_t n = 0; n < 4; ++n) EXPECT_FALSE(core.distrusts(NodeId{n})) << "node " << n;

  fx.clear();
  const Gather gather{ViewId{0}, Ballot{1, NodeId{0}}};
  core.on_message(NodeId{0}, Message{gather}, start + ms_ns, fx);
  EXPECT_TRUE(reported_to(fx, NodeId{0}));
  EXPECT_TRUE(core.frozen());
}

// Distrust still starts and lapses on such a clock: three repeats of a Gather this node already
// answered, then 4 * suspect_ns.
TEST(TrainsMembership, DistrustLapsesOnALocalClockBelowZero) {
  Core core(five_nodes(), NodeId{4}, 4, Recovery{});
  Time now{-3000 * ms_ns};
  Core::Fx fx;
  core.on_start(now, fx);
  const Gather gather{ViewId{0}, Ballot{1, NodeId{0}}};
  for (int i = 0; i < 4; ++i) {
    fx.clear();
    now = now + ms_ns;
    core.on_message(NodeId{0}, Message{gather}, now, fx);
  }
  EXPECT_TRUE(noted(fx, "distrust"));
  EXPECT_TRUE(core.distrusts(NodeId{0}));
  EXPECT_FALSE(core.distrusts(NodeId{1}));

  fx.clear();
  core.on_message(NodeId{1}, Message{Heartbeat{ViewId{0}}}, now + (4 * suspect_ns - 1), fx);
  EXPECT_TRUE(core.distrusts(NodeId{0}));
  core.on_message(NodeId{1}, Message{Heartbeat{ViewId{0}}}, now + 4 * suspect_ns, fx);
  EXPECT_FALSE(core.distrusts(NodeId{0}));
}

}  // namespace
}  // namespace ry::trains
