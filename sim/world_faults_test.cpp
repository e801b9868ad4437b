// The fault model as the World applies it (README.md, "Simulator"; issue 4): each fault kind
// does exactly what it says, and is reported. Uses the probe core of world_test_probe.hpp.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/world_test_probe.hpp"

namespace ry::world_test {
namespace {

// Node `from` sends ping `value` to each of `to`; returns the values node `at` received.
void ping_all(ProbeWorld& w, NodeId from, const std::vector<NodeId>& to, std::uint64_t value) {
  std::string script;
  for (NodeId t : to)
    script += "send " + std::to_string(t.value) + " " + std::to_string(value) + ";";
  ASSERT_TRUE(command(w, from, script));
}

bool got(const ProbeWorld& w, NodeId node, std::uint64_t value) {
  for (std::uint64_t v : w.core(node)->received()) {
    if (v == value) return true;
  }
  return false;
}

// ---- Partitions

TEST(WorldFaults, OneWayPartitionDropsOneDirectionOnly) {
  ProbeWorld w(quiet_options(3), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.partition(one_way(3, {n0}));
  const auto faults = rec.of("fault:partition");
  ASSERT_EQ(faults.size(), 1U);
  EXPECT_EQ(faults[0].detail, "{0}->{1,2}");
  EXPECT_EQ(faults[0].value, 2);  // links cut
  ping_all(w, n0, {n1, n2}, 1);   // from the cut side: lost
  ping_all(w, n1, {n0, n2}, 2);   // towards it, and among the rest: delivered
  ping_all(w, n2, {n0, n1}, 3);
  run_to(w, Time{ms_ns});
  EXPECT_FALSE(got(w, n1, 1));
  EXPECT_FALSE(got(w, n2, 1));
  EXPECT_TRUE(got(w, n0, 2));
  EXPECT_TRUE(got(w, n0, 3));
  EXPECT_TRUE(got(w, n2, 2));
  EXPECT_TRUE(got(w, n1, 3));
  EXPECT_EQ(rec.of("drop:cut").size(), 2U);

  w.heal_partition(one_way(3, {n0}));
  ASSERT_EQ(rec.of("fault:heal").size(), 1U);
  EXPECT_EQ(rec.of("fault:heal")[0].detail, "{0}->{1,2}");
  ping_all(w, n0, {n1, n2}, 4);
  run_to(w, Time{2 * ms_ns});
  EXPECT_TRUE(got(w, n1, 4));
  EXPECT_TRUE(got(w, n2, 4));
}

TEST(WorldFaults, BridgeLetsBothSidesReachTheBridgeButNotEachOther) {
  ProbeWorld w(quiet_options(5), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.partition(bridge(5, {n0, n1}, n2));
  EXPECT_EQ(rec.of("fault:partition")[0].detail, "bridge 2: {0,1}|{3,4}");
  for (std::uint32_t i = 0; i < 5; ++i) {
    std::vector<NodeId> others;
    for (std::uint32_t j = 0; j < 5; ++j) {
      if (j != i) others.push_back(NodeId{j});
    }
    ping_all(w, NodeId{i}, others, 10 + i);
  }
  run_to(w, Time{ms_ns});
  auto side = [](std::uint32_t i) { return i < 2; };
  for (std::uint32_t i = 0; i < 5; ++i) {
    for (std::uint32_t j = 0; j < 5; ++j) {
      if (i == j) continue;
      const bool expected = i == 2 || j == 2 || side(i) == side(j);
      EXPECT_EQ(got(w, NodeId{j}, 10 + i), expected) << i << " -> " << j;
    }
  }
  w.heal_partitions();
  EXPECT_EQ(rec.of("fault:heal").size(), 1U);
  EXPECT_EQ(w.network().cut_count(), 0U);
}

TEST(WorldFaults, HealPartitionsHealsEveryCut) {
  ProbeWorld w(quiet_options(3), {});
  w.start();
  w.partition(isolate(3, n1));
  w.network().cut(n0, n2);
  EXPECT_EQ(w.network().cut_count(), 5U);
  w.heal_partitions();
  EXPECT_EQ(w.network().cut_count(), 0U);
}

// ---- Clogging

TEST(WorldFaults, ClogHoldsThenReleasesInABurstInSendOrder) {
  WorldOptions o = quiet_options(3);
  o.link.latency_min_ns = 10 * us_ns;  // jittery: without the clog these would reorder
  o.link.latency_max_ns = 90 * us_ns;
  ProbeWorld w(o, {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.clog(n0, n1, 2 * ms_ns);
  const auto clogs = rec.of("fault:clog");
  ASSERT_EQ(clogs.size(), 1U);
  EXPECT_EQ(clogs[0].node, 0);
  EXPECT_EQ(clogs[0].peer, 1);
  EXPECT_EQ(clogs[0].value, 2 * ms_ns);
  std::vector<std::uint64_t> sent;
  for (std::uint64_t i = 1; i <= 30; ++i) {
    ping_all(w, n0, {n1}, i);
    sent.push_back(i);
    run_to(w, Time{static_cast<Nanos>(i) * 60 * us_ns});  // sends spread over 1.8 ms
  }
  ping_all(w, n0, {n2}, 99);  // another link: not held
  run_to(w, Time{1'990 * us_ns});
  EXPECT_TRUE(w.core(n1)->received().empty());  // all held
  EXPECT_TRUE(got(w, n2, 99));
  run_to(w, Time{2 * ms_ns});
  EXPECT_EQ(w.core(n1)->received(), sent);  // the burst, in send order
  for (const auto& r : rec.of("recv")) {
    if (r.node == 1) {
      EXPECT_EQ(r.t, 2 * ms_ns);
    }
  }
  // Over: normal latency again.
  ping_all(w, n0, {n1}, 100);
  run_to(w, Time{3 * ms_ns});
  EXPECT_LT(rec.of("recv").back().t, 2'100 * us_ns);
}

// ---- Disk faults

TEST(WorldFaults, TornWriteLeavesAPrefixAfterTheCrash) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "append synced; sync"));
  run_to(w, Time{ms_ns});
  ASSERT_TRUE(command(w, n0, "append abcdefghijklmnop; append more; sync"));
  w.disk_fault(n0, DiskFault::torn, 0);
  ASSERT_EQ(rec.of("fault:disk_torn").size(), 1U);
  EXPECT_EQ(rec.of("fault:disk_torn")[0].node, 0);
  w.crash(n0);  // before the sync completes
  w.restart(n0);
  const auto& recovered = w.core(n0)->recovered();
  ASSERT_EQ(recovered.size(), 2U);
  EXPECT_EQ(recovered[0], "synced");
  const std::string full = "abcdefghijklmnop";
  EXPECT_FALSE(recovered[1].empty());
  EXPECT_LT(recovered[1].size(), full.size());
  EXPECT_EQ(full.substr(0, recovered[1].size()), recovered[1]);
}

TEST(WorldFaults, CorruptFlipsOneBitOfTheDurableDisk) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.disk_fault(n0, DiskFault::corrupt, 0);  // empty disk: nothing to flip
  EXPECT_TRUE(w.disk(n0).durable().empty());
  ASSERT_TRUE(command(w, n0, "append aaaa; append bbbb; sync"));
  run_to(w, Time{ms_ns});
  const std::vector<std::string> before = w.disk(n0).durable();
  w.disk_fault(n0, DiskFault::corrupt, 0);
  EXPECT_EQ(rec.of("fault:disk_corrupt").size(), 2U);
  const std::vector<std::string>& after = w.disk(n0).durable();
  ASSERT_EQ(after.size(), before.size());
  int bits = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    for (std::size_t b = 0; b < before[i].size(); ++b) {
      bits += std::popcount(static_cast<unsigned>(static_cast<unsigned char>(before[i][b]) ^
                                                  static_cast<unsigned char>(after[i][b])));
    }
  }
  EXPECT_EQ(bits, 1);
}

TEST(WorldFaults, MisdirectedWriteReplacesOneRecord) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  ASSERT_TRUE(command(w, n0, "append r0; append r1; append r2; sync"));
  run_to(w, Time{ms_ns});
  w.disk_fault(n0, DiskFault::misdirect, 0);
  ASSERT_TRUE(command(w, n0, "append new; sync"));
  run_to(w, Time{2 * ms_ns});
  const auto& d = w.disk(n0).durable();
  ASSERT_EQ(d.size(), 3U);
  int replaced = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (d[i] == "new") {
      ++replaced;
    } else {
      EXPECT_EQ(d[i], "r" + std::to_string(i));
    }
  }
  EXPECT_EQ(replaced, 1);
}

TEST(WorldFaults, SlowDiskMultipliesSyncLatencyAndKeepsSyncsInOrder) {
  ProbeWorld w(quiet_options(), {});  // syncs take 200 us
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.disk_fault(n0, DiskFault::slow, ms_ns);
  EXPECT_TRUE(w.disk_slow(n0));
  ASSERT_EQ(rec.of("fault:disk_slow").size(), 1U);
  EXPECT_EQ(rec.of("fault:disk_slow")[0].value, ms_ns);
  ASSERT_TRUE(command(w, n0, "append a; sync; send 1 1"));  // slow: 20 x 200 us = 4 ms
  run_to(w, Time{2 * ms_ns});
  EXPECT_FALSE(w.disk_slow(n0));                            // the slow spell is over
  ASSERT_TRUE(command(w, n0, "append b; sync; send 1 2"));  // 200 us, but behind the first
  run_to(w, Time{10 * ms_ns});
  const auto sends = rec.of("send");
  ASSERT_EQ(sends.size(), 2U);
  EXPECT_EQ(sends[0].value, 1);
  EXPECT_EQ(sends[0].t, 4 * ms_ns);
  EXPECT_EQ(sends[1].value, 2);
  EXPECT_EQ(sends[1].t, 4 * ms_ns);  // FIFO: never before the earlier sync
  ASSERT_TRUE(command(w, n0, "append c; sync; send 1 3"));
  run_to(w, Time{20 * ms_ns});
  EXPECT_EQ(rec.of("send").back().t, 10 * ms_ns + 200 * us_ns);  // normal again
}

TEST(WorldFaults, WriteLatencyAddsPerRecordToTheSync) {
  WorldOptions o = quiet_options();
  o.disk.write_ns = 10 * us_ns;
  ProbeWorld w(o, {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  ASSERT_TRUE(command(w, n0, "append a"));
  ASSERT_TRUE(command(w, n0, "append b; append c; sync; send 1 1"));
  run_to(w, Time{ms_ns});
  ASSERT_EQ(rec.of("send").size(), 1U);
  EXPECT_EQ(rec.of("send")[0].t, 230 * us_ns);  // 200 us sync + 3 records x 10 us
}

// ---- Crash at a protocol moment

TEST(WorldFaults, CrashAtDropsTheStepsSendsButReportsItsDeliveries) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.crash_at(n1, "issuer_delivered");
  EXPECT_EQ(w.crash_at_moment(n1), "issuer_delivered");
  ASSERT_TRUE(command(w, n0, "send 1 3005"));  // n1: deliver, note, send back, timer, write
  run_to(w, Time{10 * ms_ns});

  EXPECT_FALSE(w.is_up(n1));
  EXPECT_TRUE(w.crash_at_moment(n1).empty());  // one-shot
  std::vector<std::string> kinds;
  for (const auto& e : rec.events) kinds.push_back(e.kind);
  // The step's output is reported, then the crash fault, then the crash; nothing is sent.
  EXPECT_EQ(kinds, (std::vector<std::string>{"send", "recv", "deliver", "note:issuer_delivered",
                                             "fault:crash", "crash"}));
  const auto crash = rec.of("fault:crash");
  EXPECT_EQ(crash[0].node, 1);
  EXPECT_EQ(crash[0].detail, "at issuer_delivered");
  EXPECT_EQ(rec.of("deliver")[0].value, 5);
  EXPECT_EQ(w.stats().sends, 1U);  // only n0's
  EXPECT_EQ(w.stats().deliveries, 1U);
  EXPECT_TRUE(w.core(n0)->received().empty());  // the reply never left
  EXPECT_TRUE(rec.of("timer").empty());         // timer 77 was never armed
  EXPECT_TRUE(w.disk(n1).durable().empty());    // the step's write was unsynced: lost

  // After a restart the same moment passes: the trigger fired once.
  w.restart(n1);
  ASSERT_TRUE(command(w, n0, "send 1 3006"));
  run_to(w, Time{20 * ms_ns});
  EXPECT_TRUE(w.is_up(n1));
  EXPECT_TRUE(got(w, n0, 6));
  EXPECT_EQ(rec.of("timer").size(), 1U);
}

TEST(WorldFaults, CrashAtFiresOnlyOnItsMomentAndCanBeCancelled) {
  ProbeWorld w(quiet_options(), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  w.crash_at(n0, "recycled");
  ASSERT_TRUE(command(w, n0, "note other; send 1 1"));  // another note: no crash
  EXPECT_TRUE(w.is_up(n0));
  // The moment in a client request: the request is taken, its output reported, then the crash.
  ASSERT_TRUE(command(w, n0, "deliver 9; note recycled; send 1 2; append x; sync"));
  EXPECT_FALSE(w.is_up(n0));
  EXPECT_EQ(rec.of("deliver").size(), 1U);
  EXPECT_EQ(rec.of("fault:crash")[0].detail, "at recycled");
  run_to(w, Time{ms_ns});
  EXPECT_EQ(w.core(n1)->received(), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(w.disk(n0).durable().empty());

  w.restart(n0);
  w.crash_at(n0, "recycled");
  w.cancel_crash_at(n0);
  ASSERT_TRUE(command(w, n0, "note recycled"));
  EXPECT_TRUE(w.is_up(n0));
}

TEST(WorldFaults, CrashAtWithATornWriteTearsTheStepsOwnAppend) {
  ProbeWorld w(quiet_options(), {});
  w.start();
  w.crash_at(n0, "recycled");
  w.disk_fault(n0, DiskFault::torn, 0);
  ASSERT_TRUE(command(w, n0, "append 0123456789; sync; note recycled"));
  ASSERT_FALSE(w.is_up(n0));
  ASSERT_EQ(w.disk(n0).durable().size(), 1U);
  const std::string& torn = w.disk(n0).durable()[0];
  EXPECT_FALSE(torn.empty());
  EXPECT_LT(torn.size(), 10U);
  EXPECT_EQ(std::string("0123456789").substr(0, torn.size()), torn);
}

// ---- Clock faults (semantics in sim/clock.hpp)

TEST(WorldFaults, DriftChangesTimerFiringByTheExpectedAmount) {
  ProbeWorld w(quiet_options(3), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  run_to(w, Time{10 * ms_ns});
  w.set_drift(n0, 50'000);   // 5 % fast
  w.set_drift(n1, -50'000);  // 5 % slow
  const auto drifts = rec.of("fault:clock_drift");
  ASSERT_EQ(drifts.size(), 2U);
  EXPECT_EQ(drifts[0].node, 0);
  EXPECT_EQ(drifts[0].value, 50'000);
  // No jump at the change: the clocks still read 10 ms.
  EXPECT_EQ(w.clock(n0).local(w.now()), Time{10 * ms_ns});
  EXPECT_EQ(w.clock(n1).local(w.now()), Time{10 * ms_ns});
  for (NodeId n : {n0, n1, n2}) ASSERT_TRUE(command(w, n, "timer 1 10000000"));  // 10 ms local
  run_to(w, Time{30 * ms_ns});
  const auto timers = rec.of("timer");
  ASSERT_EQ(timers.size(), 3U);
  EXPECT_EQ(timers[0].node, 0);
  EXPECT_EQ(timers[0].t, 10 * ms_ns + 9'523'810);  // 10 ms / 1.05, rounded up
  EXPECT_EQ(timers[1].node, 2);
  EXPECT_EQ(timers[1].t, 20 * ms_ns);  // no drift
  EXPECT_EQ(timers[2].node, 1);
  EXPECT_EQ(timers[2].t, 10 * ms_ns + 10'526'316);  // 10 ms / 0.95, rounded up
  // Each node's own clock advanced by its 10 ms (not less) when its timer fired.
  EXPECT_GE(w.core(n0)->seen().back().local_ns, 20 * ms_ns);
  EXPECT_LE(w.core(n0)->seen().back().local_ns, 20 * ms_ns + 1);
  EXPECT_GE(w.core(n1)->seen().back().local_ns, 20 * ms_ns);
  EXPECT_LE(w.core(n1)->seen().back().local_ns, 20 * ms_ns + 1);
}

TEST(WorldFaults, ClockJumpsDoNotMoveArmedTimersInGlobalTime) {
  ProbeWorld w(quiet_options(3), {});
  Recorder rec;
  w.add_observer(&rec);
  w.start();
  for (NodeId n : {n0, n1, n2}) ASSERT_TRUE(command(w, n, "timer 1 10000000"));
  run_to(w, Time{2 * ms_ns});
  w.clock_jump(n0, -5 * ms_ns);  // backwards
  w.clock_jump(n1, 5 * ms_ns);   // forwards
  const auto jumps = rec.of("fault:clock_jump");
  ASSERT_EQ(jumps.size(), 2U);
  EXPECT_EQ(jumps[0].value, -5 * ms_ns);
  EXPECT_EQ(jumps[1].value, 5 * ms_ns);
  run_to(w, Time{30 * ms_ns});
  const auto timers = rec.of("timer");
  ASSERT_EQ(timers.size(), 3U);
  // All three fire at the global time fixed when they were set: neither jump makes one early.
  for (const auto& t : timers) EXPECT_EQ(t.t, 10 * ms_ns) << "node " << t.node;
  // The cores see the jumps in the time they are handed.
  EXPECT_EQ(w.core(n0)->seen().back(), (Seen{"timer", 1, 5 * ms_ns}));
  EXPECT_EQ(w.core(n1)->seen().back(), (Seen{"timer", 1, 15 * ms_ns}));
  EXPECT_EQ(w.core(n2)->seen().back(), (Seen{"timer", 1, 10 * ms_ns}));
  // A timer set after a backward jump still lasts its duration in global time.
  ASSERT_TRUE(command(w, n0, "timer 2 1000000"));
  run_to(w, Time{40 * ms_ns});
  EXPECT_EQ(rec.of("timer").back().t, 31 * ms_ns);
}

}  // namespace
}  // namespace ry::world_test
