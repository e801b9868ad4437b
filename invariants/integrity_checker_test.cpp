#include "invariants/integrity_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/test_history.hpp"

namespace ry {
namespace {

using test::History;
using test::msg;
using test::ref;

TEST(IntegrityChecker, EmptyRunIsClean) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.name(), "integrity");
}

TEST(IntegrityChecker, BroadcastsDeliveredOnceEverywhereAreClean) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.broadcast(ref(1), msg(1, 1));
  for (std::uint32_t node = 0; node < 3; ++node) h.deliver_all(ref(node), {msg(0, 1), msg(1, 1)});
  EXPECT_FALSE(verdict.violated());
  EXPECT_GT(checker.checks(), 0U);
}

TEST(IntegrityChecker, ClientRetryAtAnotherNodeIsClean) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(7, 1));
  h.broadcast(ref(2), msg(7, 1));  // the client timed out and retried elsewhere
  h.deliver(ref(1), msg(7, 1));
  EXPECT_FALSE(verdict.violated());
}

TEST(IntegrityChecker, RestartedNodeDeliveringNewMessagesIsClean) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.broadcast(ref(0), msg(0, 2));
  h.deliver(ref(1), msg(0, 1));
  h.crash(ref(1));
  h.restart(ref(1, 1));
  h.deliver(ref(1, 1), msg(0, 2));
  EXPECT_FALSE(verdict.violated());
}

TEST(IntegrityChecker, DuplicateAtOneNodeFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.broadcast(ref(0), msg(0, 2));
  h.deliver_all(ref(2), {msg(0, 1), msg(0, 2)});
  const std::uint64_t step = h.next_step();
  h.deliver(ref(2), msg(0, 1));
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "integrity");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, std::vector<NodeId>{NodeId{2}});
  EXPECT_NE(v.detail.find("duplicate: node 2/0 delivered (0,1) at position 3"), std::string::npos)
      << v.detail;
  EXPECT_NE(v.detail.find("already at position 1 in incarnation 0 at step 3"), std::string::npos)
      << v.detail;
}

TEST(IntegrityChecker, DuplicateAcrossIncarnationsFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1));
  h.crash(ref(1));
  h.restart(ref(1, 1));
  const std::uint64_t step = h.next_step();
  h.deliver(ref(1, 1), msg(0, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{1}});
  EXPECT_NE(verdict.first().detail.find("node 1/1"), std::string::npos);
}

TEST(IntegrityChecker, SpuriousDeliveryFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 2));  // never broadcast
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 3U);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{0}});
  EXPECT_EQ(verdict.first().detail.rfind("spurious: node 0/0 delivered (0,2)", 0), 0U)
      << verdict.first().detail;
}

TEST(IntegrityChecker, ChangedContentIsSpurious) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.broadcast(ref(3), msg(3, 1), "hello");
  h.deliver(ref(4), msg(3, 1), fnv1a("hellO"));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 2U);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{4}});
  EXPECT_NE(verdict.first().detail.find("spurious content"), std::string::npos);
  EXPECT_NE(verdict.first().detail.find("via node 3/0 at step 1"), std::string::npos);
}

TEST(IntegrityChecker, DeliveryBeforeItsBroadcastIsSpurious) {
  Verdict verdict;
  IntegrityChecker checker(verdict);
  History h{&checker};
  h.deliver(ref(0), msg(0, 1));
  h.broadcast(ref(0), msg(0, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, 1U);
}

// --- bounded memory (nodes given): ids retire once delivered everywhere ---------------------

TEST(IntegrityChecker, IdsDeliveredEverywhereRetireAndMemoryStaysFlat) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 3);
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 2000; ++seq) {
    // Every third seq of sender 0 was refused (never broadcast): gaps must not split memory.
    if (seq % 3 == 0) continue;
    h.broadcast(ref(0), msg(0, seq));
    for (std::uint32_t node = 0; node < 3; ++node) h.deliver(ref(node), msg(0, seq));
  }
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.retired_intervals(), 1U);
}

TEST(IntegrityChecker, DuplicateLongAfterRetirementFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 1000; ++seq) {
    h.broadcast(ref(1), msg(1, seq));
    h.deliver(ref(0), msg(1, seq));
    h.deliver(ref(1), msg(1, seq));
  }
  ASSERT_FALSE(verdict.violated());
  const std::uint64_t step = h.next_step();
  h.deliver(ref(0), msg(1, 7));
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_EQ(verdict.first().nodes, std::vector<NodeId>{NodeId{0}});
  EXPECT_NE(verdict.first().detail.find("duplicate: node 0/0 delivered (1,7) at position 1001"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(IntegrityChecker, DuplicateBeforeRetirementKeepsItsDetail) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 3);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));  // node 2 has not delivered it: still tracked
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("already at position 1 in incarnation 0 at step 2"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(IntegrityChecker, RetryOfARetiredIdIsClean) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1));
  h.broadcast(ref(1), msg(0, 1));  // a late client retry
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.tracked(), 0U);
}

TEST(IntegrityChecker, SpuriousBetweenRetiredIdsStillFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 10; ++seq) {
    h.broadcast(ref(0), msg(0, seq));
    h.deliver(ref(0), msg(0, seq));
    h.deliver(ref(1), msg(0, seq));
  }
  h.deliver(ref(0), msg(0, 11), 0);  // never broadcast
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().detail.rfind("spurious: node 0/0 delivered (0,11)", 0), 0U)
      << verdict.first().detail;
}

TEST(IntegrityChecker, ChangedContentAfterOthersDeliveredIsSpurious) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 3);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  h.deliver(ref(1), msg(0, 1));
  h.deliver(ref(2), msg(0, 1), 42);
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("spurious content"), std::string::npos);
}

// --- state transfer (StateTransfer, protocol/common/effects.hpp): the prefix counts as held ---

TEST(IntegrityChecker, TransferredIdsRetire) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 3);
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 3; ++seq) h.broadcast(ref(0), msg(0, seq));
  for (std::uint32_t node = 0; node < 2; ++node) {
    h.deliver_all(ref(node), {msg(0, 1), msg(0, 2), msg(0, 3)});
  }
  EXPECT_EQ(checker.tracked(), 3U);
  // Node 2 was re-admitted with the log up to position 2: (0,1) and (0,2) are everywhere now.
  h.transfer(ref(2, 1), 2);
  EXPECT_EQ(checker.tracked(), 1U);
  h.deliver(ref(2, 1), msg(0, 3));  // its next delivery, at position 3
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.retired_intervals(), 1U);
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(IntegrityChecker, TransferCoversOnlyItsPrefix) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.broadcast(ref(0), msg(0, 2));
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  h.transfer(ref(1), 1);
  EXPECT_EQ(checker.tracked(), 1U);          // (0,2), at position 2, is not node 1's yet
  h.note(ref(1), Note{"install", 1, 2, 0});  // a note is observation only
  EXPECT_EQ(checker.tracked(), 1U);
  EXPECT_FALSE(verdict.violated());
}

TEST(IntegrityChecker, RedeliveryOfATransferredIdFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 3);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.broadcast(ref(0), msg(0, 2));
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  h.deliver(ref(1), msg(0, 1));
  h.transfer(ref(2, 1), 2);
  EXPECT_EQ(checker.tracked(), 1U);  // (0,1) is everywhere now; node 1 lacks (0,2)
  h.deliver(ref(1), msg(0, 2));
  EXPECT_EQ(checker.tracked(), 0U);
  ASSERT_FALSE(verdict.violated());
  // A tracked id: the detail names the transfer.
  h.broadcast(ref(0), msg(0, 3));
  h.deliver(ref(0), msg(0, 3));
  h.transfer(ref(1, 1), 3);
  h.deliver(ref(1, 1), msg(0, 3));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("duplicate: node 1/1 delivered (0,3) at position 4, and "
                                        "already held at position 3 in incarnation 1 at step"),
            std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("(by a state transfer)"), std::string::npos);
}

TEST(IntegrityChecker, RedeliveryOfARetiredTransferredIdFires) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.deliver(ref(0), msg(0, 1));
  h.transfer(ref(1, 1), 1);
  EXPECT_EQ(checker.tracked(), 0U);
  const std::uint64_t step = h.next_step();
  h.deliver(ref(1, 1), msg(0, 1));  // at position 2: its log already holds it at position 1
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("duplicate: node 1/1 delivered (0,1) at position 2, which "
                                        "every one of the 2 nodes already held"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(IntegrityChecker, PositionsContinueFromTheTransfer) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 3);
  History h{&checker};
  for (std::uint64_t seq = 1; seq <= 5; ++seq) h.broadcast(ref(0), msg(0, seq));
  h.deliver_all(ref(0), {msg(0, 1), msg(0, 2), msg(0, 3), msg(0, 4)});
  h.deliver(ref(1), msg(0, 1));  // then node 1 crashed, restarted and was re-admitted
  h.transfer(ref(1, 1), 3);
  h.deliver(ref(1, 1), msg(0, 4));
  h.deliver(ref(1, 1), msg(0, 4));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(
      verdict.first().detail.find("at position 5, and already at position 4 in incarnation 1"),
      std::string::npos)
      << verdict.first().detail;
}

// --- requests turned away ---------------------------------------------------------------------

TEST(IntegrityChecker, RejectedRequestIsForgotten) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  h.broadcast(ref(1), msg(1, 1));
  h.reply(ref(1), msg(1, 1), ReplyStatus::rejected);  // node 1 is out of the view
  EXPECT_EQ(checker.tracked(), 0U);
  h.deliver(ref(0), msg(1, 1));
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("spurious: node 0/0 delivered (1,1)"), std::string::npos)
      << verdict.first().detail;
  EXPECT_NE(verdict.first().detail.find("or every node it was handed to rejected it"),
            std::string::npos);
}

TEST(IntegrityChecker, RejectionAfterAnAcceptanceOrADeliveryKeepsTheId) {
  Verdict verdict;
  IntegrityChecker checker(verdict, 2);
  History h{&checker};
  h.broadcast(ref(0), msg(0, 1));
  h.reply(ref(0), msg(0, 1));
  h.broadcast(ref(1), msg(0, 1));  // a client retry: a duplicate, turned away
  h.reply(ref(1), msg(0, 1), ReplyStatus::rejected);
  h.broadcast(ref(0), msg(0, 2));
  h.deliver(ref(0), msg(0, 2));  // a core that delivers and turns away in the same step
  h.reply(ref(0), msg(0, 2), ReplyStatus::rejected);
  h.broadcast(ref(1), msg(1, 1));
  h.reply(ref(1), msg(1, 1), ReplyStatus::rejected);
  h.broadcast(ref(0), msg(1, 1));  // retried elsewhere: a new request
  h.reply(ref(0), msg(1, 1));
  EXPECT_EQ(checker.tracked(), 3U);
  for (std::uint32_t node = 0; node < 2; ++node) {
    h.deliver(ref(node), msg(0, 1));
    h.deliver(ref(node), msg(1, 1));
  }
  h.deliver(ref(1), msg(0, 2));
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_EQ(checker.tracked(), 0U);
}

}  // namespace
}  // namespace ry
