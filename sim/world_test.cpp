// The World's contract with a core (README.md, "The one interface" and "Simulator"),
// checked with a scriptable probe core: its client requests are commands ("append x; sync;
// send 1 7") so each test can make one node do exactly the effects it needs.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/ring/ring.hpp"
#include "sim/world_test_probe.hpp"

namespace ry::world_test {

TEST(World, StartsEveryNodeAtTimeZero) {
  ProbeWorld w(quiet_options(3), {});
  w.start();
  for (NodeId n : {n0, n1, n2}) {
    ASSERT_NE(w.core(n), nullptr);
    EXPECT_TRUE(w.is_up(n));
    EXPECT_EQ(w.core(n)->seen(), (std::vector<Seen>{{"start", 0, 0}}));
    EXPECT_EQ(w.incarnation(n), 0U);
  }
  // Nodes get different seeds.
  EXPECT_NE(w.core(n0)->seed(), w.core(n1)->seed());
}

TEST(World, MessagesArriveAfterTheLinkLatency) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "send 1 5; send 1 6"));
  run_to(w, Time{ms_ns});
  EXPECT_EQ(w.core(n1)->received(), (std::vector<std::uint64_t>{5, 6}));
  const auto recv = rec.of("recv");
  ASSERT_EQ(recv.size(), 2U);
  EXPECT_EQ(recv[0].t, 50 * us_ns);
  EXPECT_EQ(recv[1].t, 50 * us_ns);
  EXPECT_EQ(w.now(), Time{ms_ns});
}

TEST(World, CrashLosesStateButKeepsSyncedDiskAndRestartRecovers) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "append a; append b; sync"));
  run_to(w, Time{ms_ns});                         // the sync completes at 200 us
  ASSERT_TRUE(command(w, n0, "append c"));        // never synced
  ASSERT_TRUE(command(w, n0, "append d; sync"));  // crashed before its sync completes
  EXPECT_EQ(w.core(n0)->clients(), 3U);

  w.crash(n0);
  EXPECT_FALSE(w.is_up(n0));
  EXPECT_EQ(w.core(n0), nullptr);
  EXPECT_FALSE(command(w, n0, "append e"));  // a down node takes no requests
  EXPECT_EQ(w.disk(n0).durable(), (std::vector<std::string>{"a", "b"}));
  run_to(w, Time{2 * ms_ns});  // the in-flight sync "completes" for a dead incarnation
  EXPECT_EQ(w.disk(n0).durable(), (std::vector<std::string>{"a", "b"}));

  w.restart(n0);
  ASSERT_TRUE(w.is_up(n0));
  EXPECT_EQ(w.incarnation(n0), 1U);
  EXPECT_EQ(w.core(n0)->incarnation(), 1U);
  EXPECT_EQ(w.core(n0)->recovered(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(w.core(n0)->clients(), 0U);  // in-memory state is gone
  EXPECT_EQ(w.core(n0)->seen(), (std::vector<Seen>{{"start", 0, 2 * ms_ns}}));
  EXPECT_EQ(rec.of("crash").size(), 1U);
  ASSERT_EQ(rec.of("restart").size(), 1U);
  EXPECT_EQ(rec.of("restart")[0].peer, 1);  // incarnation

  // A second life: the seed differs, the incarnation counts on.
  const std::uint64_t seed1 = w.core(n0)->seed();
  w.crash(n0);
  w.restart(n0);
  EXPECT_EQ(w.core(n0)->incarnation(), 2U);
  EXPECT_NE(w.core(n0)->seed(), seed1);
  EXPECT_EQ(w.stats().crashes, 2U);
  EXPECT_EQ(w.stats().restarts, 2U);
}

TEST(World, CrashAndRestartOfARunningNodeAreNoOps) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  w.restart(n0);  // already up
  EXPECT_EQ(w.incarnation(n0), 0U);
  w.crash(n1);
  w.crash(n1);  // already down
  EXPECT_EQ(w.stats().crashes, 1U);
}

TEST(World, RewriteReplacesTheRecoveredRecords) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  ASSERT_TRUE(command(w, n1, "append old; sync"));
  run_to(w, Time{ms_ns});
  ASSERT_TRUE(command(w, n1, "rewrite; append new; sync"));
  run_to(w, Time{2 * ms_ns});
  w.crash(n1);
  w.restart(n1);
  EXPECT_EQ(w.core(n1)->recovered(), (std::vector<std::string>{"new"}));
}

TEST(World, TimersOfACrashedNodeNeverFire) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "timer 1 1000000; timer 2 3000000"));
  ASSERT_TRUE(command(w, n1, "timer 1 1000000"));
  const std::size_t queued = w.queued_events();
  w.crash(n0);
  EXPECT_EQ(w.queued_events(), queued - 2);  // cancelled at once
  w.restart(n0);                             // a new life must not inherit the old timers
  run_to(w, Time{10 * ms_ns});
  const auto timers = rec.of("timer");
  ASSERT_EQ(timers.size(), 1U);
  EXPECT_EQ(timers[0].node, 1);
  EXPECT_EQ(w.core(n0)->seen().size(), 1U);  // only its start
}

TEST(World, CancelledAndRearmedTimers) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "timer 1 1000000; timer 2 2000000; timer 3 500000"));
  ASSERT_TRUE(command(w, n0, "cancel 2; timer 3 4000000"));  // re-arming moves timer 3
  run_to(w, Time{10 * ms_ns});
  const auto timers = rec.of("timer");
  ASSERT_EQ(timers.size(), 2U);
  EXPECT_EQ(timers[0].value, 1);
  EXPECT_EQ(timers[0].t, ms_ns);
  EXPECT_EQ(timers[1].value, 3);
  EXPECT_EQ(timers[1].t, 4 * ms_ns);
}

TEST(World, SendsWaitForTheSyncTheirStepAskedFor) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "append x; sync; send 1 7"));
  ASSERT_TRUE(command(w, n0, "send 1 8"));  // no sync asked: leaves at once
  run_to(w, Time{ms_ns});
  const auto sends = rec.of("send");
  ASSERT_EQ(sends.size(), 2U);
  EXPECT_EQ(sends[0].value, 8);
  EXPECT_EQ(sends[0].t, 0);
  EXPECT_EQ(sends[1].value, 7);
  EXPECT_EQ(sends[1].t, 200 * us_ns);  // once the write is durable
  EXPECT_EQ(w.core(n1)->received(), (std::vector<std::uint64_t>{8, 7}));
  const auto recv = rec.of("recv");
  ASSERT_EQ(recv.size(), 2U);
  EXPECT_EQ(recv[1].t, 250 * us_ns);
  EXPECT_EQ(w.disk(n0).durable(), (std::vector<std::string>{"x"}));
}

TEST(World, HeldSendsAreDroppedIfTheNodeCrashesFirst) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "append x; sync; send 1 7"));
  run_to(w, Time{100 * us_ns});
  w.crash(n0);
  run_to(w, Time{ms_ns});
  EXPECT_TRUE(rec.of("send").empty());
  EXPECT_TRUE(w.core(n1)->received().empty());
  EXPECT_TRUE(w.disk(n0).durable().empty());
  // Nor does the restarted node send it when the old sync's time comes.
  w.restart(n0);
  run_to(w, Time{2 * ms_ns});
  EXPECT_TRUE(rec.of("send").empty());
}

TEST(World, HeldSendsLeaveInOrderOfTheirSyncs) {
  WorldOptions o = quiet_options();
  o.disk.sync_min_ns = 100 * us_ns;
  o.disk.sync_max_ns = 900 * us_ns;
  ProbeWorld w(o, {});
  w.start();
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(command(w, n0, "append r; sync; send 1 " + std::to_string(i)));
  }
  run_to(w, Time{5 * ms_ns});
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 1; i <= 20; ++i) expected.push_back(i);
  // Fixed link latency: arrival order is send order, which must be sync-request order.
  EXPECT_EQ(w.core(n1)->received(), expected);
  EXPECT_EQ(w.disk(n0).durable().size(), 20U);
}

TEST(World, PauseDefersEventsUntilItEndsThenRunsThemInOrder) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n1, "timer 4 300000"));  // due at 300 us, inside the pause
  w.pause(n1, ms_ns);
  EXPECT_TRUE(w.is_paused(n1));
  ASSERT_TRUE(command(w, n0, "send 1 1; send 1 2"));  // arrive at 50 us
  EXPECT_FALSE(command(w, n1, "send 0 9"));           // a paused node takes no requests
  run_to(w, Time{400 * us_ns});
  ASSERT_TRUE(command(w, n0, "send 1 3"));  // arrives at 450 us
  run_to(w, Time{999 * us_ns});
  EXPECT_TRUE(w.is_paused(n1));
  EXPECT_TRUE(w.core(n1)->received().empty());
  EXPECT_TRUE(rec.of("timer").empty());
  run_to(w, Time{2 * ms_ns});
  EXPECT_FALSE(w.is_paused(n1));
  // Everything ran at the pause's end, in the order it was due.
  const std::vector<Seen> expected = {{"start", 0, 0},
                                      {"recv", 1, ms_ns},
                                      {"recv", 2, ms_ns},
                                      {"timer", 4, ms_ns},
                                      {"recv", 3, ms_ns}};
  EXPECT_EQ(w.core(n1)->seen(), expected);
  for (const auto& e : rec.of("recv")) EXPECT_EQ(e.t, ms_ns);
}

TEST(World, EventsDueExactlyAtThePauseEndWaitBehindTheDeferredOnes) {
  // FIFO link, fixed latency: message 1 arrives during the pause, message 2 exactly at its end
  // (queued after the pause began), and a timer set before the pause is also due at its end.
  // The node must still see them in the order they were due: 1, then the timer, then 2.
  WorldOptions o = quiet_options();
  o.link.fifo = true;
  ProbeWorld w(o, {});
  w.start();
  ASSERT_TRUE(command(w, n1, "timer 4 1000000"));  // due at 1 ms
  w.pause(n1, 950 * us_ns);                        // ends at 950 us
  ASSERT_TRUE(command(w, n0, "send 1 1"));         // arrives at 50 us
  run_to(w, Time{900 * us_ns});
  ASSERT_TRUE(command(w, n0, "send 1 2"));  // arrives at 950 us, the pause's last instant
  run_to(w, Time{2 * ms_ns});
  const std::vector<Seen> expected = {
      {"start", 0, 0}, {"recv", 1, 950 * us_ns}, {"recv", 2, 950 * us_ns}, {"timer", 4, ms_ns}};
  EXPECT_EQ(w.core(n1)->seen(), expected);
}

TEST(World, TimerDueAtThePauseEndFiresAfterTheDeferredEvents) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  ASSERT_TRUE(command(w, n1, "timer 4 1000000"));  // due at 1 ms, queued before the pause
  w.pause(n1, ms_ns);                              // ends at 1 ms
  ASSERT_TRUE(command(w, n0, "send 1 1"));         // arrives at 50 us, deferred
  run_to(w, Time{2 * ms_ns});
  const std::vector<Seen> expected = {{"start", 0, 0}, {"recv", 1, ms_ns}, {"timer", 4, ms_ns}};
  EXPECT_EQ(w.core(n1)->seen(), expected);
}

TEST(World, ATimerCancelledByAnEarlierDeferredEventDoesNotFire) {
  // Deferred during the pause: a message (due first) that cancels timer 4, then timer 4's own
  // firing. When they run at the pause's end, the stale firing must not reach the core.
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n1, "timer 4 500000; timer 5 500000"));
  w.pause(n1, ms_ns);
  ASSERT_TRUE(command(w, n0, "send 1 1004; send 1 2005"));  // cancel 4, re-arm 5 (1 ms)
  run_to(w, Time{5 * ms_ns});
  const auto timers = rec.of("timer");
  ASSERT_EQ(timers.size(), 1U);
  EXPECT_EQ(timers[0].value, 5);
  EXPECT_EQ(timers[0].t, 2 * ms_ns);  // re-armed at the pause's end for 1 ms
}

TEST(World, ExtendedPauseEndsAtTheLaterTime) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  w.pause(n1, ms_ns);
  ASSERT_TRUE(command(w, n0, "send 1 1"));
  run_to(w, Time{500 * us_ns});
  w.pause(n1, ms_ns);  // now until 1.5 ms
  run_to(w, Time{1200 * us_ns});
  EXPECT_TRUE(w.core(n1)->received().empty());
  run_to(w, Time{2 * ms_ns});
  EXPECT_EQ(w.core(n1)->seen().back(), (Seen{"recv", 1, 1500 * us_ns}));
}

TEST(World, CrashDuringAPauseDropsTheDeferredEvents) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  w.pause(n1, ms_ns);
  ASSERT_TRUE(command(w, n0, "send 1 1"));
  run_to(w, Time{500 * us_ns});
  w.crash(n1);
  EXPECT_FALSE(w.is_paused(n1));
  w.restart(n1);
  run_to(w, Time{3 * ms_ns});
  EXPECT_TRUE(w.core(n1)->received().empty());
}

TEST(World, ClockDriftChangesWhenTimersFire) {
  ProbeWorld w(quiet_options(3), {});
  Recorder rec;
  w.add_observer(&rec);
  w.clock(n0) = NodeClock(0, 50'000);     // 5 % fast
  w.clock(n1) = NodeClock(0, -50'000);    // 5 % slow
  w.clock(n2) = NodeClock(7 * ms_ns, 0);  // offset only
  w.start();
  for (NodeId n : {n0, n1, n2}) ASSERT_TRUE(command(w, n, "timer 1 10000000"));
  run_to(w, Time{20 * ms_ns});
  const auto timers = rec.of("timer");
  ASSERT_EQ(timers.size(), 3U);
  EXPECT_EQ(timers[0].node, 0);
  EXPECT_EQ(timers[0].t, 9'523'810);  // 10 ms / 1.05, rounded up
  EXPECT_EQ(timers[1].node, 2);
  EXPECT_EQ(timers[1].t, 10 * ms_ns);
  EXPECT_EQ(timers[2].node, 1);
  EXPECT_EQ(timers[2].t, 10'526'316);  // 10 ms / 0.95, rounded up
  // Each core saw at least its 10 ms pass on its own clock.
  EXPECT_GE(w.core(n0)->seen().back().local_ns, 10 * ms_ns);
  EXPECT_GE(w.core(n1)->seen().back().local_ns, 10 * ms_ns);
  EXPECT_EQ(w.core(n2)->seen().back(), (Seen{"timer", 1, 17 * ms_ns}));
  EXPECT_EQ(w.core(n2)->seen().front(), (Seen{"start", 0, 7 * ms_ns}));
}

TEST(World, ObserversSeeSendsReceivesDropsCrashesAndRestarts) {
  ProbeWorld w(quiet_options(3), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.network().cut(n0, n2);
  ASSERT_TRUE(command(w, n0, "send 1 1; send 2 2"));
  w.crash(n1);
  run_to(w, Time{ms_ns});
  w.restart(n1);
  run_to(w, Time{2 * ms_ns});
  std::vector<std::string> kinds;
  for (const auto& e : rec.events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"send", "send", "drop:cut", "crash", "drop:dead",
                                             "restart"}));
  EXPECT_EQ(w.stats().drops, 2U);
  EXPECT_EQ(w.stats().sends, 2U);
}

TEST(World, StepsAreNumberedAndTimeNeverGoesBack) {
  ProbeWorld w(quiet_options(3), {});
  w.start();
  ASSERT_TRUE(command(w, n0, "send 1 1; send 2 2; timer 1 10; timer 2 5"));
  std::uint64_t last_index = 0;
  Time last_time{};
  while (w.step()) {
    EXPECT_EQ(w.current_step().index, last_index + 1);
    EXPECT_GE(w.current_step().time, last_time);
    last_index = w.current_step().index;
    last_time = w.current_step().time;
  }
  EXPECT_EQ(last_index, 4U);
  EXPECT_EQ(w.stats().steps, 4U);
  EXPECT_FALSE(w.step());
}

// ---- Runs of the ring protocol: a core with real behaviour over a faulty network.

WorldOptions ring_options(std::uint64_t seed) {
  WorldOptions o;
  o.nodes = 4;
  o.seed = seed;
  o.link.latency_min_ns = 20 * us_ns;
  o.link.latency_max_ns = 400 * us_ns;
  o.link.loss_ppm = 50'000;
  o.link.duplicate_ppm = 30'000;
  o.link.spike_ppm = 10'000;
  o.link.spike_ns = 2 * ms_ns;
  return o;
}

ring::Config ring_config() {
  ring::Config c;
  c.nodes = 4;
  c.retransmit_ns = ms_ns;
  c.persist = true;
  return c;
}

std::string ring_fingerprint(std::uint64_t seed) {
  World<ring::Core> w(ring_options(seed), ring_config());
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.run_until(Time{20 * ms_ns}, [] { return false; });
  w.crash(NodeId{2});
  w.run_until(Time{25 * ms_ns}, [] { return false; });
  w.restart(NodeId{2});
  w.run_until(Time{50 * ms_ns}, [] { return false; });
  std::string out = rec.text();
  for (std::uint32_t i = 0; i < 4; ++i)
    out += std::to_string(w.core(NodeId{i})->state_digest()) + "\n";
  return out;
}

TEST(World, SameSeedGivesIdenticalRunsDifferentSeedsDiffer) {
  const std::string a = ring_fingerprint(11);
  EXPECT_GT(a.size(), 10'000U);  // a real run, not an empty one
  EXPECT_EQ(a, ring_fingerprint(11));
  EXPECT_NE(a, ring_fingerprint(12));
}

TEST(World, RingRecoversItsTokenFromTheSyncedDisk) {
  World<ring::Core> w(ring_options(5), ring_config());
  w.start();
  w.run_until(Time{30 * ms_ns}, [] { return false; });
  const NodeId victim{1};
  w.crash(victim);
  std::uint64_t highest = 0;
  for (const std::string& record : w.disk(victim).durable()) {
    highest = std::max(highest, ring::decode_hop(record));
  }
  ASSERT_GT(highest, 0U);
  w.restart(victim);
  ASSERT_NE(w.core(victim), nullptr);
  EXPECT_EQ(w.core(victim)->last_hop(), highest);
  EXPECT_EQ(w.incarnation(victim), 1U);
  // The token keeps circulating after the restart.
  const std::uint64_t before = w.core(NodeId{0})->last_hop();
  w.run_until(Time{80 * ms_ns}, [] { return false; });
  EXPECT_GT(w.core(NodeId{0})->last_hop(), before);
}

}  // namespace ry::world_test
