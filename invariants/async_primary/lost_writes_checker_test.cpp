// The lost-writes checker counts every acknowledged write the converged primary never applied,
// including the ones the store's at-most-once table would hide, and ignores reads and failures.
#include "invariants/async_primary/lost_writes_checker.hpp"

#include <gtest/gtest.h>

namespace ry::async_primary {
namespace {

struct Fixture {
  Verdict verdict;
  LostWritesChecker checker{verdict};
  std::uint64_t step = 0;
  Operation put{OpKind::put, "k0", "v", {}};
  Operation get{OpKind::get, "k0", {}, {}};

  void complete(std::uint32_t client, std::uint64_t seq, const Operation& op,
                HistoryType type = HistoryType::ok) {
    HistoryEvent e;
    e.type = type;
    e.request = RequestId{ClientId{client}, seq};
    e.op = &op;
    checker.on_history(Step{++step, Time{}}, e);
  }
};

RequestId id(std::uint32_t client, std::uint64_t seq) { return RequestId{ClientId{client}, seq}; }

TEST(LostWritesChecker, EveryAcknowledgedWriteAppliedIsFine) {
  Fixture f;
  f.complete(0, 1, f.put);
  f.complete(1, 1, f.put);
  const LostWrites lost = f.checker.count(10, NodeId{2}, {id(1, 1), id(0, 1), id(0, 2)});
  EXPECT_EQ(lost.acknowledged, 2U);
  EXPECT_EQ(lost.lost, 0U);
  EXPECT_FALSE(f.verdict.violated());
}

TEST(LostWritesChecker, CountsEveryLossEvenBelowALaterAppliedSeq) {
  Fixture f;
  f.complete(0, 1, f.put);
  f.complete(0, 2, f.put);  // lost, though the client's seq 3 was applied
  f.complete(0, 3, f.put);
  f.complete(1, 1, f.put);                     // lost
  f.complete(1, 2, f.get);                     // a read: not a write
  f.complete(1, 3, f.put, HistoryType::info);  // not acknowledged
  const LostWrites lost = f.checker.count(10, NodeId{2}, {id(0, 1), id(0, 3)});
  EXPECT_EQ(lost.acknowledged, 4U);
  EXPECT_EQ(lost.lost, 2U);
  ASSERT_TRUE(lost.first_lost.has_value());
  EXPECT_EQ(*lost.first_lost, id(0, 2));
  ASSERT_TRUE(f.verdict.violated());
  EXPECT_EQ(f.verdict.first().property, "acknowledged_writes");
}

}  // namespace
}  // namespace ry::async_primary
