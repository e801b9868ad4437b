#include "tools/engine/shrink.hpp"

#include <gtest/gtest.h>

#include "tools/engine/schedule_file.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {
namespace {

RunOptions run(const char* protocol, std::uint32_t nodes, std::uint64_t seed) {
  RunOptions o;
  o.protocol = protocol;
  o.nodes = nodes;
  o.seed = seed;
  return o;
}

RunOptions resolved(RunOptions o) {
  resolve(o);
  EXPECT_FALSE(validate(o)) << *validate(o);
  return o;
}

// TRAINS swarm seed 5 for 500 ms, recorded: its mix loses and duplicates messages.
RunOptions swarm_seed_5() {
  RunOptions o = run("trains", 5, 5);
  o.swarm = true;
  o.time_ms = 500;
  o = resolved(o);
  o.record = true;
  return o;
}

FaultStep step(Nanos at_ms, FaultStep::Action action, std::uint32_t node) {
  FaultStep s;
  s.at_ns = at_ms * ms_ns;
  s.action = action;
  s.node = node;
  return s;
}

// A recorded run replays event for event: the same sends, losses, duplicates and deliveries
// (only the step numbers differ: the nemesis's own wake-ups are steps and a replay has none).
TEST(ScheduleFile, ARecordedSwarmRunReplaysExactly) {
  const RunOptions o = swarm_seed_5();
  const RunResult recorded = simulate_any(o, nullptr);
  ASSERT_GT(recorded.recorded_faults.size(), 0U);
  ASSERT_GT(recorded.recorded_network.size(), 0U);  // seed 5's mix loses and duplicates
  const RunOptions scripted = scripted_options(o, recorded);
  const RunResult replayed = simulate_any(scripted, nullptr);
  EXPECT_FALSE(replayed.divergence);
  EXPECT_EQ(replayed.outcome, recorded.outcome);
  EXPECT_EQ(replayed.stats.sends, recorded.stats.sends);
  EXPECT_EQ(replayed.stats.arrivals, recorded.stats.arrivals);
  EXPECT_EQ(replayed.stats.drops, recorded.stats.drops);
  EXPECT_EQ(replayed.stats.duplicates, recorded.stats.duplicates);
  EXPECT_EQ(replayed.stats.deliveries, recorded.stats.deliveries);
  EXPECT_EQ(replayed.fault_counts, recorded.fault_counts);
  // Without the network decisions the seeded nemesis is still off, but the losses differ.
  RunOptions no_network = scripted;
  no_network.network.clear();
  EXPECT_NE(simulate_any(no_network, nullptr).stats.drops, recorded.stats.drops);
}

// A schedule recorded before a change of behaviour still replays after it, and says where the
// run left it: here the change is one train on the ring instead of two, which changes what is
// sent on every link.
TEST(ScheduleFile, AReplayAfterABehaviourChangeSaysWhereItLeftTheSchedule) {
  const RunOptions o = swarm_seed_5();
  const RunResult recorded = simulate_any(o, nullptr);
  RunOptions changed = scripted_options(o, recorded);
  changed.params["trains"] = 1;  // one train instead of two: other messages on every link
  const RunResult replayed = simulate_any(changed, nullptr);
  ASSERT_TRUE(replayed.divergence);
  EXPECT_GT(replayed.divergence->at_ns, 0);
  EXPECT_NE(replayed.divergence->kind, replayed.divergence->recorded_kind);
  bool said = false;
  for (const auto& [label, value] : replayed.summary) {
    if (label == "schedule") said = value.starts_with("left it at ");
  }
  EXPECT_TRUE(said);
}

// Planted bug Q1 (no quorum rule) splits the brain under a {0,1}|{2,3,4} partition. Around it,
// faults that have nothing to do with it: the shrinker keeps the partition alone, weakened no
// further than still fails, and proves the result 1-minimal.
TEST(Shrink, KeepsOnlyTheFaultThatMatters) {
  RunOptions o = run("trains", 5, 1);
  o.faults = "none";
  o.time_ms = 800;
  o.liveness_ms = 1500;
  o.bugs = {"Q1"};
  o = resolved(o);
  o.params["trains"] = 3;
  o.scripted = true;
  using A = FaultStep::Action;
  FaultStep jump = step(20, A::clock_jump, 3);
  jump.delta_ns = 300 * us_ns;
  FaultStep pause = step(60, A::pause, 4);
  pause.duration_ns = 3 * ms_ns;
  FaultStep split = step(150, A::partition, 0);
  split.shape = "split";
  split.side = {0, 1};
  FaultStep torn = step(200, A::disk, 2);
  torn.disk = "torn";
  FaultStep heal = step(450, A::heal, 0);
  o.schedule = {jump, pause, split, torn, heal};

  std::string error;
  ShrinkOptions options;
  options.budget_s = 600;
  const auto report = shrink(o, options, error);
  ASSERT_TRUE(report) << error;
  EXPECT_EQ(report->signature.describe(), "violation of primary_component");
  EXPECT_TRUE(report->signature.matches(report->shrunk_result));
  EXPECT_TRUE(report->one_minimal);
  // The heal at 450 ms never happened: the violation stopped the run before it.
  EXPECT_EQ(report->before.faults, 4U);
  ASSERT_EQ(report->shrunk.schedule.size(), 1U);
  EXPECT_EQ(report->shrunk.schedule[0].action, A::partition);
  EXPECT_LT(report->shrunk.time_ms, o.time_ms);  // cut short after the violation
  EXPECT_LE(report->after.clients, report->before.clients);
  EXPECT_GE(report->minimal_checks, 1U);

  // And it is 1-minimal indeed: without its one fault the run passes.
  RunOptions none = report->shrunk;
  none.schedule.clear();
  EXPECT_FALSE(report->signature.matches(simulate_any(none, nullptr)));
}

TEST(Shrink, RefusesARunThatDoesNotFail) {
  RunOptions o = run("trains", 3, 1);
  o.faults = "none";
  o.time_ms = 100;
  o = resolved(o);
  o.scripted = true;
  std::string error;
  EXPECT_FALSE(shrink(o, {}, error));
  EXPECT_EQ(error, "the run does not fail (passed): nothing to shrink");
}

}  // namespace
}  // namespace ry
