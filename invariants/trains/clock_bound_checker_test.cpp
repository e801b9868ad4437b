#include "invariants/trains/clock_bound_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/trains/test_trains.hpp"

namespace ry::trains {
namespace {

using test::ref;
using test::step;
using test::train;

TEST(ClockBoundChecker, CreatedClocksAreClean) {
  Verdict verdict;
  ClockBoundChecker c(verdict, 3, 2);
  EXPECT_EQ(c.name(), "clock_bound");
  c.on_send_message(step(1), ref(0), NodeId{1}, Message{train(0, 1, false, {}, 1)});
  c.on_receive_message(step(2), ref(1), NodeId{0}, Message{train(0, 1, false, {}, 1)});
  c.on_send_message(step(2), ref(1), NodeId{2}, Message{train(0, 1, false, {}, 1)});
  c.on_send_message(step(3), ref(1), NodeId{2}, Message{train(1, 1, false, {}, 2)});
  c.on_send_message(step(4), ref(0), NodeId{1}, Message{train(0, 2, false, {}, 2)});
  c.on_send_message(step(5), ref(0), NodeId{1}, Message{train(0, 1, true, {}, 1)});  // resend
  c.after_step(step(5));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(c.created(0), 2U);
  EXPECT_EQ(c.created(1), 1U);
  EXPECT_GT(c.checks(), 4U);
}

TEST(ClockBoundChecker, ClockNobodyCreatedFires) {
  Verdict verdict;
  ClockBoundChecker c(verdict, 3, 2);
  c.on_send_message(step(1), ref(0), NodeId{1}, Message{train(0, 1, false, {}, 1)});
  c.on_receive_message(step(4), ref(2), NodeId{1}, Message{train(0, 2, false, {}, 1)});
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().property, "clock_bound");
  EXPECT_EQ(verdict.first().step, 4U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{2}, NodeId{0}}));
}

TEST(ClockBoundChecker, IssuerSkippingAClockFires) {
  Verdict verdict;
  ClockBoundChecker c(verdict, 3, 2);
  c.on_send_message(step(1), ref(1), NodeId{2}, Message{train(1, 1, false, {}, 1)});
  c.on_send_message(step(2), ref(1), NodeId{2}, Message{train(1, 3, false, {}, 2)});
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 2U);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{1}});
}

// Drives one real core (node 2 of a ring 0 -> 1 -> 2 -> 0, three issuers) through the checker:
// issuer 1's first train comes round closed before anything of issuer 0 was seen, then (1,0)
// arrives. Bug B3 delivers (1,1) early, so (1,0) < (1,1) is known and not done.
struct OneCore {
  explicit OneCore(bool b3) : config(make(b3)), core(config, NodeId{2}, 2, Recovery{}) {}
  static Config make(bool b3) {
    Config c;
    c.nodes = 3;
    c.trains = 3;
    if (b3) c.bugs.add(Bug::B3);
    return c;
  }
  void receive(ClockBoundChecker& checker, std::uint64_t at, const Train& t) {
    const Message message{t};
    checker.on_receive(step(at), ref(2), NodeId{1}, describe(message));
    checker.on_receive_message(step(at), ref(2), NodeId{1}, message);
    Core::Fx fx;
    core.on_message(NodeId{1}, message, Time{}, fx);
    checker.after_step(step(at));
  }
  Config config;
  Core core;
};

void run(OneCore& node, ClockBoundChecker& checker) {
  checker.on_send_message(step(1), ref(1), NodeId{2}, Message{train(1, 1, false, {}, 1)});
  node.receive(checker, 2, train(1, 1, false, {}, 1));
  Train closed = train(1, 1, true, {}, 2, 2);
  closed.acks.insert(NodeId{0});
  closed.acks.insert(NodeId{1});
  closed.acks.insert(NodeId{2});
  node.receive(checker, 5, closed);
  checker.on_send_message(step(6), ref(0), NodeId{1}, Message{train(0, 1, false, {}, 1)});
  node.receive(checker, 7, train(0, 1, false, {}, 3));
}

TEST(ClockBoundChecker, CoreStateIsCleanWithoutB3) {
  Verdict verdict;
  OneCore node(false);
  ClockBoundChecker checker(verdict, 3, 3,
                            [&](NodeId n) { return n.value == 2 ? &node.core : nullptr; });
  run(node, checker);
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(node.core.parked_count(), 1U);  // (1,1) waits for G3
}

TEST(ClockBoundChecker, B3BreaksDownwardClosure) {
  Verdict verdict;
  OneCore node(true);
  ClockBoundChecker checker(verdict, 3, 3,
                            [&](NodeId n) { return n.value == 2 ? &node.core : nullptr; });
  run(node, checker);
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().property, "clock_bound");
  EXPECT_EQ(verdict.first().step, 7U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{2}, NodeId{0}}));
  EXPECT_NE(verdict.first().detail.find("has done key (1,1) but not the smaller key (1,0)"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(ClockBoundChecker, SeenAboveCreatedInCoreStateFires) {
  Verdict verdict;
  OneCore node(false);
  ClockBoundChecker checker(verdict, 3, 3,
                            [&](NodeId n) { return n.value == 2 ? &node.core : nullptr; });
  // The checker never saw issuer 1 create anything; the wire check fires first, at the receipt.
  node.receive(checker, 3, train(1, 1, false, {}, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 3U);
}

}  // namespace
}  // namespace ry::trains
