#include "invariants/trains/key_uniqueness_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/trains/test_trains.hpp"
#include "invariants/trains/wire.hpp"

namespace ry::trains {
namespace {

using test::ref;
using test::step;
using test::train;

// Drives one checker; every call names its step.
struct Wire {
  KeyUniquenessChecker& c;
  void send(std::uint64_t at, NodeRef from, std::uint32_t to, const Train& t) {
    c.on_send_message(step(at), from, NodeId{to}, Message{t});
  }
  void receive(std::uint64_t at, NodeRef to, std::uint32_t from, const Train& t) {
    c.on_receive_message(step(at), to, NodeId{from}, Message{t});
  }
  void drop(std::uint64_t at, std::uint32_t from, std::uint32_t to, const Train& t) {
    c.on_drop(step(at), NodeId{from}, NodeId{to}, describe(Message{t}), DropReason::loss);
  }
  // One hop: sent, then received.
  void hop(std::uint64_t at, std::uint32_t from, std::uint32_t to, const Train& t) {
    send(at, ref(from), to, t);
    receive(at + 1, ref(to), from, t);
  }
};

TEST(KeyUniquenessChecker, RingWithRetransmissionsDuplicatesAndRecycleIsClean) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  EXPECT_EQ(c.name(), "key_uniqueness");
  Wire w{c};
  // Ring 0 -> 1 -> 2 -> 0, slot 0. Link lseqs per directed link.
  w.send(1, ref(0), 1, train(0, 1, false, {}, 1));
  w.drop(1, 0, 1, train(0, 1, false, {}, 1));  // lost: still in flight (it is resent)
  EXPECT_EQ(c.in_flight(), 1U);
  w.send(2, ref(0), 1, train(0, 1, false, {}, 1));  // retransmission
  w.send(3, ref(0), 1, train(0, 1, false, {}, 1));  // and another one
  w.receive(4, ref(1), 0, train(0, 1, false, {}, 1));
  w.receive(5, ref(1), 0, train(0, 1, false, {}, 1));  // duplicate copy: filtered by the link
  EXPECT_EQ(c.in_flight(), 0U);
  w.hop(5, 1, 2, train(0, 1, false, {}, 1));
  w.hop(7, 2, 0, train(0, 1, true, {}, 1));         // closed at node 2
  w.send(9, ref(1), 2, train(0, 1, false, {}, 1));  // late retransmission of an old hop
  w.hop(9, 0, 1, train(0, 1, true, {}, 2, 2));      // the issuer's first return
  w.hop(11, 1, 2, train(0, 1, true, {}, 2, 3));
  w.receive(12, ref(2), 1, train(0, 1, false, {}, 1));  // its late copy arrives: filtered
  w.hop(13, 2, 0, train(0, 1, true, {}, 2, 3));         // propagation lap done
  // Recycle: (2,0) after (1,0) was received back.
  w.hop(15, 0, 1, train(0, 2, false, {}, 3));
  w.receive(16, ref(1), 0, train(0, 1, true, {}, 2, 2));  // a stale duplicate of an old hop
  w.hop(17, 1, 2, train(0, 2, false, {}, 3));
  // Another slot circulates at the same time.
  w.hop(18, 1, 2, train(1, 1, false, {}, 4));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(c.created(0), 2U);
  EXPECT_EQ(c.created(1), 1U);
  EXPECT_GT(c.checks(), 10U);
}

TEST(KeyUniquenessChecker, TwoClocksOfOneSlotInFlightFire) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  Wire w{c};
  w.send(1, ref(0), 1, train(0, 1, false, {}, 1));
  w.drop(2, 0, 1, train(0, 1, false, {}, 1));
  w.send(3, ref(0), 1, train(0, 2, false, {}, 2));  // recycled before (1,0) came back
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().property, "key_uniqueness");
  EXPECT_EQ(verdict.first().step, 3U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{0}, NodeId{1}}));
  EXPECT_NE(verdict.first().detail.find("two trains of slot 0 in flight"), std::string::npos);
}

TEST(KeyUniquenessChecker, ForwardingTwiceFires) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  Wire w{c};
  w.hop(1, 0, 1, train(0, 1, false, {}, 1));
  w.hop(3, 1, 2, train(0, 1, false, {}, 1));
  w.send(5, ref(1), 2, train(0, 1, false, {}, 2));  // a new lseq: a second train, not a resend
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 5U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{1}, NodeId{2}}));
  EXPECT_NE(verdict.first().detail.find("without having received it"), std::string::npos);
}

TEST(KeyUniquenessChecker, SecondCopyOfOneKeyInFlightFires) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  Wire w{c};
  w.hop(1, 0, 1, train(0, 1, false, {}, 1));
  w.send(3, ref(1), 2, train(0, 1, false, {}, 1));
  w.receive(4, ref(1), 0, train(0, 1, false, {}, 1));  // a network duplicate reaches node 1
  w.send(5, ref(1), 2, train(0, 1, false, {}, 2));     // and it forwards it again
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 5U);
  EXPECT_NE(verdict.first().detail.find("two trains with key (1,0)"), std::string::npos);
}

TEST(KeyUniquenessChecker, NonIssuerCreatingFires) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  Wire w{c};
  w.send(7, ref(2), 0, train(1, 1, false, {}, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 7U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{2}, NodeId{0}}));
}

TEST(KeyUniquenessChecker, RestartedIssuerCreatingAnOldKeyFires) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  Wire w{c};
  w.hop(1, 0, 1, train(0, 1, false, {}, 1));
  w.hop(3, 1, 0, train(0, 1, true, {}, 1));
  w.hop(5, 0, 1, train(0, 1, true, {}, 2, 2));
  w.hop(7, 1, 0, train(0, 1, true, {}, 2, 2));
  EXPECT_FALSE(verdict.violated());
  c.on_crash(step(9), ref(0));
  w.send(10, ref(0, 1), 1, train(0, 1, false, {}, 1));  // issues clock 1 again
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 10U);
  EXPECT_NE(verdict.first().detail.find("already created clocks up to 1"), std::string::npos);
}

TEST(KeyUniquenessChecker, TrainsAtOrBelowTheFloorAreExcused) {
  Verdict verdict;
  std::uint64_t floor = 0;
  KeyUniquenessChecker c(verdict, [&](std::uint32_t) { return floor; });
  Wire w{c};
  w.send(1, ref(0), 1, train(0, 1, false, {}, 1));
  floor = 1;  // a view change fenced (1,0) off
  w.send(2, ref(0), 1, train(0, 2, false, {}, 2));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  w.send(3, ref(0), 2, train(0, 3, false, {}, 1));
  ASSERT_TRUE(verdict.violated());  // (2,0) is above the floor and still in flight
  EXPECT_EQ(verdict.first().step, 3U);
}

TEST(KeyUniquenessChecker, DeadSendersDroppedTrainLeavesFlight) {
  Verdict verdict;
  KeyUniquenessChecker c(verdict);
  Wire w{c};
  w.hop(1, 0, 1, train(0, 1, false, {}, 1));
  w.send(3, ref(1), 2, train(0, 1, false, {}, 1));
  c.on_crash(step(4), ref(1));
  EXPECT_EQ(c.in_flight(), 1U);  // its copy may still arrive
  w.drop(5, 1, 2, train(0, 1, false, {}, 1));
  EXPECT_EQ(c.in_flight(), 0U);
  // Acks and other protocols' messages are ignored.
  c.on_drop(step(6), NodeId{1}, NodeId{2}, describe(Message{LinkAck{1, 1}}), DropReason::dead);
  c.on_send_message(step(6), ref(1), NodeId{2}, Message{LinkAck{1, 1}});
  EXPECT_FALSE(verdict.violated());
}

TEST(KeyUniquenessChecker, WireTrainReadsTheDescription) {
  const auto wire = wire_train(describe(Message{train(3, 9, true, {}, 4)}));
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(wire->key, (Key{9, 3}));
  EXPECT_EQ(wire->lseq, 4U);
  EXPECT_FALSE(wire_train(describe(Message{LinkAck{}})).has_value());
  EXPECT_FALSE(wire_train(MessageInfo{}).has_value());
}

}  // namespace
}  // namespace ry::trains
