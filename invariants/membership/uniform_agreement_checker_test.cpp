#include "invariants/membership/uniform_agreement_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/membership/test_membership.hpp"

namespace ry::membership {
namespace {

using test::msg;
using test::nodes;
using test::ref;
using test::Script;

TEST(UniformAgreementChecker, EmptyRunIsClean) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  EXPECT_EQ(checker.check_converged(1, nodes({0, 1, 2})), std::nullopt);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.name(), "uniform_agreement");
}

TEST(UniformAgreementChecker, EveryMemberHoldingEveryMessageIsClean) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  for (std::uint32_t node = 0; node < 3; ++node) {
    run.deliver_all(ref(node), {msg(0, 1), msg(1, 1), msg(2, 1)});
  }
  EXPECT_EQ(checker.tracked(), 0U);  // held by every member: retired
  EXPECT_EQ(checker.check_converged(run.last_step(), nodes({0, 1, 2})), std::nullopt);
  EXPECT_FALSE(verdict.violated());
  EXPECT_GT(checker.checks(), 0U);
}

// Bug U1 of protocol/trains/README.md section 8: the issuer delivers alone and crashes before
// forwarding; the survivors' next view skips the key.
TEST(UniformAgreementChecker, IssuerThatDeliveredAloneAndCrashedFires) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  for (std::uint32_t node = 0; node < 3; ++node) run.deliver(ref(node), msg(1, 1));
  run.deliver(ref(0), msg(0, 1));  // step 7
  run.crash(ref(0));
  run.view_everywhere(2, {1, 2});
  run.deliver(ref(1), msg(1, 2));
  run.deliver(ref(2), msg(1, 2));
  const auto missing = checker.check_converged(run.last_step(), nodes({1, 2}));
  ASSERT_TRUE(missing.has_value());
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "uniform_agreement");
  EXPECT_EQ(v.step, run.last_step());
  EXPECT_EQ(v.nodes, nodes({1, 0}));
  EXPECT_EQ(v.detail, *missing);
  EXPECT_NE(v.detail.find("(0,1) was delivered by node 0/0 at step 7 (at its position 2), but "
                          "node 1, a member of view 2 (the last installed), never delivered it "
                          "(its log has 2 positions)"),
            std::string::npos)
      << v.detail;
}

TEST(UniformAgreementChecker, MessageOfACrashedNodeThatTheSurvivorsDeliverIsClean) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.deliver(ref(0), msg(0, 1));
  run.crash(ref(0));
  run.view_everywhere(2, {1, 2});
  run.deliver(ref(1), msg(0, 1));  // the plan of view 2 delivers it
  run.deliver(ref(2), msg(0, 1));
  EXPECT_EQ(checker.check_converged(run.last_step(), nodes({1, 2})), std::nullopt);
  EXPECT_EQ(checker.tracked(), 0U);
}

TEST(UniformAgreementChecker, StateTransferGivesTheRejoinerItsMessages) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.crash(ref(2));
  run.view_everywhere(2, {0, 1});
  run.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  run.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
  run.restart(ref(2, 1));
  run.transfer(ref(2, 1), 2, test::log_of({msg(0, 1), msg(0, 2)}), 0);
  run.view_everywhere(3, {0, 1, 2});
  run.view(ref(2, 1), 3, {0, 1, 2});
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.check_converged(run.last_step(), nodes({0, 1, 2})), std::nullopt);
}

TEST(UniformAgreementChecker, TransferToAShorterLogTakesMessagesAway) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  run.deliver_all(ref(2), {msg(0, 1), msg(0, 2)});
  run.crash(ref(2));
  run.restart(ref(2, 1));
  run.transfer(ref(2, 1), 1, test::log_of({msg(0, 1)}), 0);  // and never catches up
  run.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
  const auto missing = checker.check_converged(run.last_step(), nodes({0, 1, 2}));
  ASSERT_TRUE(missing.has_value());
  EXPECT_NE(missing->find("(0,2) was delivered by node 0/0"), std::string::npos) << *missing;
  EXPECT_NE(missing->find("node 2, a member of view 1"), std::string::npos) << *missing;
}

TEST(UniformAgreementChecker, RetiredMessagesMustReachALaterMember) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1});
  run.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  run.deliver_all(ref(1), {msg(0, 1), msg(0, 2)});
  EXPECT_EQ(checker.tracked(), 0U);
  run.view_everywhere(2, {0, 1, 2});  // node 2 joins without a transfer and delivers nothing
  const auto missing = checker.check_converged(run.last_step(), nodes({0, 1, 2}));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(verdict.first().nodes, nodes({2}));
  EXPECT_NE(missing->find("node 2, a member of view 2 (the last installed), has a log of 0 "
                          "positions, but (0,2) was delivered at position 2 and held by every "
                          "member of an earlier view"),
            std::string::npos)
      << *missing;
}

TEST(UniformAgreementChecker, LateDeliveryOfARetiredMessageIsNotTrackedAgain) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1});
  run.deliver(ref(0), msg(0, 1));
  run.deliver(ref(1), msg(0, 1));
  run.view_everywhere(2, {0, 1, 2});
  run.deliver(ref(2), msg(0, 1));  // catches up: its log reaches position 1
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.check_converged(run.last_step(), nodes({0, 1, 2})), std::nullopt);
}

TEST(UniformAgreementChecker, MemberThatIsDownIsNotBlamed) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.deliver(ref(0), msg(0, 1));
  run.deliver(ref(1), msg(0, 1));
  run.crash(ref(2));
  EXPECT_EQ(checker.check_converged(run.last_step(), nodes({0, 1})), std::nullopt);
  EXPECT_TRUE(checker.check_converged(run.last_step(), nodes({0, 1, 2})).has_value());
}

TEST(UniformAgreementChecker, WithoutViewsTheNodesAreTheMembers) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict, 3);
  Script run{&checker};
  run.deliver(ref(0), msg(0, 1));
  run.deliver(ref(1), msg(0, 1));
  run.deliver(ref(2), msg(0, 1));
  EXPECT_EQ(checker.tracked(), 0U);
  run.deliver(ref(0), msg(0, 2));
  const auto missing = checker.check_converged(run.last_step(), nodes({0, 1, 2}));
  ASSERT_TRUE(missing.has_value());
  EXPECT_NE(missing->find("but node 1 never delivered it"), std::string::npos) << *missing;
}

TEST(UniformAgreementChecker, MemoryFollowsMessagesInFlight) {
  Verdict verdict;
  UniformAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  for (std::uint64_t seq = 1; seq <= 2000; ++seq) {
    for (std::uint32_t sender = 0; sender < 3; ++sender) {
      for (std::uint32_t node = 0; node < 3; ++node) run.deliver(ref(node), msg(sender, seq));
      EXPECT_LE(checker.tracked(), 1U);
    }
  }
  EXPECT_EQ(checker.tracked(), 0U);
  EXPECT_EQ(checker.retired_intervals(), 3U);  // one seq interval per sender
  EXPECT_EQ(checker.check_converged(run.last_step(), nodes({0, 1, 2})), std::nullopt);
}

}  // namespace
}  // namespace ry::membership
