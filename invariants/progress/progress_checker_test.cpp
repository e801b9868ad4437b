// The bounded-progress checker fed by hand: a request that completes in time passes, one that
// stalls past its deadline in a quiet stretch fires (naming the node and what the driver says it
// waits for), faults push the deadline out, a crash forgets what the node held, and stop() (the
// liveness phase) disarms it.
#include "invariants/progress/progress_checker.hpp"

#include <gtest/gtest.h>

namespace ry {
namespace {

constexpr Nanos detect = 20 * ms_ns;
constexpr Nanos recovery = 100 * ms_ns;
constexpr Nanos latency = 50 * ms_ns;

// Settled when every up node reports view 1 (a stand-in for a protocol's normal state).
bool all_in_view_one(std::span<const Status> status, std::span<const std::uint8_t> up) {
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (up[i] != 0 && (status[i].size == 0 || status[i].fields[0].value != 1)) return false;
  }
  return true;
}

struct Feed {
  ProgressChecker& checker;
  std::uint64_t index = 0;

  Step at(Nanos t) { return Step{++index, Time{t}}; }
  void request(Nanos t, std::uint32_t node, std::uint64_t seq) {
    const Step s = at(t);
    checker.on_client(s, NodeRef{NodeId{node}, 0},
                      ClientRequest{RequestId{ClientId{node}, seq}, "x"});
    checker.on_reply(s, NodeRef{NodeId{node}, 0},
                     ClientReply{RequestId{ClientId{node}, seq}, ReplyStatus::accepted});
    checker.after_step(s);
  }
  void deliver(Nanos t, std::uint32_t node, std::uint32_t sender, std::uint64_t seq) {
    const Step s = at(t);
    checker.on_deliver(s, NodeRef{NodeId{node}, 0}, Delivery{MsgId{NodeId{sender}, seq}, 0});
    checker.after_step(s);
  }
  void fault(Nanos t, const char* kind, std::int64_t value = 0) {
    const Step s = at(t);
    checker.on_fault(s, FaultInfo{kind, 0, -1, value});
    checker.after_step(s);
  }
  void tick(Nanos t) { checker.after_step(at(t)); }
};

ProgressBounds bounds() {
  ProgressBounds b;
  b.detect_ns = detect;
  b.recovery_max_ns = recovery;
  b.latency_ns = latency;
  b.derivation = "test";
  return b;
}

TEST(ProgressChecker, CompletedInTimePasses) {
  Verdict verdict;
  ProgressChecker checker(verdict, 5, bounds());
  Feed f{checker};
  f.request(200 * ms_ns, 1, 1);
  f.deliver(240 * ms_ns, 3, 1, 1);
  f.tick(10'000 * ms_ns);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.completed(), 1U);
  EXPECT_EQ(checker.worst_ns(), 40 * ms_ns);
  EXPECT_EQ(checker.name(), "bounded_progress");
}

TEST(ProgressChecker, StallInAQuietStretchFiresNamingTheNode) {
  Verdict verdict;
  ProgressChecker checker(verdict, 5, bounds(),
                          [](NodeId n) { return "node " + std::to_string(n.value) + " waits"; });
  Feed f{checker};
  f.request(200 * ms_ns, 2, 7);  // quiet since 0 + recovery 100 ms: owes latency only
  f.tick(250 * ms_ns);           // exactly at the deadline: still fine
  EXPECT_FALSE(verdict.violated());
  f.tick(250 * ms_ns + 1);
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "bounded_progress");
  ASSERT_EQ(v.nodes.size(), 1U);
  EXPECT_EQ(v.nodes[0], NodeId{2});
  EXPECT_NE(v.detail.find("request c2#7 accepted by node 2 at 200.000 ms"), std::string::npos)
      << v.detail;
  EXPECT_NE(v.detail.find("node 2 waits"), std::string::npos) << v.detail;
}

TEST(ProgressChecker, FaultsPushTheDeadlineOut) {
  Verdict verdict;
  ProgressChecker checker(verdict, 5, bounds());
  Feed f{checker};
  f.request(200 * ms_ns, 0, 1);
  f.fault(220 * ms_ns, "pause", 80 * ms_ns);  // holds until 300 ms
  f.tick(449 * ms_ns);                        // deadline 300 + 100 + 50 = 450 ms
  EXPECT_FALSE(verdict.violated());
  f.fault(440 * ms_ns, "cut");  // a link fault: nothing is owed until its heal
  f.tick(2'000 * ms_ns);
  EXPECT_FALSE(verdict.violated());
  f.fault(2'000 * ms_ns, "heal", 0);  // deadline 2000 + 100 + 50 ms
  f.tick(2'150 * ms_ns);
  EXPECT_FALSE(verdict.violated());
  f.tick(2'151 * ms_ns);
  EXPECT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("last fault 2000.000 ms"), std::string::npos)
      << verdict.first().detail;
}

TEST(ProgressChecker, ASettledProtocolOwesLatencyAfterDetectOnly) {
  ProgressBounds b = bounds();
  b.settled = all_in_view_one;
  Verdict verdict;
  ProgressChecker checker(verdict, 2, b);
  Feed f{checker};
  const auto status = [&](Nanos t, std::uint32_t node, std::int64_t view) {
    const Step s = f.at(t);
    checker.on_status(s, NodeRef{NodeId{node}, 0}, Status{}.add("view", view));
    checker.after_step(s);
  };
  status(0, 0, 1);
  status(0, 1, 1);
  f.fault(300 * ms_ns, "cut");
  f.request(301 * ms_ns, 0, 1);
  f.fault(310 * ms_ns, "heal");  // settled all along: owed by 310 + 20 + 50 = 380 ms
  f.tick(380 * ms_ns);
  EXPECT_FALSE(verdict.violated());
  f.tick(381 * ms_ns);
  EXPECT_TRUE(verdict.violated());

  Verdict again;
  ProgressChecker slow(again, 2, b);
  Feed g{slow};
  const auto status2 = [&](Nanos t, std::uint32_t node, std::int64_t view) {
    const Step s = g.at(t);
    slow.on_status(s, NodeRef{NodeId{node}, 0}, Status{}.add("view", view));
    slow.after_step(s);
  };
  status2(0, 0, 1);
  status2(0, 1, 1);
  g.request(301 * ms_ns, 0, 1);
  g.fault(310 * ms_ns, "heal");
  status2(320 * ms_ns, 1, 2);  // a view change: unsettled, so up to 310 + 100 + 50 = 460 ms
  g.tick(459 * ms_ns);
  EXPECT_FALSE(again.violated());
  status2(400 * ms_ns, 0, 2);  // not view 1: still unsettled (the stand-in predicate)
  g.tick(461 * ms_ns);
  EXPECT_TRUE(again.violated());
  EXPECT_NE(again.first().detail.find("not settled"), std::string::npos) << again.first().detail;
}

TEST(ProgressChecker, ACrashForgetsTheNodesRequestsAndARetryRestartsTheClock) {
  Verdict verdict;
  ProgressChecker checker(verdict, 5, bounds());
  Feed f{checker};
  f.request(10 * ms_ns, 1, 1);
  f.request(10 * ms_ns, 2, 1);
  checker.on_crash(f.at(20 * ms_ns), NodeRef{NodeId{1}, 0});
  f.fault(20 * ms_ns, "crash");
  f.deliver(30 * ms_ns, 0, 2, 1);
  f.request(300 * ms_ns, 2, 2);
  f.request(330 * ms_ns, 2, 2);  // the client retried: 330 + 50
  f.tick(379 * ms_ns);
  EXPECT_FALSE(verdict.violated());
  f.tick(381 * ms_ns);
  EXPECT_TRUE(verdict.violated());
}

TEST(ProgressChecker, StopDisarms) {
  Verdict verdict;
  ProgressChecker checker(verdict, 5, bounds());
  Feed f{checker};
  f.request(10 * ms_ns, 1, 1);
  checker.stop();
  f.tick(10'000 * ms_ns);
  EXPECT_FALSE(verdict.violated());
}

TEST(ProgressChecker, AnsweredRequestsComplete) {
  Verdict verdict;
  ProgressChecker checker(verdict, 5, bounds());
  Feed f{checker};
  const Step s = f.at(10 * ms_ns);
  checker.on_client(s, NodeRef{NodeId{0}, 0}, ClientRequest{RequestId{ClientId{4}, 1}, "put"});
  checker.on_reply(f.at(20 * ms_ns), NodeRef{NodeId{0}, 0},
                   ClientReply{RequestId{ClientId{4}, 1}, ReplyStatus::not_leader});
  f.tick(10'000 * ms_ns);
  EXPECT_FALSE(verdict.violated());
}

}  // namespace
}  // namespace ry
