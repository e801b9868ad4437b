#include "invariants/membership/primary_component_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/membership/test_membership.hpp"

namespace ry::membership {
namespace {

using test::ref;
using test::Script;

TEST(PrimaryComponentChecker, EmptyRunIsClean) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  EXPECT_FALSE(verdict.violated());
  EXPECT_EQ(checker.name(), "primary_component");
}

TEST(PrimaryComponentChecker, ExclusionsAndReadmissionsWithMajoritiesAreClean) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2, 3, 4});
  run.view_everywhere(2, {0, 1, 2, 3});  // 4 of 5
  run.view_everywhere(3, {0, 1, 2});     // 3 of 4
  run.crash(ref(3));
  run.restart(ref(3, 1));
  for (const std::uint32_t node : {0U, 1U, 2U, 4U}) run.view(ref(node), 4, {0, 1, 2, 3, 4});
  run.view(ref(3, 1), 4, {0, 1, 2, 3, 4});  // 3 of 3: re-admission of 3 and 4
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
  EXPECT_GT(checker.checks(), 0U);
}

TEST(PrimaryComponentChecker, MinoritySideInstallingAViewFires) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2, 3, 4});
  run.view_everywhere(2, {0, 1, 2});  // the majority side
  const std::uint64_t step = run.next_step();
  run.view(ref(3), 3, {3, 4});  // bug Q1: the minority side moves on too
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.property, "primary_component");
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, test::nodes({3, 0}));
  EXPECT_NE(v.detail.find("view 3 {3,4} (first installed by node 3/0 at step 9) holds 0 of the 3 "
                          "members of view 2 {0,1,2}, the view before it (first installed by node "
                          "0/0 at step 6): not a strict majority"),
            std::string::npos)
      << v.detail;
}

TEST(PrimaryComponentChecker, ExactlyHalfIsNotAMajority) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2, 3});
  run.view(ref(0), 2, {0, 1});
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("holds 2 of the 4 members of view 1"), std::string::npos)
      << verdict.first().detail;
}

TEST(PrimaryComponentChecker, PreviousViewIsGlobalNotPerNode) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2, 3, 4});
  run.view_everywhere(2, {0, 1, 2});
  // Node 4 was excluded from view 2 and never installed it; view 3 must still hold a majority of
  // view 2, not of node 4's view 1 (where {0,3,4} would be 3 of 5).
  run.view(ref(4), 3, {0, 3, 4});
  ASSERT_TRUE(verdict.violated());
  EXPECT_NE(verdict.first().detail.find("holds 1 of the 3 members of view 2 {0,1,2}"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(PrimaryComponentChecker, ViewsObservedOutOfOrderAreClean) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view(ref(0), 3, {0, 1, 2});  // observed first, with no predecessor yet
  run.view(ref(1), 1, {0, 1, 2, 3, 4});
  run.view(ref(2), 2, {0, 1, 2, 3});  // between them: checked against both
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(PrimaryComponentChecker, ViewIsCheckedWhenItsPredecessorIsObservedLater) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view(ref(3), 5, {3, 4});  // the lowest view so far: nothing to check it against
  EXPECT_FALSE(verdict.violated());
  const std::uint64_t step = run.next_step();
  run.view(ref(0), 4, {0, 1, 2, 3, 4});
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("view 5 {3,4} (first installed by node 3/0 at step 1) "
                                        "holds 2 of the 5 members of view 4"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(PrimaryComponentChecker, ViewIdFallingWithinALifeFires) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.view_everywhere(2, {0, 1, 2});
  const std::uint64_t step = run.next_step();
  run.view(ref(1), 1, {0, 1, 2});
  ASSERT_TRUE(verdict.violated());
  const Violation& v = verdict.first();
  EXPECT_EQ(v.step, step);
  EXPECT_EQ(v.nodes, test::nodes({1}));
  EXPECT_NE(v.detail.find("node 1/0 installed view 1 after installing view 2 in incarnation 0 at "
                          "step 5: view ids must rise at a node"),
            std::string::npos)
      << v.detail;
}

TEST(PrimaryComponentChecker, SameViewTwiceWithinALifeFires) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view(ref(0), 1, {0, 1, 2});
  run.view(ref(0), 1, {0, 1, 2});
  EXPECT_TRUE(verdict.violated());
}

TEST(PrimaryComponentChecker, RestartedNodeMayAnnounceItsRecoveredView) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.view_everywhere(2, {0, 1, 2});
  run.crash(ref(2));
  run.restart(ref(2, 1));
  run.view(ref(2, 1), 2, {0, 1, 2});
  run.view(ref(2, 1), 3, {0, 1, 2});
  EXPECT_FALSE(verdict.violated()) << verdict.first().detail;
}

TEST(PrimaryComponentChecker, RestartedNodeGoingBackToAnOlderViewFires) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict);
  Script run{&checker};
  run.view_everywhere(1, {0, 1, 2});
  run.view_everywhere(2, {0, 1, 2});
  run.crash(ref(2));
  run.restart(ref(2, 1));
  const std::uint64_t step = run.next_step();
  run.view(ref(2, 1), 1, {0, 1, 2});  // lost its view record, recovered an older one
  ASSERT_TRUE(verdict.violated());
  EXPECT_EQ(verdict.first().step, step);
  EXPECT_NE(verdict.first().detail.find("node 2/1 installed view 1 after installing view 2 in "
                                        "incarnation 0 at step 6: a restarted node went back"),
            std::string::npos)
      << verdict.first().detail;
}

TEST(PrimaryComponentChecker, ViewsBelowTheFloorAreDropped) {
  Verdict verdict;
  PrimaryComponentChecker checker(verdict, 3);
  Script run{&checker};
  for (std::uint64_t v = 1; v <= 50; ++v) run.view_everywhere(v, {0, 1, 2});
  EXPECT_EQ(checker.views_kept(), 1U);
  run.view(ref(0), 51, {0});  // still checked against view 50
  EXPECT_TRUE(verdict.violated());
}

}  // namespace
}  // namespace ry::membership
