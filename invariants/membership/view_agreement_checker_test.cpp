#include "invariants/membership/view_agreement_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/membership/test_membership.hpp"

namespace ry::membership {
namespace {

using test::ref;
using test::Script;

TEST(ViewAgreementChecker, EmptyRunIsClean) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.name(), "view_agreement");
}

TEST(ViewAgreementChecker, SameMembersEverywhereIsClean) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2, 3, 4});
  run.view_everywhere(2, {0, 1, 2, 3});  // 4 excluded
  run.crash(ref(2));
  run.restart(ref(2, 1));
  run.view(ref(2, 1), 2, {0, 1, 2, 3});  // announces the view it recovered from its disk
  run.view_everywhere(3, {0, 1, 2, 3, 4});
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_GT(checker.checks(), 0U);
}

TEST(ViewAgreementChecker, MembersInAnotherOrderAreTheSameSet) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict);
  Script run{&checker};
  run.view(ref(0), 1, {0, 1, 2});
  run.view(ref(1), 1, {2, 1, 0, 1});
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(ViewAgreementChecker, TwoMemberSetsForOneViewIdFire) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2, 3, 4});
  run.view(ref(1), 2, {0, 1, 3});
  run.view(ref(0), 2, {0, 1, 3});
  const std::uint64_t step = run.next_step();
  run.view(ref(2), 2, {0, 1, 2});  // a second coordinator formed another quorum for id 2
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "view_agreement");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, test::nodes({2, 1}));
  EXPECT_NE(v.detail.find("node 2/0 installed view 2 with members {0,1,2}, but node 1/0 "
                          "installed view 2 with members {0,1,3} at step 6 (only here: {2}, "
                          "only there: {3})"),
            std::string::npos)
      << v.detail;
}

TEST(ViewAgreementChecker, AnotherIncarnationOfTheSameNodeIsCompared) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict);
  Script run{&checker};
  run.view(ref(1), 3, {0, 1, 2});
  run.crash(ref(1));
  run.restart(ref(1, 1));
  run.view(ref(1, 1), 3, {1, 2});
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().nodes, test::nodes({1}));
  EXPECT_NE(verdict.first().detail.find("node 1/1 installed view 3 with members {1,2}, but node "
                                        "1/0 installed view 3 with members {0,1,2}"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(ViewAgreementChecker, ViewsBelowTheFloorAreDropped) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict, 3);
  Script run{&checker};
  for (std::uint64_t v = 1; v <= 50; ++v) run.view_everywhere(v, {0, 1, 2});
  EXPECT_EQ(checker.views_kept(), 1U);  // only the view every node is in
  run.view(ref(0), 51, {0, 1, 2});
  run.view(ref(1), 51, {0, 1});  // still compared: node 2 has not moved on
  EXPECT_TRUE(verdict.violated());
}

TEST(ViewAgreementChecker, WithoutTheNodeCountEveryViewIsKept) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict);
  Script run{&checker};
  for (std::uint64_t v = 1; v <= 20; ++v) run.view_everywhere(v, {0, 1, 2});
  EXPECT_EQ(checker.views_kept(), 20U);
}

TEST(ViewAgreementChecker, ANodeThatHasInstalledNothingKeepsEveryView) {
  Verdict verdict;
  ViewAgreementChecker checker(verdict, 4);  // node 3 never installs anything
  Script run{&checker};
  for (std::uint64_t v = 1; v <= 10; ++v) run.view_everywhere(v, {0, 1, 2});
  EXPECT_EQ(checker.views_kept(), 10U);
  run.view(ref(3), 1, {0, 1, 2, 3});  // its first view, long after: still compared
  EXPECT_TRUE(verdict.violated());
}

}  // namespace
}  // namespace ry::membership
