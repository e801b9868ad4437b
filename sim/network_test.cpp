#include "sim/network.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace ry {
namespace {

constexpr NodeId n0{0};
constexpr NodeId n1{1};
constexpr NodeId n2{2};

LinkModel fixed(Nanos latency) {
  LinkModel m;
  m.latency_min_ns = latency;
  m.latency_max_ns = latency;
  return m;
}

TEST(Network, DeliversWithFixedLatency) {
  Network net(3, fixed(100), 1);
  const Route r = net.route(n0, n1, Time{1000});
  EXPECT_EQ(r.fate, Route::Fate::deliver);
  EXPECT_EQ(r.copies, 1);
  EXPECT_EQ(r.arrival[0], Time{1100});
}

TEST(Network, CutIsOneWayAndHealRestores) {
  Network net(3, fixed(100), 1);
  net.cut(n0, n1);
  EXPECT_TRUE(net.is_cut(n0, n1));
  EXPECT_FALSE(net.is_cut(n1, n0));
  EXPECT_EQ(net.cut_count(), 1U);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(net.route(n0, n1, Time{0}).fate, Route::Fate::cut);
    EXPECT_EQ(net.route(n0, n1, Time{0}).copies, 0);
    EXPECT_EQ(net.route(n1, n0, Time{0}).fate, Route::Fate::deliver);
    EXPECT_EQ(net.route(n0, n2, Time{0}).fate, Route::Fate::deliver);
  }
  net.heal(n0, n1);
  EXPECT_FALSE(net.is_cut(n0, n1));
  EXPECT_EQ(net.cut_count(), 0U);
  EXPECT_EQ(net.route(n0, n1, Time{0}).fate, Route::Fate::deliver);
}

TEST(Network, HealAllRestoresEveryLink) {
  Network net(3, fixed(100), 1);
  net.cut(n0, n1);
  net.cut(n1, n0);
  net.cut(n2, n0);
  EXPECT_EQ(net.cut_count(), 3U);
  net.heal(n1, n2);  // healing a link that is not cut changes nothing
  EXPECT_EQ(net.cut_count(), 3U);
  net.heal_all();
  EXPECT_EQ(net.cut_count(), 0U);
  for (NodeId a : {n0, n1, n2}) {
    for (NodeId b : {n0, n1, n2}) EXPECT_EQ(net.route(a, b, Time{0}).fate, Route::Fate::deliver);
  }
}

TEST(Network, ZeroLossLosesNothing) {
  Network net(2, fixed(10), 9);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(net.route(n0, n1, Time{0}).fate, Route::Fate::deliver);
}

TEST(Network, NearTotalLossLosesNearlyAll) {
  LinkModel m = fixed(10);
  m.loss_ppm = 1'000'000 - 1;
  Network net(2, m, 9);
  int delivered = 0;
  for (int i = 0; i < 10'000; ++i) {
    const Route r = net.route(n0, n1, Time{0});
    if (r.fate == Route::Fate::deliver) {
      ++delivered;
    } else {
      EXPECT_EQ(r.fate, Route::Fate::lost);
      EXPECT_EQ(r.copies, 0);
    }
  }
  EXPECT_LE(delivered, 3);  // expected 0.01
}

TEST(Network, HalfLossIsRoughlyHalf) {
  LinkModel m = fixed(10);
  m.loss_ppm = 500'000;
  Network net(2, m, 11);
  int lost = 0;
  for (int i = 0; i < 10'000; ++i) lost += net.route(n0, n1, Time{0}).fate == Route::Fate::lost;
  EXPECT_GT(lost, 4'500);
  EXPECT_LT(lost, 5'500);
}

TEST(Network, DuplicationGivesTwoCopies) {
  LinkModel m = fixed(10);
  m.duplicate_ppm = 1'000'000;
  Network net(2, m, 3);
  for (int i = 0; i < 100; ++i) {
    const Route r = net.route(n0, n1, Time{50});
    ASSERT_EQ(r.fate, Route::Fate::deliver);
    ASSERT_EQ(r.copies, 2);
    EXPECT_EQ(r.arrival[0], Time{60});
    EXPECT_EQ(r.arrival[1], Time{60});
  }
  m.duplicate_ppm = 0;
  net.set_model(m);
  EXPECT_EQ(net.route(n0, n1, Time{0}).copies, 1);
}

TEST(Network, LatencyStaysWithinBoundsAndSpreads) {
  LinkModel m;
  m.latency_min_ns = 1'000;
  m.latency_max_ns = 5'000;
  Network net(2, m, 5);
  Nanos lowest = INT64_MAX;
  Nanos highest = 0;
  for (int i = 0; i < 5'000; ++i) {
    const Route r = net.route(n0, n1, Time{10'000});
    const Nanos latency = r.arrival[0] - Time{10'000};
    ASSERT_GE(latency, 1'000);
    ASSERT_LE(latency, 5'000);
    lowest = std::min(lowest, latency);
    highest = std::max(highest, latency);
  }
  EXPECT_LT(lowest, 1'100);
  EXPECT_GT(highest, 4'900);
}

TEST(Network, SpikesAddBoundedDelay) {
  LinkModel m = fixed(1'000);
  m.spike_ppm = 1'000'000;
  m.spike_ns = 500;
  Network net(2, m, 5);
  bool spiked = false;
  for (int i = 0; i < 200; ++i) {
    const Nanos latency = net.route(n0, n1, Time{0}).arrival[0] - Time{0};
    ASSERT_GE(latency, 1'000);
    ASSERT_LE(latency, 1'500);
    spiked = spiked || latency > 1'000;
  }
  EXPECT_TRUE(spiked);
}

LinkModel jittery(bool fifo) {
  LinkModel m;
  m.latency_min_ns = 10;
  m.latency_max_ns = 10'000;
  m.duplicate_ppm = 100'000;
  m.fifo = fifo;
  return m;
}

// Sends one message every 100 ns and returns the arrival times in send order (every copy).
std::vector<Time> send_burst(Network& net, NodeId from, NodeId to, int count) {
  std::vector<Time> arrivals;
  for (int i = 0; i < count; ++i) {
    const Route r = net.route(from, to, Time{100 * i});
    for (int c = 0; c < r.copies; ++c) arrivals.push_back(r.arrival[c]);
  }
  return arrivals;
}

TEST(Network, FifoLinkNeverLetsALaterSendArriveEarlier) {
  Network net(2, jittery(true), 17);
  const std::vector<Time> a = send_burst(net, n0, n1, 2'000);
  for (std::size_t i = 1; i < a.size(); ++i) ASSERT_LE(a[i - 1], a[i]) << "at " << i;
}

TEST(Network, NonFifoLinkReordersSometimes) {
  Network net(2, jittery(false), 17);
  const std::vector<Time> a = send_burst(net, n0, n1, 2'000);
  int inversions = 0;
  for (std::size_t i = 1; i < a.size(); ++i) inversions += a[i] < a[i - 1];
  EXPECT_GT(inversions, 100);
}

TEST(Network, PerLinkModelOverridesOneDirection) {
  Network net(2, jittery(false), 17);
  net.set_link_model(n0, n1, jittery(true));
  EXPECT_TRUE(net.link_model(n0, n1).fifo);
  EXPECT_FALSE(net.link_model(n1, n0).fifo);
  const std::vector<Time> a = send_burst(net, n0, n1, 1'000);
  for (std::size_t i = 1; i < a.size(); ++i) ASSERT_LE(a[i - 1], a[i]);
}

struct Flat {
  Route::Fate fate;
  int copies;
  std::int64_t a0;
  std::int64_t a1;
  friend bool operator==(const Flat&, const Flat&) = default;
};

std::vector<Flat> routes(std::uint64_t seed) {
  LinkModel m = jittery(false);
  m.loss_ppm = 100'000;
  m.spike_ppm = 50'000;
  m.spike_ns = 100'000;
  Network net(3, m, seed);
  net.cut(n2, n0);
  std::vector<Flat> out;
  for (int i = 0; i < 500; ++i) {
    const NodeId from{static_cast<std::uint32_t>(i % 3)};
    const NodeId to{static_cast<std::uint32_t>((i / 3) % 3)};
    const Route r = net.route(from, to, Time{i * 10});
    out.push_back({r.fate, r.copies, r.copies > 0 ? r.arrival[0].ns : -1,
                   r.copies > 1 ? r.arrival[1].ns : -1});
  }
  return out;
}

TEST(Network, SameSeedSameRoutesDifferentSeedDifferentRoutes) {
  EXPECT_EQ(routes(1234), routes(1234));
  EXPECT_NE(routes(1234), routes(1235));
}

// ---- Clogging: hold, then burst.

TEST(Network, ClogHoldsALinkUntilItsEndThenLetsTrafficThrough) {
  Network net(3, fixed(100), 1);
  net.clog(n0, n1, Time{1000});
  EXPECT_TRUE(net.is_clogged(n0, n1, Time{0}));
  EXPECT_FALSE(net.is_clogged(n1, n0, Time{0}));  // one direction only
  EXPECT_FALSE(net.is_clogged(n0, n1, Time{1000}));
  for (Nanos t : {0, 10, 500, 899}) {
    const Route r = net.route(n0, n1, Time{t});
    ASSERT_EQ(r.fate, Route::Fate::deliver);
    EXPECT_EQ(r.arrival[0], Time{1000}) << "sent at " << t;  // held to the clog's end
  }
  EXPECT_EQ(net.route(n0, n1, Time{950}).arrival[0], Time{1050});   // its own latency is later
  EXPECT_EQ(net.route(n1, n0, Time{0}).arrival[0], Time{100});      // the reverse link flows
  EXPECT_EQ(net.route(n0, n2, Time{0}).arrival[0], Time{100});      // other links flow
  EXPECT_EQ(net.route(n0, n1, Time{1000}).arrival[0], Time{1100});  // over: normal latency
}

TEST(Network, ClogOfAClogExtendsItAndUnclogStopsHoldingNewSends) {
  Network net(2, fixed(100), 1);
  net.clog(n0, n1, Time{1000});
  net.clog(n0, n1, Time{500});  // earlier: does not shorten
  EXPECT_EQ(net.route(n0, n1, Time{0}).arrival[0], Time{1000});
  net.clog(n0, n1, Time{2000});
  EXPECT_EQ(net.route(n0, n1, Time{0}).arrival[0], Time{2000});
  net.unclog(n0, n1);
  EXPECT_EQ(net.route(n0, n1, Time{0}).arrival[0], Time{100});
  net.clog(n0, n1, Time{2000});
  net.clog(n1, n0, Time{2000});
  EXPECT_EQ(net.clog_count(), 2U);
  net.unclog_all();
  EXPECT_EQ(net.clog_count(), 0U);
  EXPECT_EQ(net.route(n1, n0, Time{0}).arrival[0], Time{100});
}

TEST(Network, ClogIsNoShieldAgainstCutsAndLoss) {
  Network net(2, fixed(100), 1);
  net.clog(n0, n1, Time{1000});
  net.cut(n0, n1);
  EXPECT_EQ(net.route(n0, n1, Time{0}).fate, Route::Fate::cut);
  net.heal(n0, n1);
  LinkModel lossy = fixed(100);
  lossy.loss_ppm = 1'000'000;
  net.set_model(lossy);
  EXPECT_EQ(net.route(n0, n1, Time{0}).fate, Route::Fate::lost);
}

TEST(Network, ClogOnAFifoLinkKeepsItsOrder) {
  Network net(2, jittery(true), 17);
  net.clog(n0, n1, Time{3 * ms_ns});
  Time last{};
  for (int i = 0; i < 200; ++i) {
    const Route r = net.route(n0, n1, Time{i * 20 * us_ns});
    ASSERT_GE(r.arrival[0], Time{3 * ms_ns});
    ASSERT_GE(r.arrival[0], last);
    last = r.arrival[0];
  }
}

}  // namespace
}  // namespace ry
