// Unit tests of make_plan (README.md section 5): the plan of an exclusion view change is a pure
// function of a majority's reports. Reports are built by hand: per slot `seen` and `done_upto`,
// the reporter's own `issued`, and the closed trains it holds.
#include "protocol/trains/plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace ry::trains {
namespace {

// A closed train of `issuer` at `clock` carrying payloads named by `data` (sender = issuer).
Train closed_train(std::uint32_t issuer, std::uint64_t clock, std::vector<std::string> data) {
  Train t;
  t.issuer = NodeId{issuer};
  t.clock = clock;
  t.closed = true;
  t.holders = 2;
  std::vector<Payload> payloads;
  std::uint64_t seq = clock * 100;
  for (std::string& d : data) {
    t.bytes += d.size();
    payloads.push_back(Payload{NodeId{issuer}, ++seq, std::move(d)});
  }
  t.payloads.append(std::move(payloads));
  return t;
}

NodeReport report(std::uint32_t node, std::vector<std::uint64_t> seen,
                  std::vector<std::uint64_t> done_upto, std::uint64_t issued = 0,
                  std::vector<Train> have = {}) {
  NodeReport r;
  r.node = NodeId{node};
  r.report.seen = std::move(seen);
  r.report.done_upto = std::move(done_upto);
  r.report.issued = issued;
  r.report.have = std::move(have);
  return r;
}

BugSet with(Bug bug) {
  BugSet bugs;
  bugs.add(bug);
  return bugs;
}

std::vector<Key> keys(const Plan& plan) {
  std::vector<Key> out;
  for (const PlanStep& s : plan.steps) out.push_back(s.key);
  return out;
}

const PlanStep* find_step(const Plan& plan, Key key) {
  for (const PlanStep& s : plan.steps) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// One issuer (slot 0 = node 0); node 2 closed (2,0) and holds it, nodes 0 and 1 saw it open.
std::vector<NodeReport> one_held_key() {
  return {report(0, {2}, {1}, 2), report(1, {2}, {1}),
          report(2, {2}, {1}, 0, {closed_train(0, 2, {"a", "b"})})};
}

TEST(TrainsPlan, DeliversAKeyThatAnyReportHoldsClosed) {
  const Plan plan = make_plan(one_held_key(), 1, BugSet{});
  EXPECT_EQ(plan.boundary, std::vector<std::uint64_t>{2});
  ASSERT_EQ(plan.steps.size(), 1U);
  const PlanStep& step = plan.steps[0];
  EXPECT_EQ(step.key, (Key{2, 0}));
  EXPECT_TRUE(step.deliver);
  EXPECT_TRUE(step.content.closed);
  ASSERT_EQ(step.content.payloads.size(), 2U);
  EXPECT_EQ(step.content.payloads[0].data, "a");
  EXPECT_EQ(step.content.payloads[1].data, "b");
}

TEST(TrainsPlan, DeliversWhicheverReportHoldsTheKey) {
  // The holder may be the first, a middle or the last reporter.
  for (std::uint32_t holder = 0; holder < 3; ++holder) {
    std::vector<NodeReport> reports;
    for (std::uint32_t n = 0; n < 3; ++n) {
      std::vector<Train> have;
      if (n == holder) have.push_back(closed_train(0, 2, {"x"}));
      reports.push_back(report(n, {2}, {1}, n == 0 ? 2 : 0, std::move(have)));
    }
    const Plan plan = make_plan(reports, 1, BugSet{});
    ASSERT_EQ(plan.steps.size(), 1U) << "holder " << holder;
    EXPECT_TRUE(plan.steps[0].deliver) << "holder " << holder;
  }
}

TEST(TrainsPlan, PlanContentCarriesNoLinkHeader) {
  std::vector<NodeReport> reports = one_held_key();
  reports[2].report.have[0].link.lseq = 17;
  const Plan plan = make_plan(reports, 1, BugSet{});
  ASSERT_EQ(plan.steps.size(), 1U);
  EXPECT_EQ(plan.steps[0].content.link, LinkHeader{});
}

TEST(TrainsPlan, SkipsAKeyNoReportHolds) {
  // Node 1 saw (3,0) open; nobody holds it closed, so by G0 nobody delivered it.
  const std::vector<NodeReport> reports = {report(0, {2}, {2}, 2), report(1, {3}, {2}),
                                           report(2, {2}, {2})};
  const Plan plan = make_plan(reports, 1, BugSet{});
  EXPECT_EQ(plan.boundary, std::vector<std::uint64_t>{3});
  ASSERT_EQ(plan.steps.size(), 1U);
  EXPECT_EQ(plan.steps[0].key, (Key{3, 0}));
  EXPECT_FALSE(plan.steps[0].deliver);
  EXPECT_TRUE(plan.steps[0].content.payloads.empty());
}

TEST(TrainsPlan, OpenTrainsInReportsDoNotCountAsHeld) {
  std::vector<NodeReport> reports = one_held_key();
  reports[2].report.have[0].closed = false;
  const Plan plan = make_plan(reports, 1, BugSet{});
  ASSERT_EQ(plan.steps.size(), 1U);
  EXPECT_FALSE(plan.steps[0].deliver);
}

TEST(TrainsPlan, HeldTrainsOfUnknownSlotsAreIgnored) {
  // A train whose issuer is not a slot (malformed) neither adds a step nor breaks the plan.
  std::vector<NodeReport> reports = one_held_key();
  reports[1].report.have.push_back(closed_train(5, 2, {"z"}));
  const Plan plan = make_plan(reports, 1, BugSet{});
  EXPECT_EQ(keys(plan), std::vector<Key>{(Key{2, 0})});
}

TEST(TrainsPlan, AKeyHeldByManyReportsIsOneStep) {
  std::vector<NodeReport> reports = one_held_key();
  reports[0].report.have.push_back(closed_train(0, 2, {"a", "b"}));
  reports[1].report.have.push_back(closed_train(0, 2, {"a", "b"}));
  const Plan plan = make_plan(reports, 1, BugSet{});
  ASSERT_EQ(plan.steps.size(), 1U);
  EXPECT_TRUE(plan.steps[0].deliver);
}

TEST(TrainsPlan, StepsAreInKeyOrderAcrossSlots) {
  // Three slots, boundaries 3, 2 and 4, everything done up to 1: the steps interleave by clock
  // first, then issuer.
  const std::vector<NodeReport> reports = {
      report(0, {3, 2, 3}, {1, 1, 1}, 3, {closed_train(2, 2, {"c"})}),
      report(1, {3, 2, 4}, {1, 1, 1}, 2, {closed_train(0, 2, {"a"})}),
      report(2, {2, 2, 4}, {1, 1, 1}, 4)};
  const Plan plan = make_plan(reports, 3, BugSet{});
  EXPECT_EQ(plan.boundary, (std::vector<std::uint64_t>{3, 2, 4}));
  const std::vector<Key> expected = {{2, 0}, {2, 1}, {2, 2}, {3, 0}, {3, 2}, {4, 2}};
  EXPECT_EQ(keys(plan), expected);
  EXPECT_TRUE(std::is_sorted(plan.steps.begin(), plan.steps.end(),
                             [](const PlanStep& a, const PlanStep& b) { return a.key < b.key; }));
  std::vector<bool> deliver;
  for (const PlanStep& s : plan.steps) deliver.push_back(s.deliver);
  EXPECT_EQ(deliver, (std::vector<bool>{true, false, true, false, false, false}));
}

TEST(TrainsPlan, RangeStartsAboveTheLowestDoneWatermark) {
  // Done watermarks 5, 3 and 4: the slowest reporter has not done 4 and 5, so the plan covers
  // them (the faster ones skip what they did already when they apply it, README.md section 5).
  const std::vector<NodeReport> reports = {report(0, {6}, {5}, 6, {closed_train(0, 5, {"e"})}),
                                           report(1, {6}, {3}),
                                           report(2, {5}, {4}, 0, {closed_train(0, 4, {"d"})})};
  const Plan plan = make_plan(reports, 1, BugSet{});
  EXPECT_EQ(keys(plan), (std::vector<Key>{{4, 0}, {5, 0}, {6, 0}}));
  EXPECT_TRUE(find_step(plan, Key{4, 0})->deliver);
  EXPECT_TRUE(find_step(plan, Key{5, 0})->deliver);
  EXPECT_FALSE(find_step(plan, Key{6, 0})->deliver);
}

TEST(TrainsPlan, EverythingDoneMeansNoSteps) {
  const std::vector<NodeReport> reports = {report(0, {4, 3}, {4, 3}, 4),
                                           report(1, {4, 3}, {4, 3}, 3)};
  const Plan plan = make_plan(reports, 2, BugSet{});
  EXPECT_EQ(plan.boundary, (std::vector<std::uint64_t>{4, 3}));
  EXPECT_TRUE(plan.steps.empty());
}

TEST(TrainsPlan, NoReportsGiveAnEmptyPlan) {
  const Plan plan = make_plan({}, 2, BugSet{});
  EXPECT_EQ(plan.boundary, (std::vector<std::uint64_t>{0, 0}));
  EXPECT_TRUE(plan.steps.empty());
}

TEST(TrainsPlan, MissingSlotEntriesCountAsZero) {
  // A short report (fewer slots than configured) is read as seen 0, done 0 for the rest.
  const std::vector<NodeReport> reports = {report(0, {2, 1}, {2, 1}, 2), report(1, {2}, {2})};
  const Plan plan = make_plan(reports, 2, BugSet{});
  EXPECT_EQ(plan.boundary, (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(keys(plan), std::vector<Key>{(Key{1, 1})});
}

// README.md section 8, B8: a crash can swallow a freshly recycled train that no other member has
// seen; only its issuer's own `issued` says the key exists.
TEST(TrainsPlan, BoundaryIncludesTheIssuersOwnIssuedClock) {
  // Issuer 0 created (5,0) and nobody saw it yet, not even in the issuer's own seen (a
  // hand-made report: the boundary must come from `issued`).
  const std::vector<NodeReport> reports = {report(0, {4}, {4}, 5), report(1, {4}, {4}),
                                           report(2, {4}, {4})};
  const Plan plan = make_plan(reports, 1, BugSet{});
  EXPECT_EQ(plan.boundary, std::vector<std::uint64_t>{5});
  ASSERT_EQ(keys(plan), std::vector<Key>{(Key{5, 0})});
  EXPECT_FALSE(plan.steps[0].deliver);
}

TEST(TrainsPlan, IssuedCountsOnlyForTheReportersOwnSlot) {
  // Node 1 is the issuer of slot 1, node 2 issues nothing: their `issued` must not raise the
  // boundary of slot 0.
  const std::vector<NodeReport> reports = {
      report(0, {4, 2}, {4, 2}, 4), report(1, {4, 2}, {4, 2}, 9), report(2, {4, 2}, {4, 2}, 7)};
  const Plan plan = make_plan(reports, 2, BugSet{});
  EXPECT_EQ(plan.boundary, (std::vector<std::uint64_t>{4, 9}));
  EXPECT_EQ(keys(plan), (std::vector<Key>{{3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}}));
}

TEST(TrainsPlan, B8LeavesTheIssuersOwnIssuedOut) {
  const std::vector<NodeReport> reports = {report(0, {5}, {4}, 5), report(1, {4}, {4}),
                                           report(2, {4}, {4})};
  const Plan clean = make_plan(reports, 1, BugSet{});
  EXPECT_EQ(clean.boundary, std::vector<std::uint64_t>{5});
  EXPECT_EQ(keys(clean), std::vector<Key>{(Key{5, 0})});
  const Plan buggy = make_plan(reports, 1, with(Bug::B8));
  EXPECT_EQ(buggy.boundary, std::vector<std::uint64_t>{4});
  EXPECT_TRUE(buggy.steps.empty());
}

TEST(TrainsPlan, B8KeepsWhatOtherReportersSaw) {
  // Only the issuer's own slot loses its report: others' seen still counts.
  const std::vector<NodeReport> reports = {report(0, {5, 3}, {4, 3}, 5),
                                           report(1, {5, 3}, {4, 3}, 3), report(2, {4, 3}, {4, 3})};
  const Plan buggy = make_plan(reports, 2, with(Bug::B8));
  EXPECT_EQ(buggy.boundary, (std::vector<std::uint64_t>{5, 3}));
}

// README.md section 8, B10: the plan skips every key not done by all reporters, even held ones.
TEST(TrainsPlan, B10SkipsHeldKeys) {
  const Plan clean = make_plan(one_held_key(), 1, BugSet{});
  ASSERT_EQ(clean.steps.size(), 1U);
  EXPECT_TRUE(clean.steps[0].deliver);
  const Plan buggy = make_plan(one_held_key(), 1, with(Bug::B10));
  ASSERT_EQ(buggy.steps.size(), 1U);
  EXPECT_EQ(buggy.steps[0].key, (Key{2, 0}));
  EXPECT_FALSE(buggy.steps[0].deliver);
  EXPECT_EQ(buggy.boundary, clean.boundary);
}

TEST(TrainsPlan, OtherBugsLeaveThePlanAlone) {
  const std::vector<NodeReport> reports = {
      report(0, {3, 2, 3}, {1, 1, 1}, 3, {closed_train(2, 2, {"c"})}),
      report(1, {3, 2, 4}, {1, 1, 1}, 2, {closed_train(0, 2, {"a"})}),
      report(2, {2, 2, 4}, {1, 1, 1}, 4)};
  const Plan clean = make_plan(reports, 3, BugSet{});
  for (Bug bug : {Bug::B3, Bug::B7, Bug::B9, Bug::B12, Bug::Q1, Bug::U1}) {
    EXPECT_EQ(make_plan(reports, 3, with(bug)), clean) << bug_names[static_cast<std::size_t>(bug)];
  }
}

TEST(TrainsPlan, ThePlanDoesNotDependOnReportOrder) {
  // Every member applies the plan its coordinator computed, but a retried round may gather the
  // same reports in another order: the plan must be the same.
  std::vector<NodeReport> reports = {
      report(0, {3, 2, 3}, {1, 1, 2}, 3, {closed_train(2, 2, {"c"})}),
      report(1, {3, 2, 4}, {2, 1, 1}, 2, {closed_train(0, 2, {"a"}), closed_train(1, 2, {"b"})}),
      report(2, {2, 2, 4}, {1, 2, 1}, 4, {closed_train(0, 2, {"a"})})};
  const Plan first = make_plan(reports, 3, BugSet{});
  std::sort(reports.begin(), reports.end(),
            [](const NodeReport& a, const NodeReport& b) { return a.node < b.node; });
  do {
    EXPECT_EQ(make_plan(reports, 3, BugSet{}), first);
  } while (std::next_permutation(
      reports.begin(), reports.end(),
      [](const NodeReport& a, const NodeReport& b) { return a.node < b.node; }));
}

}  // namespace
}  // namespace ry::trains
