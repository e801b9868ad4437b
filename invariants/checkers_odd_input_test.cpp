// A checker must be tested not to crash (protocol/trains/README.md section 8, B2): whatever a buggy
// core or a fault reports, the checkers record violations or stay silent, but never abort, never
// read out of bounds and never allocate without bound. Run under the asan preset for the full
// value.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>

#include "invariants/integrity_checker.hpp"
#include "invariants/ring/token_checker.hpp"
#include "invariants/test_history.hpp"
#include "invariants/total_order_checker.hpp"
#include "invariants/validity_checker.hpp"
#include "protocol/common/prng.hpp"

namespace ry {
namespace {

using test::History;
using test::msg;
using test::ref;

constexpr std::uint32_t huge_node = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t i64_min = std::numeric_limits<std::int64_t>::min();

struct AllCheckers {
  Verdict verdict;
  bool b2 = true;
  TotalOrderChecker total_order{verdict};
  TotalOrderChecker total_order_b2{verdict, b2};
  IntegrityChecker integrity{verdict};
  ValidityChecker validity{verdict};
  ValidityChecker validity_on_client{verdict, ValidityOptions{.accept_on_client = true}};
  ring::TokenChecker ring{verdict, 3};
  History history{&total_order, &total_order_b2, &integrity, &validity, &validity_on_client, &ring};
};

TEST(CheckersOddInput, DeliveriesBeforeAnyBroadcast) {
  AllCheckers c;
  c.history.deliver(ref(0), msg(0, 1));
  c.history.deliver(ref(1), msg(5, 5), 0);
  EXPECT_TRUE(c.verdict.violated());  // spurious, reported by integrity
  EXPECT_EQ(c.verdict.first().property, "integrity");
}

TEST(CheckersOddInput, UnknownAndHugeNodeIds) {
  AllCheckers c;
  c.history.broadcast(ref(huge_node), msg(huge_node, std::numeric_limits<std::uint64_t>::max()));
  c.history.reply(ref(huge_node), msg(huge_node, std::numeric_limits<std::uint64_t>::max()));
  c.history.deliver(ref(huge_node, huge_node),
                    msg(huge_node, std::numeric_limits<std::uint64_t>::max()));
  c.history.deliver(ref(1'000'000), msg(huge_node, std::numeric_limits<std::uint64_t>::max()));
  c.history.crash(ref(huge_node, huge_node));
  c.history.restart(ref(77, 3));
  c.history.note(ref(huge_node), Note{"accept", 1, 0, 0});
  const std::array<NodeId, 3> live = {NodeId{huge_node}, NodeId{huge_node}, NodeId{12345}};
  EXPECT_TRUE(c.validity.check_converged(live).has_value());
  EXPECT_EQ(c.total_order.position(NodeId{huge_node}), 1U);
}

TEST(CheckersOddInput, IncarnationsOutOfOrderAndRestartWithoutCrash) {
  AllCheckers c;
  c.history.broadcast(ref(0), msg(0, 1));
  c.history.restart(ref(0, 5));
  c.history.deliver(ref(0, 5), msg(0, 1));
  c.history.crash(ref(0, 2));  // a late crash report of an older incarnation
  c.history.crash(ref(0, 2));
  c.history.reply(ref(0, 1), msg(0, 1));
  c.history.deliver(ref(0, 0), msg(0, 2));
  EXPECT_TRUE(c.verdict.violated());
}

TEST(CheckersOddInput, AbsurdRingNotes) {
  for (const std::int64_t hop : {i64_min, std::int64_t{-1}, std::int64_t{0}, i64_max}) {
    Verdict verdict;
    ring::TokenChecker checker(verdict, 3);
    History h{&checker};
    h.note(ref(0), Note{"accept", hop, i64_min, 0});
    h.note(ref(0), Note{"accept", hop, i64_max, 0});
    h.note(ref(1), Note{"", hop, 0, 0});
    h.note(ref(1), Note{nullptr, hop, 0, 0});
    EXPECT_TRUE(verdict.violated()) << hop;
  }
}

// Seeded random histories over a small alphabet, so that collisions (duplicates, divergence,
// restarts, replies for unknown ids) are frequent. Nothing may crash.
TEST(CheckersOddInput, RandomHistoriesNeverCrash) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    AllCheckers c;
    Prng prng(seed);
    for (int event = 0; event < 300; ++event) {
      const auto node = static_cast<std::uint32_t>(prng.below(5));
      const auto incarnation = static_cast<std::uint32_t>(prng.below(3));
      const MsgId id = msg(static_cast<std::uint32_t>(prng.below(4)), prng.below(6));
      switch (prng.below(7)) {
        case 0: c.history.broadcast(ref(node, incarnation), id); break;
        case 1:
          c.history.reply(ref(node, incarnation), id, static_cast<ReplyStatus>(prng.below(3)));
          break;
        case 2: c.history.deliver(ref(node, incarnation), id); break;
        case 3: c.history.deliver(ref(node, incarnation), id, prng.next()); break;
        case 4: c.history.crash(ref(node, incarnation)); break;
        case 5: c.history.restart(ref(node, incarnation)); break;
        default:
          c.history.note(ref(node, incarnation),
                         Note{"accept", prng.between(-3, 40), prng.between(-3, 15), 0});
          break;
      }
    }
    const std::array<NodeId, 4> live = {NodeId{0}, NodeId{2}, NodeId{4}, NodeId{9}};
    (void)c.validity.check_converged(live);
    (void)c.validity_on_client.check_converged(live);
    EXPECT_GT(c.total_order.checks() + c.integrity.checks() + c.ring.checks(), 0U);
  }
}

}  // namespace
}  // namespace ry
