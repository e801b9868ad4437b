// Coverage: the tracker records distinct abstract states and transitions as statuses and faults
// change, and merging is a union (so sharded soaks merge to the unsharded figure).
#include "tools/engine/coverage.hpp"

#include <gtest/gtest.h>

#include "tools/protocols/trains/abstract_state.hpp"

namespace ry {
namespace {

Status view(std::int64_t id, std::int64_t members, std::int64_t frozen = 0) {
  return Status{}.add("view", id).add("members", members).add("frozen", frozen).add("out", 0);
}

TEST(Coverage, TrackerCountsStatesAndTransitions) {
  CoverageTracker t(3, trains_abstract_state);
  std::uint64_t i = 0;
  const auto step = [&](Nanos at) { return Step{++i, Time{at}}; };
  for (std::uint32_t n = 0; n < 3; ++n) t.on_status(step(0), NodeRef{NodeId{n}, 0}, view(0, 3));
  t.after_step(step(0));
  t.on_fault(step(10), FaultInfo{"pause", 1, -1, 5});
  t.after_step(step(10));                                       // paused
  t.after_step(step(16));                                       // the pause ended
  t.on_status(step(20), NodeRef{NodeId{0}, 0}, view(0, 3, 1));  // frozen
  t.after_step(step(20));
  t.on_status(step(30), NodeRef{NodeId{0}, 0}, view(0, 3));  // back: a state seen before
  t.after_step(step(30));
  const Coverage c = t.coverage();
  EXPECT_EQ(c.states.size(), 3U);       // quiet, paused, frozen
  EXPECT_EQ(c.transitions.size(), 4U);  // quiet->paused->quiet->frozen->quiet
  EXPECT_TRUE(std::is_sorted(c.states.begin(), c.states.end()));
}

TEST(Coverage, MergeIsAUnion) {
  Coverage a{{1, 3}, {{1, 3}}};
  const Coverage b{{2, 3}, {{1, 3}, {3, 2}}};  // sorted, as Coverage keeps them
  a.merge(b);
  EXPECT_EQ(a.states, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(a.transitions.size(), 2U);
  Coverage c = b;
  c.merge(Coverage{{1, 3}, {{1, 3}}});
  EXPECT_EQ(c.states, a.states);
  EXPECT_EQ(c.transitions, a.transitions);
}

TEST(Coverage, PackSaturates) {
  EXPECT_EQ(pack_fields({{5, 2}}), 3U);
  EXPECT_EQ(pack_fields({{1, 1}, {2, 2}}), 0b110U);
}

}  // namespace
}  // namespace ry
