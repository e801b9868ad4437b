// The config checker fires on a leader whose configuration its log does not hold (bug R6) and
// on a config entry appended before the leader committed an entry of its term (bug R7), and
// stays quiet on the same steps without the bugs.
#include "invariants/raft/config_checker.hpp"

#include <gtest/gtest.h>

#include "protocol/raft/test_cluster.hpp"

namespace ry::raft {
namespace {

using testing::Cluster;

Config config(std::uint32_t nodes, std::optional<Bug> bug) {
  Config c;
  c.nodes = nodes;
  if (bug) c.bugs.add(*bug);
  return c;
}

struct Fixture {
  Fixture(std::uint32_t nodes, std::optional<Bug> bug) : c(config(nodes, bug)) { c.start(); }
  Cluster c;
  Verdict verdict;
  CoreOf core_of = [this](NodeId n) -> const Core* {
    return c.up(n.value) ? &c.core(n.value) : nullptr;
  };
  ConfigChecker checker{verdict, c.size(), core_of};

  void note(std::uint32_t n, const char* kind, std::int64_t a) {
    checker.on_note(Step{1, Time{}}, NodeRef{NodeId{n}, 0}, Note{kind, a, 0, 0});
  }
  [[nodiscard]] std::string violated() const {
    return verdict.violated() ? std::string(verdict.first().property) : "";
  }
};

std::string remove(std::uint32_t node) {
  return encode_membership_change({ChangeKind::remove, NodeId{node}});
}

TEST(RaftConfigChecker, AConfigurationOutsideTheLogViolatesConfigSafety) {
  for (const bool bug : {false, true}) {
    Fixture f(5, bug ? std::optional{Bug::R6} : std::nullopt);
    f.c.tick(0);
    f.c.stabilize();
    f.c.tick(0, Core::heartbeat_timer);
    f.c.stabilize();
    ASSERT_EQ(f.c.core(0).role(), Role::leader);
    f.c.admin(0, remove(4));  // R6: in memory only; without it, a config entry
    f.note(0, "commit", static_cast<std::int64_t>(f.c.core(0).commit_index()));
    EXPECT_EQ(f.violated(), bug ? "config_safety" : "") << bug;
    EXPECT_GT(f.checker.checks(), 0U);
  }
}

TEST(RaftConfigChecker, AConfigEntryBeforeTheLeadersFirstCommitViolatesConfigSafety) {
  for (const bool bug : {false, true}) {
    Fixture f(3, bug ? std::optional{Bug::R7} : std::nullopt);
    f.c.tick(0);
    for (int i = 0; i < 4; ++i) f.c.deliver();
    ASSERT_EQ(f.c.core(0).role(), Role::leader);
    ASSERT_EQ(f.c.core(0).commit_index(), 0U);  // the noop is not committed yet
    f.c.admin(0, remove(2));                    // R7 appends it; without the bug it is refused
    f.note(0, "config", 2);
    EXPECT_EQ(f.violated(), bug ? "config_safety" : "") << bug;
  }
}

TEST(RaftConfigChecker, AChangeAfterTheLeadersFirstCommitPasses) {
  Fixture f(5, std::nullopt);
  f.c.tick(0);
  f.c.stabilize();
  f.c.tick(0, Core::heartbeat_timer);
  f.c.stabilize();
  f.c.admin(0, remove(4));
  ASSERT_EQ(f.c.core(0).voters().size(), 4U);
  f.note(0, "config", 4);
  f.c.stabilize();
  f.note(0, "commit", static_cast<std::int64_t>(f.c.core(0).commit_index()));
  EXPECT_EQ(f.violated(), "");
}

}  // namespace
}  // namespace ry::raft
