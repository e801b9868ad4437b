// The snapshot checker fires on a snapshot that names another prefix than a node committed at
// its index, and stays quiet when the prefixes agree or the other node has not committed there.
#include "invariants/raft/snapshot_checker.hpp"

#include <gtest/gtest.h>

#include "protocol/common/kv_store.hpp"
#include "protocol/raft/durable.hpp"
#include "protocol/raft/test_cluster.hpp"

namespace ry::raft {
namespace {

using testing::Cluster;

Config config(std::uint32_t nodes) {
  Config c;
  c.nodes = nodes;
  return c;
}

// A disk at term 1 holding only a snapshot at `index` whose chain hash is `hash` (recovery sets
// commit and applied to the snapshot's index).
std::vector<std::string> snapshot_disk(Index index, std::uint64_t hash) {
  // The core's image is the store's followed by its delivered count and log digest (8 bytes
  // each).
  const std::string image = KvStore{}.image() + std::string(16, '\0');
  Snapshot s{index, 1, hash, Membership{{NodeId{0}, NodeId{1}, NodeId{2}}, {}}, image};
  return encode_all({TermVoteRecord{1, std::nullopt}, SnapshotRecord{s, index, 1, hash}});
}

struct Fixture {
  Fixture() { c.start(); }
  Cluster c{config(3)};
  Verdict verdict;
  CoreOf core_of = [this](NodeId n) -> const Core* {
    return c.up(n.value) ? &c.core(n.value) : nullptr;
  };
  SnapshotChecker checker{verdict, c.size(), core_of};

  void installed(std::uint32_t n, Index index) {
    checker.on_note(Step{1, Time{}}, NodeRef{NodeId{n}, 0},
                    Note{"snapshot_installed", static_cast<std::int64_t>(index), 0, 0});
  }
  [[nodiscard]] std::string violated() const {
    return verdict.violated() ? std::string(verdict.first().property) : "";
  }
};

TEST(RaftSnapshotChecker, ASnapshotOfAnotherPrefixThanCommittedViolatesSnapshotSafety) {
  Fixture f;
  f.c.set_disk(0, snapshot_disk(2, 0xaaaa));
  f.c.set_disk(1, snapshot_disk(2, 0xbbbb));
  ASSERT_EQ(f.c.core(0).commit_index(), 2U);
  f.installed(1, 2);
  EXPECT_EQ(f.violated(), "snapshot_safety");
  EXPECT_GT(f.checker.checks(), 0U);
}

TEST(RaftSnapshotChecker, SnapshotsOfTheSamePrefixPass) {
  Fixture f;
  f.c.set_disk(0, snapshot_disk(2, 0xaaaa));
  f.c.set_disk(1, snapshot_disk(2, 0xaaaa));
  f.installed(1, 2);
  EXPECT_EQ(f.violated(), "");
}

TEST(RaftSnapshotChecker, ANodeThatHasNotCommittedTheIndexIsNotCompared) {
  Fixture f;
  f.c.set_disk(0, snapshot_disk(1, 0xaaaa));  // committed only up to 1
  f.c.set_disk(1, snapshot_disk(2, 0xbbbb));
  f.installed(1, 2);
  EXPECT_EQ(f.violated(), "");
}

}  // namespace
}  // namespace ry::raft
