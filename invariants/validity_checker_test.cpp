#include "invariants/validity_checker.hpp"

#include <gtest/gtest.h>

#include <array>

#include "invariants/test_history.hpp"

namespace ry {
namespace {

using test::History;
using test::msg;
using test::ref;

constexpr std::array<NodeId, 3> three = {NodeId{0}, NodeId{1}, NodeId{2}};

TEST(ValidityChecker, NothingAcceptedConverges) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
  EXPECT_EQ(checker.check_converged({}), std::nullopt);
  EXPECT_EQ(checker.name(), "validity");
}

TEST(ValidityChecker, AcceptedAndDeliveredEverywhereConverges) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.reply(ref(0), msg(0, 1));
  for (const NodeId node : three) h.deliver(NodeRef{node, 0}, msg(0, 1));
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
  EXPECT_EQ(checker.accepted_count(), 1U);
  EXPECT_FALSE(verdict.violated());
}

TEST(ValidityChecker, MissingAtALiveNodeIsReported) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.reply(ref(0), msg(0, 1));
  h.reply(ref(1), msg(1, 1));
  h.deliver_all(ref(0), {msg(0, 1), msg(1, 1)});
  h.deliver_all(ref(1), {msg(0, 1), msg(1, 1)});
  h.deliver(ref(2), msg(0, 1));  // node 2 lacks (1,1)
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result,
            "broadcast (1,1) accepted by node 1/0 at step 2 was not delivered at node 2 (which "
            "delivered 1 messages); 2 of 3 live nodes delivered it");
  EXPECT_FALSE(verdict.violated()) << "validity is liveness: the runner reports it, exit code 3";
}

TEST(ValidityChecker, FirstMissingInAcceptanceOrder) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.reply(ref(1), msg(1, 5));
  h.reply(ref(0), msg(0, 1));
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rfind(
                "broadcast (1,5) accepted by node 1/0 at step 1 was not delivered at node 0", 0),
            0U)
      << *result;
}

TEST(ValidityChecker, DeadNodesAreNotAwaited) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.reply(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1));
  const std::array<NodeId, 2> live = {NodeId{0}, NodeId{1}};  // node 2 is down
  EXPECT_EQ(checker.check_converged(live), std::nullopt);
}

TEST(ValidityChecker, RejectedAndUnrepliedBroadcastsAreNotOwed) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));  // no reply: not accepted with the default options
  h.broadcast(ref(0), msg(0, 2));
  h.reply(ref(0), msg(0, 2), ReplyStatus::rejected);
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
  EXPECT_EQ(checker.accepted_count(), 0U);
}

TEST(ValidityChecker, AcceptOnClientOption) {
  Verdict verdict;
  ValidityChecker checker(verdict, ValidityOptions{.accept_on_client = true});
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  EXPECT_NE(result->find("not delivered at node 1"), std::string::npos) << *result;
}

TEST(ValidityChecker, RestartedNodeKeepsItsEarlierDeliveries) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.reply(ref(0), msg(0, 1));
  for (const NodeId node : three) h.deliver(NodeRef{node, 0}, msg(0, 1));
  h.crash(ref(2));
  h.restart(ref(2, 1));  // recovers its log: (0,1) need not be delivered again
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
}

TEST(ValidityChecker, AcceptanceByACrashedIncarnationIsNotOwed) {
  // "every accepted broadcast of a live member" (protocol/trains/README.md section 7): the acceptor
  // crashed before the broadcast went anywhere; its client retries, and only the retry is owed.
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.reply(ref(1), msg(9, 1));
  h.crash(ref(1));
  h.restart(ref(1, 1));
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
  h.reply(ref(2), msg(9, 1));  // the retry, accepted by a live incarnation
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  EXPECT_NE(result->find("accepted by node 2/0 at step 4"), std::string::npos) << *result;
}

TEST(ValidityChecker, AcceptanceLostWithItsAcceptorIsForgotten) {
  Verdict verdict;
  ValidityChecker checker(verdict, ValidityOptions{.nodes = 3});
  History h{&checker};
  h.reply(ref(1), msg(1, 1));
  h.reply(ref(1), msg(1, 2));
  h.reply(ref(1), msg(1, 3), ReplyStatus::delivered);
  h.reply(ref(2), msg(2, 1));
  h.deliver(ref(0), msg(1, 2));  // it left node 1 before the crash
  EXPECT_EQ(checker.tracked(), 4U);
  h.crash(ref(1));
  EXPECT_EQ(checker.tracked(), 3U);  // (1,1) is owed nowhere: only its retry would be
  h.restart(ref(1, 1));
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  // (1,2) is not owed either (its acceptor crashed), though tracked: node 0 delivered it.
  EXPECT_EQ(result->rfind("broadcast (1,3) accepted by node 1/0 at step 3", 0), 0U) << *result;
  h.deliver(ref(0), msg(1, 1));  // found after all: tracked again, and delivered everywhere later
  h.deliver(ref(1, 1), msg(1, 1));
  h.deliver(ref(2), msg(1, 1));
  EXPECT_EQ(checker.tracked(), 3U);
  EXPECT_FALSE(verdict.violated());
}

TEST(ValidityChecker, DeliveredReplyIsOwedEvenIfTheAcceptorDied) {
  Verdict verdict;
  ValidityChecker checker(verdict);
  History h{&checker};
  h.reply(ref(1), msg(1, 1), ReplyStatus::delivered);
  h.deliver(ref(1), msg(1, 1));
  h.crash(ref(1));
  const std::array<NodeId, 2> live = {NodeId{0}, NodeId{2}};
  const auto result = checker.check_converged(live);
  ASSERT_TRUE(result.has_value());
  EXPECT_NE(result->find("not delivered at node 0"), std::string::npos) << *result;
}

// --- bounded memory (nodes given): ids delivered everywhere retire -------------------------

TEST(ValidityChecker, IdsDeliveredEverywhereRetire) {
  Verdict verdict;
  ValidityChecker checker(verdict, ValidityOptions{.nodes = 3});
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 1000; ++seq) {
    h.reply(ref(0), msg(0, seq));
    for (const NodeId node : three) h.deliver(NodeRef{node, 0}, msg(0, seq));
  }
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.accepted_count(), 1000U);
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
}

TEST(ValidityChecker, MissingAfterManyRetiredIsStillReported) {
  Verdict verdict;
  ValidityChecker checker(verdict, ValidityOptions{.nodes = 3});
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 1000; ++seq) {
    h.reply(ref(0), msg(0, seq));
    for (const NodeId node : three) {
      if (seq == 500 && node == NodeId{2}) continue;  // never reaches node 2
      h.deliver(NodeRef{node, 0}, msg(0, seq));
    }
  }
  h.reply(ref(1), msg(0, 1));  // a late retry of a retired id is not owed again
  EXPECT_EQ(checker.tracked(), 1U);
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rfind("broadcast (0,500) accepted by node 0/0", 0), 0U) << *result;
  EXPECT_NE(result->find("not delivered at node 2 (which delivered 999 messages)"),
            std::string::npos)
      << *result;
}

// --- state transfer (StateTransfer, protocol/common/effects.hpp): the prefix is in the log ---

// Node 0 accepts (0,1)..(0,n), each delivered at nodes 0 and 1 (three steps a seq).
void accepted_at_0_delivered_at_0_and_1(History& h, std::uint64_t n) {
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    h.reply(ref(0), msg(0, seq));
    h.deliver(ref(0), msg(0, seq));
    h.deliver(ref(1), msg(0, seq));
  }
}

TEST(ValidityChecker, TransferredIdsRetire) {
  Verdict verdict;
  ValidityChecker checker(verdict, ValidityOptions{.nodes = 3});
  History h{&checker};
  accepted_at_0_delivered_at_0_and_1(h, 100);
  EXPECT_EQ(checker.tracked(), 100U);
  h.transfer(ref(2, 1), 100);  // node 2 rejoined: its log is positions 1..100
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
}

TEST(ValidityChecker, IdAboveTheTransferIsStillOwed) {
  Verdict verdict;
  ValidityChecker checker(verdict, ValidityOptions{.nodes = 3});
  History h{&checker};
  accepted_at_0_delivered_at_0_and_1(h, 3);
  h.transfer(ref(2, 1), 2);
  EXPECT_EQ(checker.tracked(), 1U);
  const auto result = checker.check_converged(three);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->rfind("broadcast (0,3) accepted by node 0/0 at step 7 was not delivered at "
                          "node 2",
                          0),
            0U)
      << *result;
  h.deliver(ref(2, 1), msg(0, 3));  // at position 3, after the transfer
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.check_converged(three), std::nullopt);
}

}  // namespace
}  // namespace ry
