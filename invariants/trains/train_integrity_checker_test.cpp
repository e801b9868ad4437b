#include "invariants/trains/train_integrity_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/trains/test_trains.hpp"

namespace ry::trains {
namespace {

using test::payload;
using test::ref;
using test::step;
using test::train;

void client(TrainIntegrityChecker& c, std::uint64_t at, std::uint32_t node, std::uint32_t sender,
            std::uint64_t seq, std::string data) {
  c.on_client(step(at), ref(node),
              ClientRequest{RequestId{ClientId{sender}, seq}, std::move(data)});
}
void send(TrainIntegrityChecker& c, std::uint64_t at, std::uint32_t from, std::uint32_t to,
          const Train& t) {
  c.on_send_message(step(at), ref(from), NodeId{to}, Message{t});
}
void receive(TrainIntegrityChecker& c, std::uint64_t at, std::uint32_t to, std::uint32_t from,
             const Train& t) {
  c.on_receive_message(step(at), ref(to), NodeId{from}, Message{t});
}

TEST(TrainIntegrityChecker, TrainLifeIsClean) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  EXPECT_EQ(c.name(), "train_integrity");
  client(c, 1, 1, 1, 1, "a");
  client(c, 2, 2, 2, 1, "b");
  client(c, 3, 0, 1, 1, "a");  // a client retry of the same id at another node
  // Lap 1: the content grows while open.
  send(c, 4, 0, 1, train(0, 1, false, {}, 1));
  receive(c, 5, 1, 0, train(0, 1, false, {}, 1));
  send(c, 5, 1, 2, train(0, 1, false, {payload(1, 1, "a")}, 1));
  receive(c, 6, 2, 1, train(0, 1, false, {payload(1, 1, "a")}, 1));
  // Closed at node 2; holders grow on the propagation lap; retransmissions and duplicates.
  const std::vector<Payload> closed{payload(1, 1, "a"), payload(2, 1, "b")};
  for (std::uint32_t hop = 0; hop < 6; ++hop) {
    const std::uint32_t from = (2 + hop) % 3;
    send(c, 7 + hop, from, (from + 1) % 3, train(0, 1, true, closed, hop + 1, hop + 1));
    send(c, 7 + hop, from, (from + 1) % 3, train(0, 1, true, closed, hop + 1, hop + 1));
    receive(c, 8 + hop, (from + 1) % 3, from, train(0, 1, true, closed, hop + 1, hop + 1));
  }
  // Recycled: (2,0) starts empty again.
  send(c, 20, 0, 1, train(0, 2, false, {}, 7));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_GT(c.checks(), 10U);
  EXPECT_EQ(c.remembered_keys(), 1U);
}

TEST(TrainIntegrityChecker, PayloadNobodyBroadcastFires) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  client(c, 1, 1, 1, 1, "a");
  send(c, 2, 1, 2, train(0, 1, false, {payload(1, 1, "a"), payload(1, 2, "x")}));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().property, "train_integrity");
  EXPECT_EQ(verdict.first().step, 2U);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{1}});
  EXPECT_NE(verdict.first().detail.find("(1,2) that no client broadcast"), std::string::npos);
}

TEST(TrainIntegrityChecker, PayloadWithOtherDataFires) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  client(c, 1, 0, 0, 1, "a");
  receive(c, 3, 2, 1, train(1, 4, true, {payload(0, 1, "A")}));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 3U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{2}, NodeId{0}}));
}

TEST(TrainIntegrityChecker, ClosedContentThatChangesFires) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  client(c, 1, 0, 0, 1, "a");
  client(c, 1, 1, 1, 1, "b");
  send(c, 2, 2, 0, train(0, 1, true, {payload(0, 1, "a")}, 1, 1));
  receive(c, 3, 0, 2, train(0, 1, true, {payload(0, 1, "a")}, 1, 1));
  send(c, 3, 0, 1, train(0, 1, true, {payload(0, 1, "a")}, 2, 2));
  EXPECT_FALSE(verdict.violated());
  // Node 1 appends to a closed train: both payloads were broadcast, but the content changed.
  send(c, 4, 1, 2, train(0, 1, true, {payload(0, 1, "a"), payload(1, 1, "b")}, 1, 3));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().property, "train_integrity");
  EXPECT_EQ(verdict.first().step, 4U);
  EXPECT_EQ(verdict.first().nodes, (std::vector<NodeId>{NodeId{1}, NodeId{2}}));
  EXPECT_NE(verdict.first().detail.find("first seen closed at node 2/0 at step 2"),
            std::string::npos);
}

TEST(TrainIntegrityChecker, SameKeyOfAnotherIssuerIsNotTheSameTrain) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  client(c, 1, 0, 0, 1, "a");
  send(c, 2, 0, 1, train(0, 1, true, {payload(0, 1, "a")}));
  send(c, 3, 1, 2, train(1, 1, true, {}));
  EXPECT_FALSE(verdict.violated());
}

TEST(TrainIntegrityChecker, MemoryStaysFlatOverManyClocks) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict, 8);
  for (std::uint64_t clock = 1; clock <= 20'000; ++clock) {
    for (std::uint32_t issuer = 0; issuer < 2; ++issuer) {
      client(c, clock, issuer, issuer, clock, "p");
      send(c, clock, issuer, 1 - issuer, train(issuer, clock, true, {payload(issuer, clock, "p")}));
    }
  }
  EXPECT_FALSE(verdict.violated());
  EXPECT_LE(c.remembered_keys(), 2U * 9U);
  // A closed train far below is not remembered (its payloads are still checked).
  send(c, 20'001, 0, 1, train(0, 3, true, {payload(0, 4, "other")}));
  EXPECT_EQ(c.unchecked_closed(), 1U);
  EXPECT_TRUE(verdict.violated());  // (0,4)'s data was "p"
  EXPECT_LE(c.remembered_keys(), 2U * 9U);
}

TEST(TrainIntegrityChecker, OldRetransmittedCopyWithinTheMarginIsChecked) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  client(c, 1, 0, 0, 1, "a");
  send(c, 2, 2, 0, train(0, 1, true, {payload(0, 1, "a")}, 1));
  send(c, 3, 0, 1, train(0, 2, false, {}, 2));
  send(c, 4, 2, 0, train(0, 1, true, {payload(0, 1, "a")}, 1));  // stale retransmission: fine
  EXPECT_FALSE(verdict.violated());
  send(c, 5, 2, 0, train(0, 1, true, {}, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 5U);
}

// --- bounded memory (nodes given): broadcasts delivered everywhere retire ------------------

void deliver(TrainIntegrityChecker& c, std::uint64_t at, std::uint32_t node, std::uint32_t sender,
             std::uint64_t seq) {
  c.on_deliver(step(at), ref(node), Delivery{MsgId{NodeId{sender}, seq}, 0});
}

// Sender 0 broadcasts seqs 1..n ("x"), each delivered at nodes 0 and 1 (at step seq).
void delivered_at_0_and_1(TrainIntegrityChecker& c, std::uint64_t n) {
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    client(c, seq, 0, 0, seq, "x");
    deliver(c, seq, 0, 0, seq);
    deliver(c, seq, 1, 0, seq);
  }
}

TEST(TrainIntegrityChecker, BroadcastsDeliveredEverywhereRetire) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict, TrainIntegrityChecker::default_margin, 2);
  delivered_at_0_and_1(c, 1000);
  EXPECT_EQ(c.remembered_broadcasts(), 0U);
  // A late copy of a train that carries a retired payload: its id is known, its data unchecked.
  send(c, 2000, 0, 1, train(0, 1, false, {payload(0, 7, "x")}, 1));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(c.unchecked_payloads(), 1U);
}

TEST(TrainIntegrityChecker, UnbroadcastPayloadAfterRetirementsFires) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict, TrainIntegrityChecker::default_margin, 2);
  delivered_at_0_and_1(c, 1000);
  send(c, 2000, 0, 1, train(0, 1, false, {payload(0, 1001, "x")}, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("payload (0,1001) that no client broadcast"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(TrainIntegrityChecker, SameListIsVerifiedOnceButAChangedOneAgain) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict);
  client(c, 1, 0, 0, 1, "a");
  const Train t = train(0, 1, false, {payload(0, 1, "a")}, 1);
  send(c, 2, 0, 1, t);
  const std::uint64_t checks = c.checks();
  receive(c, 3, 1, 0, t);  // the same shared list: not verified again
  EXPECT_EQ(c.checks(), checks);
  send(c, 4, 1, 2, train(0, 1, false, {payload(0, 1, "A")}, 2));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("has data digest"), std::string::npos);
}

// --- state transfer (StateTransfer, protocol/common/effects.hpp): the prefix counts as delivered

void transfer(TrainIntegrityChecker& c, std::uint64_t at, NodeRef node, std::uint64_t x) {
  c.on_state_transfer(step(at), node, StateTransfer{x, 0});
}

TEST(TrainIntegrityChecker, TransferredBroadcastsRetire) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict, TrainIntegrityChecker::default_margin, 3);
  delivered_at_0_and_1(c, 1000);
  EXPECT_EQ(c.remembered_broadcasts(), 1000U);
  transfer(c, 1001, ref(2, 1), 999);  // node 2 rejoined with positions 1..999
  EXPECT_EQ(c.remembered_broadcasts(), 1U);
  c.on_deliver(step(1002), ref(2, 1), Delivery{MsgId{NodeId{0}, 1000}, 0});  // position 1000
  EXPECT_EQ(c.remembered_broadcasts(), 0U);
  // Its data is forgotten, its id still known.
  send(c, 1003, 0, 1, train(0, 1, false, {payload(0, 1000, "x")}, 1));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(c.unchecked_payloads(), 1U);
}

TEST(TrainIntegrityChecker, BroadcastAboveTheTransferIsStillChecked) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict, TrainIntegrityChecker::default_margin, 3);
  delivered_at_0_and_1(c, 2);
  transfer(c, 3, ref(2, 1), 1);
  EXPECT_EQ(c.remembered_broadcasts(), 1U);
  send(c, 4, 0, 1, train(0, 1, false, {payload(0, 2, "y")}, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("its payload (0,2) has data digest"), std::string::npos)
      << verdict.first().detail;
}

// --- requests turned away -----------------------------------------------------------------

TEST(TrainIntegrityChecker, PayloadOfARejectedRequestFires) {
  Verdict verdict;
  TrainIntegrityChecker c(verdict, TrainIntegrityChecker::default_margin, 2);
  client(c, 1, 1, 1, 1, "a");
  c.on_reply(step(1), ref(1), ClientReply{RequestId{ClientId{1}, 1}, ReplyStatus::rejected});
  client(c, 2, 0, 0, 1, "b");
  c.on_reply(step(2), ref(0), ClientReply{RequestId{ClientId{0}, 1}, ReplyStatus::accepted});
  client(c, 3, 1, 0, 1, "b");  // a retry, turned away as a duplicate: still broadcast
  c.on_reply(step(3), ref(1), ClientReply{RequestId{ClientId{0}, 1}, ReplyStatus::rejected});
  EXPECT_EQ(c.remembered_broadcasts(), 1U);
  send(c, 4, 0, 1, train(0, 1, false, {payload(0, 1, "b")}, 1));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  send(c, 5, 1, 0, train(0, 1, false, {payload(0, 1, "b"), payload(1, 1, "a")}, 2));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("payload (1,1) that no client broadcast (or every node it "
                                        "was handed to rejected it)"),
            std::string::npos)
      << verdict.first().detail;
}

}  // namespace
}  // namespace ry::trains
