// Each named partition cuts exactly the links its name promises, no more, no fewer: checked link
// by link against a plain statement of the shape.
#include "sim/partition.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace ry {
namespace {

std::vector<NodeId> ids(std::initializer_list<std::uint32_t> list) {
  std::vector<NodeId> out;
  for (std::uint32_t i : list) out.push_back(NodeId{i});
  return out;
}

// Every directed link i -> j (i != j) is cut exactly when `expected(i, j)` says so.
void expect_cuts(const Partition& p, std::uint32_t nodes,
                 const std::function<bool(std::uint32_t, std::uint32_t)>& expected) {
  std::size_t count = 0;
  for (std::uint32_t i = 0; i < nodes; ++i) {
    for (std::uint32_t j = 0; j < nodes; ++j) {
      if (i == j) continue;
      EXPECT_EQ(p.cuts(NodeId{i}, NodeId{j}), expected(i, j))
          << p.describe() << ": link " << i << "->" << j;
      if (expected(i, j)) ++count;
    }
  }
  EXPECT_EQ(p.cut.size(), count) << p.describe();  // nothing else (no self links, no repeats)
}

TEST(Partition, IsolateCutsOneNodeBothWays) {
  const Partition p = isolate(5, NodeId{3});
  EXPECT_EQ(p.shape, "isolate");
  EXPECT_EQ(p.describe(), "3|rest");
  expect_cuts(p, 5, [](std::uint32_t i, std::uint32_t j) { return i == 3 || j == 3; });
}

TEST(Partition, SplitCutsBetweenTheSidesBothWaysOnly) {
  const Partition p = split(5, ids({1, 0, 1}));  // duplicates and order do not matter
  EXPECT_EQ(p.shape, "split");
  EXPECT_EQ(p.describe(), "{0,1}|{2,3,4}");
  expect_cuts(p, 5, [](std::uint32_t i, std::uint32_t j) { return (i < 2) != (j < 2); });
}

TEST(Partition, RingCutCutsOneAdjacentPairOnly) {
  const Partition p = ring_cut(5, NodeId{2});
  EXPECT_EQ(p.describe(), "ring 2-3");
  expect_cuts(p, 5, [](std::uint32_t i, std::uint32_t j) {
    return (i == 2 && j == 3) || (i == 3 && j == 2);
  });
  const Partition wrap = ring_cut(5, NodeId{4});
  EXPECT_EQ(wrap.describe(), "ring 4-0");
  expect_cuts(wrap, 5, [](std::uint32_t i, std::uint32_t j) {
    return (i == 4 && j == 0) || (i == 0 && j == 4);
  });
  EXPECT_TRUE(ring_cut(1, NodeId{0}).cut.empty());
}

TEST(Partition, BridgeLetsBothSidesReachTheBridge) {
  const Partition p = bridge(5, ids({0, 1}), NodeId{2});
  EXPECT_EQ(p.shape, "bridge");
  EXPECT_EQ(p.describe(), "bridge 2: {0,1}|{3,4}");
  auto side = [](std::uint32_t i) { return i < 2; };
  expect_cuts(p, 5, [&](std::uint32_t i, std::uint32_t j) {
    return i != 2 && j != 2 && side(i) != side(j);
  });
  for (std::uint32_t i : {0U, 1U, 3U, 4U}) {
    EXPECT_FALSE(p.cuts(NodeId{i}, NodeId{2}));
    EXPECT_FALSE(p.cuts(NodeId{2}, NodeId{i}));
  }
  // The bridge is never cut, even if listed in the side.
  EXPECT_EQ(bridge(5, ids({0, 1, 2}), NodeId{2}).cut, p.cut);
}

TEST(Partition, OneWayDropsOneDirectionOnly) {
  const Partition p = one_way(5, ids({0, 1}));
  EXPECT_EQ(p.shape, "one_way");
  EXPECT_EQ(p.describe(), "{0,1}->{2,3,4}");
  expect_cuts(p, 5, [](std::uint32_t i, std::uint32_t j) { return i < 2 && j >= 2; });
  for (std::uint32_t from : {2U, 3U, 4U}) {
    for (std::uint32_t to : {0U, 1U}) EXPECT_FALSE(p.cuts(NodeId{from}, NodeId{to}));
  }
}

TEST(Partition, LinksAreExactlyTheGivenOnesSortedOnce) {
  const Partition p =
      links(4, {{NodeId{2}, NodeId{3}}, {NodeId{0}, NodeId{1}}, {NodeId{2}, NodeId{3}}});
  EXPECT_EQ(p.shape, "links");
  EXPECT_EQ(p.describe(), "links 0->1,2->3");
  expect_cuts(p, 4, [](std::uint32_t i, std::uint32_t j) {
    return (i == 0 && j == 1) || (i == 2 && j == 3);
  });
  EXPECT_EQ(links(4, {}).describe(), "links");
}

TEST(Partition, EmptyOrWholeSideCutsNothing) {
  EXPECT_TRUE(split(4, {}).cut.empty());
  EXPECT_TRUE(split(4, ids({0, 1, 2, 3})).cut.empty());
  EXPECT_TRUE(one_way(4, ids({0, 1, 2, 3})).cut.empty());
  EXPECT_EQ(split(4, {}).describe(), "{}|{0,1,2,3}");
}

}  // namespace
}  // namespace ry
