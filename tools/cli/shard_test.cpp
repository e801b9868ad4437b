#include "tools/cli/shard.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace ry {
namespace {

std::vector<std::uint64_t> seeds_of(std::uint64_t first, std::uint64_t last, Shard shard) {
  std::vector<std::uint64_t> out;
  for (ShardSeeds s(first, last, shard); !s.done(); s.advance()) out.push_back(s.seed());
  return out;
}

TEST(Shard, SlicesAreDisjointCoverTheRangeAndBalance) {
  std::vector<int> owner(101, 0);
  for (std::uint64_t i = 1; i <= 7; ++i) {
    const auto seeds = seeds_of(1, 100, Shard{i, 7});
    EXPECT_EQ(seeds.size(), shard_seed_count(1, 100, Shard{i, 7}));
    EXPECT_GE(seeds.size(), 14U);
    EXPECT_LE(seeds.size(), 15U);
    for (std::uint64_t s : seeds) {
      EXPECT_EQ((s - 1) % 7 + 1, i);
      ++owner[s];
    }
  }
  for (std::size_t s = 1; s <= 100; ++s) EXPECT_EQ(owner[s], 1) << s;
}

TEST(Shard, MoreShardsThanSeedsLeavesSomeEmpty) {
  EXPECT_EQ(seeds_of(7, 8, Shard{2, 3}), (std::vector<std::uint64_t>{8}));
  EXPECT_TRUE(seeds_of(7, 8, Shard{3, 3}).empty());
  EXPECT_EQ(shard_seed_count(7, 8, Shard{3, 3}), 0U);
}

TEST(Shard, TheLargestSeedEndsTheWalkWithoutWrapping) {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(seeds_of(max - 5, max, Shard{2, 2}),
            (std::vector<std::uint64_t>{max - 4, max - 2, max}));
  EXPECT_EQ(seeds_of(max - 5, max, Shard{1, 4}), (std::vector<std::uint64_t>{max - 5, max - 1}));
  EXPECT_EQ(shard_seed_count(max - 5, max, Shard{1, 4}), 2U);
  EXPECT_EQ(shard_seed_count(1, max, Shard{1, 1'000'000}), (max - 1) / 1'000'000 + 1);
}

TEST(Shard, ParsesIOfNAndRefusesTheRest) {
  std::string error;
  const auto s = parse_shard("3/8", error);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3U);
  EXPECT_EQ(s->count, 8U);
  EXPECT_EQ(to_string(*s), "3/8");
  for (const char* bad : {"0/4", "5/4", "1/0", "4", "", "/", "a/b", "-1/4", "+1/4", "1/4 ", "1//4",
                          "99999999999999999999/1", "1/1000001"}) {
    EXPECT_FALSE(parse_shard(bad, error)) << bad;
    EXPECT_EQ(error.rfind("--shard: ", 0), 0U) << error;
  }
}

}  // namespace
}  // namespace ry
