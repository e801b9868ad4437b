#include "invariants/log_positions.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace ry {
namespace {

constexpr NodeId n0{0};
constexpr NodeId n1{1};

MsgId id(std::uint64_t seq) { return MsgId{NodeId{0}, seq}; }

// The (position, id) pairs a transfer of node 1 to `x` hands over, forgetting those `forget` says.
std::vector<std::pair<std::uint64_t, MsgId>> transfer(LogPositions& p, std::uint64_t x,
                                                      bool forget = false) {
  std::vector<std::pair<std::uint64_t, MsgId>> held;
  p.on_transfer(n1, StateTransfer{x, 0}, [&](std::uint64_t at, MsgId m) {
    held.emplace_back(at, m);
    if (forget) p.forget(at, m);
  });
  return held;
}

TEST(LogPositions, DeliveriesCountPerNodeAndATransferSetsTheLength) {
  LogPositions p;
  EXPECT_EQ(p.deliver(n0), 1U);
  EXPECT_EQ(p.deliver(n0), 2U);
  EXPECT_EQ(p.deliver(n1), 1U);
  EXPECT_EQ(p.length(NodeId{7}), 0U);
  (void)transfer(p, 10);
  EXPECT_EQ(p.length(n1), 10U);
  EXPECT_EQ(p.deliver(n1), 11U);
  EXPECT_EQ(p.length(n0), 2U);
}

TEST(LogPositions, ATransferHandsOverThePlacedIdsUpToItsEndInPositionOrder) {
  LogPositions p;
  p.place(3, id(3));
  p.place(1, id(1));
  p.place(5, id(5));
  p.place(1, id(9));   // a second id at a taken position is not indexed
  p.forget(5, id(9));  // nor does forgetting another id there drop the one placed
  EXPECT_EQ(p.placed(), 3U);
  const std::vector<std::pair<std::uint64_t, MsgId>> expected{{1, id(1)}, {3, id(3)}};
  EXPECT_EQ(transfer(p, 4), expected);
  EXPECT_EQ(p.placed(), 3U);  // the caller still tracks them
  EXPECT_EQ(transfer(p, 4, true), expected);
  EXPECT_EQ(p.placed(), 1U);
  EXPECT_TRUE(transfer(p, 4).empty());
  p.forget(5, id(5));
  EXPECT_EQ(p.placed(), 0U);
}

TEST(LogPositions, PlaceFirstKeepsAnIdAtItsFirstDeliveryOnly) {
  LogPositions p;
  std::uint64_t placed = 0;
  p.place_first(placed, 4, id(2));
  p.place_first(placed, 7, id(2));  // a later delivery elsewhere does not move it
  EXPECT_EQ(placed, 4U);
  EXPECT_EQ(p.placed(), 1U);
  const std::vector<std::pair<std::uint64_t, MsgId>> expected{{4, id(2)}};
  EXPECT_EQ(transfer(p, 7), expected);
}

TEST(LogPositions, ATransferToZeroEmptiesTheLogAndHoldsNothing) {
  LogPositions p;
  p.place(1, id(1));
  (void)p.deliver(n1);
  bool called = false;
  p.on_transfer(n1, StateTransfer{0, 0}, [&](std::uint64_t, MsgId) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_EQ(p.length(n1), 0U);
}

}  // namespace
}  // namespace ry
