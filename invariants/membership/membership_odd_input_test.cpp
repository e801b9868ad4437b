// The membership checkers must not crash on odd input (protocol/trains/README.md section 8, B2: a
// checker is tested to fire and not to crash): huge node and view ids, empty and unsorted member
// sets, malformed notes, events of nodes never seen, positions at the ends of their range. They
// record violations or stay silent, but never abort, never read out of bounds and never allocate
// without bound. Run under the asan preset for the full value.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "invariants/membership/no_redelivery_checker.hpp"
#include "invariants/membership/primary_component_checker.hpp"
#include "invariants/membership/rejoin_consistency_checker.hpp"
#include "invariants/membership/test_membership.hpp"
#include "invariants/membership/uniform_agreement_checker.hpp"
#include "invariants/membership/view_agreement_checker.hpp"
#include "invariants/membership/virtual_synchrony_checker.hpp"

namespace ry::membership {
namespace {

using test::msg;
using test::ref;

constexpr std::uint32_t huge_node = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t i64_min = std::numeric_limits<std::int64_t>::min();

struct AllCheckers {
  explicit AllCheckers(std::uint32_t nodes)
      : views(verdict, nodes),
        primary(verdict, nodes),
        synchrony(verdict, nodes),
        agreement(verdict, nodes),
        rejoin(verdict, nodes),
        redelivery(verdict, nodes) {}

  Verdict verdict;
  ViewAgreementChecker views;
  PrimaryComponentChecker primary;
  VirtualSynchronyChecker synchrony;
  UniformAgreementChecker agreement;
  RejoinConsistencyChecker rejoin;
  NoRedeliveryChecker redelivery;
  test::Script run{&views, &primary, &synchrony, &agreement, &rejoin, &redelivery};
};

TEST(MembershipCheckersOddInput, HugeIdsAndEmptyViews) {
  for (const std::uint32_t nodes : {0U, 3U}) {
    AllCheckers c(nodes);
    c.run.view(ref(huge_node, huge_node), u64_max, {});
    c.run.view(ref(huge_node, huge_node), 0, {huge_node, 0, huge_node});
    c.run.view(ref(7), u64_max, {huge_node});
    c.run.deliver(ref(huge_node, huge_node), msg(huge_node, u64_max));
    c.run.deliver(ref(huge_node, huge_node), msg(huge_node, u64_max));
    c.run.deliver(ref(1'000'000), msg(0, 0));
    c.run.crash(ref(huge_node, huge_node));
    c.run.restart(ref(77, 3));
    c.run.crash(ref(5, 2));  // a crash of a node never seen
    c.run.view(ref(77, 3), 1, {77});
    EXPECT_TRUE(c.verdict.violated());
    (void)c.agreement.check_converged(c.run.last_step(), test::nodes({0, 77, huge_node}));
    (void)c.agreement.check_converged(c.run.last_step(), {});
  }
}

TEST(MembershipCheckersOddInput, MalformedAndExtremeStateTransfers) {
  for (const std::uint32_t nodes : {0U, 2U}) {
    AllCheckers c(nodes);
    c.run.note(ref(0), Note{nullptr, 1, 2, 3});
    c.run.note(ref(0), Note{"state_transfer", i64_min, i64_min, i64_min});  // only a note
    c.run.transfer(ref(0), std::numeric_limits<std::uint64_t>::max(),
                   std::numeric_limits<std::uint64_t>::max(), i64_max);
    c.run.deliver(ref(0), msg(0, 1));
    c.run.deliver(ref(0), msg(0, 1));
    c.run.transfer(ref(1), 0, 0);
    c.run.transfer(ref(1), 0, log_digest_empty);
    c.run.deliver(ref(1), msg(0, 1));
    c.run.transfer(ref(huge_node, huge_node), 1, 0, i64_min);
    c.run.deliver(ref(huge_node, huge_node), msg(0, 2));
    c.run.view(ref(0), 1, {0, 1});
    c.run.view(ref(0), 1, {1, 0});
    c.run.view(ref(1), 0, {0});
    EXPECT_TRUE(c.verdict.violated());
    (void)c.agreement.check_converged(c.run.last_step(), test::nodes({0, 1}));
  }
}

TEST(MembershipCheckersOddInput, TransferBeyondAnyLogAtANodeThatKeepsDelivering) {
  // Not a violation for no_redelivery (it trusts the position), one for rejoin_consistency; the
  // checkers must keep going without reading past their windows.
  AllCheckers c(2);
  c.run.deliver_all(ref(0), {msg(0, 1), msg(0, 2)});
  c.run.transfer(ref(1), u64_max / 2, 5, 0);
  c.run.deliver_all(ref(1), {msg(0, 1), msg(0, 2), msg(0, 3)});
  c.run.transfer(ref(1), 1, 5, 0);
  c.run.deliver_all(ref(1), {msg(0, 1), msg(0, 2), msg(0, 3)});
  EXPECT_TRUE(c.verdict.violated());
  EXPECT_EQ(c.verdict.first().property, "rejoin_consistency");
}

}  // namespace
}  // namespace ry::membership
