#include "invariants/history/linearizability.hpp"

#include <gtest/gtest.h>

#include "invariants/history/generate.hpp"
#include "invariants/history/test_builder.hpp"

namespace ry::lin {
namespace {

using test::HistoryBuilder;
using test::info;

Verdict verdict(const History& h, const CheckOptions& o = {}) {
  return check_linearizability(h, *register_model(), o).verdict;
}
Verdict kv_verdict(const History& h) { return check_linearizability(h, *kv_model()).verdict; }

constexpr Verdict lin = Verdict::linearizable;
constexpr Verdict nonlin = Verdict::not_linearizable;

TEST(Linearizability, AnEmptyHistoryIsLinearizable) { EXPECT_EQ(verdict(History{}), lin); }

TEST(Linearizability, AReadOfTheInitialValueSeesTheEmptyString) {
  EXPECT_EQ(verdict(HistoryBuilder().read(0, "", 0, 10).build()), lin);
  EXPECT_EQ(verdict(HistoryBuilder().read(0, "x", 0, 10).build()), nonlin);
}

TEST(Linearizability, SequentialWritesAndReads) {
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "1", 0, 10).read(1, "1", 20, 30).build()), lin);
  EXPECT_EQ(
      verdict(
          HistoryBuilder().write(0, "1", 0, 10).write(0, "2", 20, 30).read(1, "2", 40, 50).build()),
      lin);
}

// A read that starts after a write completed must see it (or something later).
TEST(Linearizability, AStaleReadAfterACompletedWriteIsCaught) {
  const History h = HistoryBuilder().write(0, "1", 0, 10).read(1, "", 20, 30).build();
  const CheckResult r = check_linearizability(h, *register_model());
  ASSERT_EQ(r.verdict, nonlin);
  EXPECT_EQ(r.counterexample.size(), 2U);
  EXPECT_TRUE(r.minimal);
  ASSERT_TRUE(r.stuck_op);
  EXPECT_EQ(r.stuck_op->op.f, OpKind::read);
  EXPECT_EQ(r.states_tried, std::vector<std::string>{"1"});
  EXPECT_NE(format_result(r).find("states reachable there: \"1\""), std::string::npos);
}

// Herlihy & Wing's register examples: a read concurrent with a write may see either value, but
// once one read has seen the new value a later read may not see the old one.
TEST(Linearizability, HerlihyWingRegisterExamples) {
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "1", 0, 100).read(1, "1", 10, 20).build()), lin);
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "1", 0, 100).read(1, "", 10, 20).build()), lin);
  EXPECT_EQ(
      verdict(
          HistoryBuilder().write(0, "1", 0, 100).read(1, "", 10, 20).read(2, "1", 30, 40).build()),
      lin);
  EXPECT_EQ(
      verdict(
          HistoryBuilder().write(0, "1", 0, 100).read(1, "1", 10, 20).read(2, "", 30, 40).build()),
      nonlin);
}

TEST(Linearizability, ConcurrentWritesMaySeemToHappenInEitherOrderButOnlyOne) {
  auto base = [] { return HistoryBuilder().write(0, "1", 0, 100).write(1, "2", 0, 100); };
  // During the writes, readers may see 1 then 2 or 2 then 1...
  EXPECT_EQ(verdict(base().read(2, "1", 10, 20).read(2, "2", 30, 40).build()), lin);
  EXPECT_EQ(verdict(base().read(2, "2", 10, 20).read(2, "1", 30, 40).build()), lin);
  // ...but not both orders.
  EXPECT_EQ(verdict(base()
                        .read(2, "1", 10, 20)
                        .read(2, "2", 30, 40)
                        .read(3, "2", 10, 20)
                        .read(3, "1", 30, 40)
                        .build()),
            nonlin);
  // After both completed the value is fixed.
  EXPECT_EQ(verdict(base().read(2, "1", 110, 120).read(2, "2", 130, 140).build()), nonlin);
}

TEST(Linearizability, ALostUpdateWithCasIsCaught) {
  // Both cas from the initial value succeeded: one must have seen the other's write.
  EXPECT_EQ(verdict(HistoryBuilder().cas(0, "", "a", 0, 10).cas(1, "", "b", 5, 15).build()),
            nonlin);
  // Chained cas ops are fine in either overlap.
  EXPECT_EQ(verdict(HistoryBuilder()
                        .cas(0, "", "1", 0, 10)
                        .cas(1, "1", "2", 5, 15)
                        .read(2, "2", 20, 30)
                        .build()),
            lin);
  // A failed cas did nothing, whatever it claims.
  EXPECT_EQ(
      verdict(HistoryBuilder().cas(0, "", "a", 0, 10).cas(1, "", "b", 5, 15).failed().build()),
      lin);
}

TEST(Linearizability, AReadOfAValueNeverWrittenIsCaught) {
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "1", 0, 10).read(1, "7", 5, 30).build()), nonlin);
  // A failed write definitely did not happen.
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "7", 0, 10).failed().read(1, "7", 20, 30).build()),
            nonlin);
}

TEST(Linearizability, InfoWritesMayOrMayNotTakeEffect) {
  // Read later: it took effect, at some time after its invocation.
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "x", 0, info).read(1, "x", 500, 510).build()), lin);
  // Never read: it never took effect (or not yet).
  EXPECT_EQ(verdict(HistoryBuilder().write(0, "x", 0, info).read(1, "", 500, 510).build()), lin);
  // Not before its invocation.
  EXPECT_EQ(verdict(HistoryBuilder().read(1, "x", 0, 10).write(0, "x", 20, info).build()), nonlin);
  // Once seen, it stays.
  EXPECT_EQ(verdict(HistoryBuilder()
                        .write(0, "x", 0, info)
                        .read(1, "x", 500, 510)
                        .read(1, "", 600, 610)
                        .build()),
            nonlin);
  // An info read constrains nothing.
  EXPECT_EQ(verdict(HistoryBuilder().read(0, "zz", 0, info).build()), lin);
}

TEST(Linearizability, KvKeysAreCheckedIndependentlyAndTheFailingKeyIsNamed) {
  const History h = HistoryBuilder()
                        .put(0, "a", "1", 0, 10)
                        .put(1, "b", "1", 0, 10)
                        .append(0, "a", "2", 20, 30)
                        .get(1, "a", "12", 40, 50)
                        .get(1, "b", "", 40, 50)
                        .build();
  const CheckResult r = check_linearizability(h, *kv_model());
  EXPECT_EQ(r.verdict, nonlin);
  EXPECT_EQ(r.key, "b");
  EXPECT_EQ(r.keys, 2U);
  EXPECT_EQ(
      kv_verdict(HistoryBuilder().append(0, "a", "x", 0, 10).get(1, "a", "x", 20, 30).build()),
      lin);
}

TEST(Linearizability, TheRegisterModelRefusesKvOperations) {
  const History h = HistoryBuilder().write(0, "1", 0, 10).put(0, "a", "1", 20, 30).build();
  const auto why = unsupported_operation(h, *register_model(), "h.jsonl");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "h.jsonl:3: field 'f': the register model has no operation \"put\"");
  EXPECT_FALSE(unsupported_operation(h, *kv_model(), "h.jsonl"));
}

TEST(Linearizability, GeneratedHistoriesOfACorrectRegisterAreLinearizable) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    GenerateOptions o;
    o.seed = seed;
    const History h = generate_register_history(o);
    EXPECT_GE(h.ops.size(), 100U);
    EXPECT_LE(h.ops.size(), 300U);
    const CheckResult r = check_linearizability(h, *register_model());
    EXPECT_EQ(r.verdict, lin) << "seed " << seed << ": " << r.summary;
  }
}

TEST(Linearizability, TheGeneratorIsDeterministic) {
  GenerateOptions o;
  o.seed = 9;
  const History a = generate_register_history(o);
  const History b = generate_register_history(o);
  ASSERT_EQ(a.ops.size(), b.ops.size());
  for (std::size_t i = 0; i < a.ops.size(); ++i) {
    EXPECT_EQ(a.ops[i].op, b.ops[i].op);
    EXPECT_EQ(a.ops[i].output, b.ops[i].output);
    EXPECT_EQ(a.ops[i].invoke_ns, b.ops[i].invoke_ns);
  }
  EXPECT_EQ(check_linearizability(a, *register_model()).steps,
            check_linearizability(b, *register_model()).steps);
}

History without(const History& h, std::size_t drop) {
  History fewer;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    if (i != drop) fewer.ops.push_back(h.ops[i]);
  }
  return fewer;
}

GenerateOptions stale(std::uint64_t seed) {
  GenerateOptions o;
  o.seed = seed;
  o.ops_max = 150;
  o.stale_read = true;
  return o;
}

TEST(Linearizability, APlantedStaleReadIsShrunkToADeleteOneMinimalSet) {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const History h = generate_register_history(stale(seed));
    CheckOptions o;
    o.shrink_keeps_writers = false;
    const CheckResult r = check_linearizability(h, *register_model(), o);
    if (r.verdict != nonlin) continue;
    ++caught;
    EXPECT_TRUE(r.minimal) << "seed " << seed;
    const History cx{r.counterexample};
    EXPECT_EQ(verdict(cx), nonlin) << "seed " << seed;
    for (std::size_t drop = 0; drop < cx.ops.size(); ++drop) {
      EXPECT_EQ(verdict(without(cx, drop)), lin) << "seed " << seed << " without op " << drop;
    }
  }
  EXPECT_GE(caught, 4);
}

// A stale read keeps the writes that make it stale: dropping one of them would leave a read of
// a value never written, true but not what went wrong.
TEST(Linearizability, AStaleReadKeepsTheWritesThatMakeItStale) {
  const History h = HistoryBuilder()
                        .write(0, "1", 0, 10)
                        .read(2, "1", 12, 14)
                        .write(0, "2", 20, 30)
                        .read(1, "1", 40, 50)
                        .build();
  CheckResult r = check_linearizability(h, *register_model());
  ASSERT_EQ(r.verdict, nonlin);
  ASSERT_EQ(r.counterexample.size(), 3U);
  EXPECT_EQ(r.counterexample[0].op.value, "1");
  EXPECT_EQ(r.counterexample[1].op.value, "2");
  EXPECT_EQ(*r.counterexample[2].output, "1");
  EXPECT_TRUE(r.minimal);
  EXPECT_NE(format_result(r).find("or leaves a value observed without its write"),
            std::string::npos);
  CheckOptions literal;
  literal.shrink_keeps_writers = false;
  r = check_linearizability(h, *register_model(), literal);
  ASSERT_EQ(r.counterexample.size(), 1U);
  EXPECT_EQ(*r.counterexample[0].output, "1");
}

TEST(Linearizability, GeneratedStaleReadsShrinkToSetsWhereEveryOpMatters) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const History h = generate_register_history(stale(seed));
    const CheckResult r = check_linearizability(h, *register_model());
    if (r.verdict != nonlin) continue;
    EXPECT_TRUE(r.minimal) << "seed " << seed;
    EXPECT_GE(r.counterexample.size(), 2U) << "seed " << seed;
    const History cx{r.counterexample};
    for (std::size_t drop = 0; drop < cx.ops.size(); ++drop) {
      const History fewer = without(cx, drop);
      if (verdict(fewer) == lin) continue;
      // Still failing only because a read lost its writer.
      const HistoryOp& dropped = cx.ops[drop];
      EXPECT_TRUE(is_write(dropped.op.f)) << "seed " << seed << " without op " << drop;
    }
  }
}

TEST(Linearizability, ACorrectWitnessIsAcceptedWithoutSearch) {
  GenerateOptions o;
  o.seed = 4;
  o.with_applied = true;
  const History h = generate_register_history(o);
  const CheckResult r = check_linearizability(h, *register_model());
  EXPECT_EQ(r.verdict, lin);
  EXPECT_EQ(r.keys_witnessed, 1U);
  EXPECT_EQ(r.steps, 0U);
}

TEST(Linearizability, AWrongWitnessFallsBackToTheSearch) {
  // Applied in the wrong order for real time (the read returned before the write was invoked),
  // yet the history is linearizable.
  const History ok = HistoryBuilder()
                         .read(1, "", 0, 10)
                         .applied(2)
                         .write(0, "1", 20, 30)
                         .applied(1)
                         .read(1, "1", 40, 50)
                         .applied(3)
                         .build();
  CheckResult r = check_linearizability(ok, *register_model());
  EXPECT_EQ(r.verdict, lin);
  EXPECT_EQ(r.keys_witnessed, 0U);
  EXPECT_GT(r.steps, 0U);
  // A witness the model refutes on a history that is not linearizable.
  const History bad =
      HistoryBuilder().write(0, "1", 0, 10).applied(1).read(1, "", 20, 30).applied(2).build();
  r = check_linearizability(bad, *register_model());
  EXPECT_EQ(r.verdict, nonlin);
  EXPECT_EQ(r.keys_witnessed, 0U);
}

History many_info_writes(int writes) {
  HistoryBuilder b;
  for (int i = 0; i < writes; ++i)
    b.write(static_cast<std::uint64_t>(i), std::to_string(i), i, info);
  b.read(1000, "never written", 1000, 1010);
  return b.build();
}

TEST(Linearizability, ManyConcurrentInfoWritesExhaustTheStepBudget) {
  CheckOptions o;
  o.steps_max = 100'000;
  o.shrink = false;
  const CheckResult r = check_linearizability(many_info_writes(40), *register_model(), o);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_GE(r.steps, 100'000U);
  EXPECT_LE(r.steps, 100'001U);
  // Everything before the read's return is linearizable (the writes may all have happened).
  EXPECT_EQ(r.prefix_before_ns, 1010);
  EXPECT_EQ(r.prefix_ops, 41U);
  EXPECT_NE(r.summary.find("budget ran out"), std::string::npos);
  // The same budget gives the same answer.
  EXPECT_EQ(check_linearizability(many_info_writes(40), *register_model(), o).steps, r.steps);
}

TEST(Linearizability, TheMemoMemoryCapStopsTheSearch) {
  CheckOptions o;
  o.memo_bytes_max = 1 << 20;
  const CheckResult r = check_linearizability(many_info_writes(40), *register_model(), o);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_LT(r.steps, 1'000'000U);
}

TEST(Linearizability, TheWallClockBudgetStopsTheSearch) {
  CheckOptions o;
  o.budget_ms = 50;
  const auto start = std::chrono::steady_clock::now();
  const CheckResult r = check_linearizability(many_info_writes(60), *register_model(), o);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(Linearizability, UnknownSaysHowFarTheCheckGot) {
  // Key "a" is fine; key "b" exhausts the budget after its first, linearizable stretch.
  HistoryBuilder b;
  b.put(0, "a", "1", 0, 10).get(0, "a", "1", 20, 30);
  b.put(1, "b", "0", 0, 5).get(1, "b", "0", 6, 8);
  for (int i = 0; i < 40; ++i)
    b.put(static_cast<std::uint64_t>(10 + i), "b", std::to_string(i), 100 + i, info);
  b.get(99, "b", "never", 1000, 1010);
  CheckOptions o;
  o.steps_max = 50'000;
  const CheckResult r = check_linearizability(b.build(), *kv_model(), o);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_EQ(r.key, "b");
  EXPECT_EQ(r.prefix_before_ns, 1010);
  EXPECT_EQ(r.prefix_ops, 45U);
}

}  // namespace
}  // namespace ry::lin
