// Unit tests of the TRAINS core (README.md sections 2-4), driven in lock-step.
#include "protocol/trains/core.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "protocol/common/hash.hpp"
#include "protocol/trains/test_ring.hpp"

namespace ry::trains {
namespace {

using testing::LockStepRing;

Config make_config(std::uint32_t nodes, std::uint32_t trains) {
  Config config;
  config.nodes = nodes;
  config.trains = trains;
  // The lock-step ring fires no timers and has no disk: sections 2-4 without membership.
  config.heartbeat_ns = 0;
  return config;
}

std::vector<std::uint64_t> delivery_steps(const LockStepRing& ring, MsgId id, std::uint32_t node) {
  std::vector<std::uint64_t> steps;
  for (const auto& e : ring.deliveries()) {
    if (e.node.value == node && e.delivery.id == id) steps.push_back(e.step);
  }
  return steps;
}

// README.md section 2, the golden lock-step example: N=3, K=2, node 0 broadcasts `a` after issuing
// its first train.
TEST(TrainsCore, GoldenLockStepExample) {
  LockStepRing ring(make_config(3, 2));
  ring.start();
  ring.broadcast(0, 1, "a");
  const MsgId a{NodeId{0}, 1};
  for (int i = 0; i < 5; ++i) ring.step();  // steps 0..4
  EXPECT_EQ(delivery_steps(ring, a, 0), std::vector<std::uint64_t>{4});
  EXPECT_EQ(delivery_steps(ring, a, 1), std::vector<std::uint64_t>{3});
  EXPECT_EQ(delivery_steps(ring, a, 2), std::vector<std::uint64_t>{4});
  for (const auto& e : ring.deliveries()) EXPECT_EQ(e.delivery.digest, fnv1a("a"));
  // Step 2: node 1 parks (1,1) behind (1,0); step 3: node 2 parks (1,1).
  EXPECT_EQ(ring.cores()[2].parked_count(), 0U);
  EXPECT_EQ(ring.cores()[0].issued(), 1U);
  ring.keep_sent_trains(true);
  ring.clear_records();
  ring.step();  // step 5: both issuers recycle
  std::vector<std::pair<std::uint64_t, std::uint32_t>> created;
  for (const auto& [from, train] : ring.sent_trains()) {
    if (train.issuer == from && !train.closed)
      created.emplace_back(train.clock, train.issuer.value);
  }
  std::sort(created.begin(), created.end());
  EXPECT_EQ(created, (std::vector<std::pair<std::uint64_t, std::uint32_t>>{{2, 0}, {2, 1}}));
  for (const auto& [from, train] : ring.sent_trains()) EXPECT_EQ(train.stable_clock, 1U);
  // One clock of a slot takes 2N hops: everyone delivered, nothing held or parked but the
  // stable-but-unannounced keys at non-issuers.
  for (auto& core : ring.cores()) {
    EXPECT_EQ(core.done_upto(0), 1U);
    EXPECT_EQ(core.done_upto(1), 1U);
    EXPECT_EQ(core.parked_count(), 0U);
  }
}

TEST(TrainsCore, GoldenExampleParksAsDescribed) {
  LockStepRing ring(make_config(3, 2));
  ring.start();
  ring.broadcast(0, 1, "a");
  ring.step();
  ring.step();
  ring.step();  // after step 2
  // Node 1 got its own (1,1) back closed, but (1,0) is known and not done: (1,1) is parked.
  EXPECT_EQ(ring.cores()[1].parked(), (std::vector<Key>{{1, 1}}));
  EXPECT_TRUE(ring.deliveries().empty());
  ring.step();  // step 3: node 2 parks (1,1) behind (1,0), which it closed and parked at step 1
  EXPECT_EQ(ring.cores()[2].parked(), (std::vector<Key>{{1, 0}, {1, 1}}));
  EXPECT_TRUE(ring.cores()[1].parked().empty());
}

// G0 with f = 2 (N=5): the closer and the issuer see the train too early and park; the issuer
// delivers when it learns the key is stable (the end of the propagation lap).
TEST(TrainsCore, G0NeedsFPlusOneHolders) {
  LockStepRing ring(make_config(5, 1));
  ring.broadcast(0, 1, "x");
  ring.start();
  const MsgId x{NodeId{0}, 1};
  for (int i = 0; i < 10; ++i) ring.step();
  // Lap 1: steps 0-3 (node 4 closes at step 3); node 0 holds at step 4 (2 holders, parks),
  // node 1 at step 5 (3 = f+1 holders, delivers), node 2 at 6, node 3 at 7, the closer at 8,
  // the issuer at 9 once stable.
  EXPECT_EQ(delivery_steps(ring, x, 1), std::vector<std::uint64_t>{5});
  EXPECT_EQ(delivery_steps(ring, x, 2), std::vector<std::uint64_t>{6});
  EXPECT_EQ(delivery_steps(ring, x, 3), std::vector<std::uint64_t>{7});
  EXPECT_EQ(delivery_steps(ring, x, 4), std::vector<std::uint64_t>{8});
  EXPECT_EQ(delivery_steps(ring, x, 0), std::vector<std::uint64_t>{9});
}

TEST(TrainsCore, G0WithFZeroStillWaitsForTheNextVisitAtTheCloser) {
  LockStepRing ring(make_config(2, 1));
  ring.broadcast(0, 1, "x");
  ring.start();
  const MsgId x{NodeId{0}, 1};
  for (int i = 0; i < 3; ++i) ring.step();
  // Node 1 closes at step 0 (no delivery on the appending visit), node 0 holds at step 1 and
  // delivers (f + 1 = 1), node 1 delivers at step 2 (end of lap 2).
  EXPECT_EQ(delivery_steps(ring, x, 0), std::vector<std::uint64_t>{1});
  EXPECT_EQ(delivery_steps(ring, x, 1), std::vector<std::uint64_t>{2});
}

// G3: a closed key waits until every issuer of the view has reached its clock; bug B3 skips
// issuers never heard from and delivers early.
TEST(TrainsCore, G3WaitsForLateIssuer) {
  for (bool b3 : {false, true}) {
    Config config = make_config(3, 2);
    config.issuer_start_ns = {0, 1'000'000};
    if (b3) config.bugs.add(Bug::B3);
    LockStepRing ring(config);
    ring.broadcast(0, 1, "x");
    ring.start();
    for (int i = 0; i < 12; ++i) ring.step();
    if (!b3) {
      EXPECT_TRUE(ring.deliveries().empty());
      // The slot keeps recycling (stable keys recycle even when parked); all wait on issuer 1.
      EXPECT_GE(ring.cores()[0].parked_count(), 1U);
      EXPECT_EQ(ring.cores()[1].issued(), 0U);
      ring.fire_timer(1, Core::issuer_start_timer);
      for (int i = 0; i < 12; ++i) ring.step();
      for (std::uint32_t n = 0; n < 3; ++n) EXPECT_EQ(ring.log(n).size(), 1U);
    } else {
      for (std::uint32_t n = 0; n < 3; ++n) EXPECT_EQ(ring.log(n).size(), 1U);
    }
  }
}

// Payloads of one train are delivered in (sender, seq) order, whatever the loading order.
TEST(TrainsCore, DeliversOneTrainInSenderSeqOrder) {
  LockStepRing ring(make_config(3, 1));
  ring.broadcast(2, 7, "c");
  ring.broadcast(1, 9, "b");
  ring.broadcast(0, 5, "a");
  ring.broadcast(1, 3, "b0");
  ring.start();
  for (int i = 0; i < 8; ++i) ring.step();
  const std::vector<MsgId> expected = {
      {NodeId{0}, 5}, {NodeId{1}, 3}, {NodeId{1}, 9}, {NodeId{2}, 7}};
  for (std::uint32_t n = 0; n < 3; ++n) EXPECT_EQ(ring.log(n), expected);
}

// README.md section 1: what does not fit the byte bound stays pending for the next train.
TEST(TrainsCore, ByteBoundKeepsTheRestPending) {
  Config config = make_config(2, 1);
  config.train_bytes_max = 10;
  LockStepRing ring(config);
  ring.broadcast(0, 1, "123456");
  ring.broadcast(0, 2, "1234");
  ring.broadcast(0, 3, "12");
  ring.broadcast(0, 4, std::string(11, 'z'));  // can never fit: rejected
  EXPECT_EQ(ring.replies().back().status, ReplyStatus::rejected);
  ring.start();
  ASSERT_EQ(ring.sent_trains().size(), 1U);
  EXPECT_EQ(ring.sent_trains()[0].second.payloads.size(), 2U);
  EXPECT_EQ(ring.sent_trains()[0].second.bytes, 10U);
  EXPECT_EQ(ring.cores()[0].pending_count(), 1U);
  for (int i = 0; i < 8; ++i) ring.step();
  EXPECT_EQ(ring.log(1).size(), 3U);
  EXPECT_EQ(ring.log(0), ring.log(1));
}

// Bug-free: an id queued, on a train or delivered is not queued again. B5 queues it again and
// it is delivered twice.
TEST(TrainsCore, DuplicateFilterOnLocalBroadcast) {
  for (bool b5 : {false, true}) {
    Config config = make_config(3, 1);
    if (b5) config.bugs.add(Bug::B5);
    LockStepRing ring(config);
    ring.start();
    ring.broadcast(1, 1, "m");
    ring.broadcast(1, 1, "m");  // queued
    EXPECT_EQ(ring.replies().back().status, b5 ? ReplyStatus::accepted : ReplyStatus::rejected);
    ring.step();  // on a train now
    ring.broadcast(1, 1, "m");
    EXPECT_EQ(ring.replies().back().status, b5 ? ReplyStatus::accepted : ReplyStatus::rejected);
    for (int i = 0; i < 12; ++i) ring.step();
    ring.broadcast(1, 1, "m");  // delivered
    EXPECT_EQ(ring.replies().back().status, b5 ? ReplyStatus::accepted : ReplyStatus::rejected);
    ring.broadcast_id(2, MsgId{NodeId{1}, 1}, "m");  // another node saw it on a train
    EXPECT_EQ(ring.replies().back().status, b5 ? ReplyStatus::accepted : ReplyStatus::rejected);
    for (int i = 0; i < 12; ++i) ring.step();
    const auto log = ring.log(0);
    const auto copies = std::count(log.begin(), log.end(), MsgId{NodeId{1}, 1});
    if (b5) {
      EXPECT_GT(copies, 1);
    } else {
      EXPECT_EQ(copies, 1);
    }
  }
}

// The same id broadcast at two nodes before either sees it travels on two trains; it is
// delivered once, at the same position everywhere.
TEST(TrainsCore, SameIdAtTwoNodesDeliveredOnce) {
  LockStepRing ring(make_config(3, 2));
  ring.broadcast_id(1, MsgId{NodeId{1}, 4}, "m");
  ring.broadcast_id(2, MsgId{NodeId{1}, 4}, "m");
  ring.start();
  for (int i = 0; i < 14; ++i) ring.step();
  for (std::uint32_t n = 0; n < 3; ++n)
    EXPECT_EQ(ring.log(n), (std::vector<MsgId>{{NodeId{1}, 4}}));
}

// uto requires every configured node, to the view's members: with view 0 both are all nodes.
TEST(TrainsCore, UtoAndToAgreeWhileTheViewIsStatic) {
  std::vector<std::vector<MsgId>> logs;
  for (auto mode : {Config::Mode::uto, Config::Mode::to}) {
    Config config = make_config(4, 3);
    config.mode = mode;
    LockStepRing ring(config);
    EXPECT_EQ(ring.cores()[0].required_acks().size(), 4U);
    ring.start();
    for (std::uint64_t i = 0; i < 40; ++i) {
      ring.broadcast(static_cast<std::uint32_t>(i % 4), i, "p" + std::to_string(i));
      ring.step();
    }
    for (int i = 0; i < 20; ++i) ring.step();
    for (std::uint32_t n = 1; n < 4; ++n) EXPECT_EQ(ring.log(n), ring.log(0));
    EXPECT_EQ(ring.log(0).size(), 40U);
    logs.push_back(ring.log(0));
  }
  EXPECT_EQ(logs[0], logs[1]);
}

// README.md section 4: memory is bounded by in-flight work. After many broadcasts the held content,
// parked keys, filters and link buffers stay small.
TEST(TrainsCore, GarbageCollectionKeepsMemoryFlat) {
  Config config = make_config(4, 2);
  LockStepRing ring(config);
  ring.keep_sent_trains(false);
  ring.start();
  std::uint64_t seq = 0;
  std::size_t held_max = 0;
  std::size_t window_max = 0;
  for (int round = 0; round < 20'000; ++round) {
    for (std::uint32_t n = 0; n < 4; ++n) ring.broadcast(n, seq, "d");
    ++seq;
    ring.step();
    if (round % 1000 == 999) ring.clear_records();
    for (auto& core : ring.cores()) {
      held_max = std::max(held_max, core.held_count());
      window_max = std::max(window_max, core.filter_window());
      EXPECT_LE(core.parked_count(), 4U);
      EXPECT_LE(core.links().unacked(core.view().successor(core.self())), 2U);
    }
  }
  for (int i = 0; i < 40; ++i) ring.step();
  EXPECT_LE(held_max, 6U);
  // Trains of different issuers may deliver a sender's seqs slightly out of order.
  EXPECT_LE(window_max, 8U);
  for (auto& core : ring.cores()) EXPECT_EQ(core.done_upto(0), core.done_upto(1));
  EXPECT_GT(ring.cores()[0].done_upto(0), 2000U);
}

TEST(TrainsCore, StateDigestIsStableAndSensitive) {
  LockStepRing a(make_config(3, 2));
  LockStepRing b(make_config(3, 2));
  a.start();
  b.start();
  EXPECT_EQ(a.cores()[1].state_digest(), b.cores()[1].state_digest());
  a.broadcast(1, 1, "x");
  EXPECT_NE(a.cores()[1].state_digest(), b.cores()[1].state_digest());
  b.broadcast(1, 1, "x");
  a.step();
  b.step();
  EXPECT_EQ(a.cores()[2].state_digest(), b.cores()[2].state_digest());
  const Core copy = a.cores()[2];
  EXPECT_EQ(copy.state_digest(), a.cores()[2].state_digest());
}

TEST(TrainsCore, DescribeNamesTheFields) {
  Train train;
  train.issuer = NodeId{1};
  train.clock = 7;
  train.closed = true;
  train.holders = 2;
  train.link.lseq = 9;
  const MessageInfo info = describe(Message{train});
  EXPECT_STREQ(info.kind, "train");
  ASSERT_EQ(info.count, 6);
  EXPECT_STREQ(info.fields[1].name, "clock");
  EXPECT_EQ(info.fields[1].value, 7);
  EXPECT_EQ(info.fields[5].value, 9);
  Train other = train;
  other.stable_clock = 1;
  EXPECT_NE(describe(Message{other}).digest, info.digest);
  EXPECT_STREQ(describe(Message{LinkAck{3, 4}}).kind, "ack");
}

// The notes a crash-at-moment fault aims at (README.md section 8: U1's "issuer delivered, not yet
// forwarded", B8's "a crash swallows a freshly recycled train"), on the golden example.
TEST(TrainsCore, NotesMarkIssuerDeliveredAndRecycled) {
  LockStepRing ring(make_config(3, 2));
  ring.start();
  ring.broadcast(0, 1, "a");
  const auto notes_of = [&](std::string_view kind) {
    std::vector<std::pair<std::uint32_t, Note>> out;
    for (const auto& [node, note] : ring.notes()) {
      if (kind == note.kind) out.emplace_back(node.value, note);
    }
    return out;
  };
  for (int i = 0; i < 3; ++i) ring.step();  // steps 0..2
  EXPECT_TRUE(notes_of("issuer_delivered").empty());
  ring.clear_records();
  ring.step();  // step 3: node 1 delivers `a`, which its own train (1,1) carries
  const auto delivered = notes_of("issuer_delivered");
  ASSERT_EQ(delivered.size(), 1U);
  EXPECT_EQ(delivered[0].first, 1U);
  EXPECT_EQ(delivered[0].second.a, 1);  // issuer
  EXPECT_EQ(delivered[0].second.b, 1);  // clock
  EXPECT_EQ(delivered[0].second.c, 1);  // payloads delivered
  ring.clear_records();
  ring.step();  // step 4: nodes 0 and 2 deliver `a`, not their own train's; (1,0) is empty
  EXPECT_TRUE(notes_of("issuer_delivered").empty());
  EXPECT_TRUE(notes_of("recycled").empty());
  ring.clear_records();
  ring.step();  // step 5: both issuers recycle
  auto recycled = notes_of("recycled");
  std::sort(recycled.begin(), recycled.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  ASSERT_EQ(recycled.size(), 2U);
  for (std::uint32_t issuer = 0; issuer < 2; ++issuer) {
    EXPECT_EQ(recycled[issuer].first, issuer);
    EXPECT_EQ(recycled[issuer].second.a, issuer);
    EXPECT_EQ(recycled[issuer].second.b, 2);  // the new clock
    EXPECT_EQ(recycled[issuer].second.c, 1);  // the stable one it replaces
  }
}

// A member whose broadcasts cannot leave (no train reaches it: frozen in a minority, say) queues
// at most pending_max of them and turns the rest away, so its memory stays bounded.
TEST(TrainsCore, PendingQueueIsBoundedByBackPressure) {
  Core core(make_config(5, 2), NodeId{3}, 3, Recovery{});
  Core::Fx fx;
  core.on_start(Time{0}, fx);
  for (std::uint64_t seq = 1; seq <= Core::pending_max + 10; ++seq) {
    fx.clear();
    core.on_client(ClientRequest{RequestId{ClientId{3}, seq}, "x"}, Time{1}, fx);
    ASSERT_EQ(fx.replies.size(), 1U);
    const ReplyStatus expected =
        seq <= Core::pending_max ? ReplyStatus::accepted : ReplyStatus::rejected;
    EXPECT_EQ(fx.replies[0].status, expected) << "seq " << seq;
  }
  EXPECT_EQ(core.pending_count(), Core::pending_max);
}

}  // namespace
}  // namespace ry::trains
