#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "protocol/common/prng.hpp"

namespace ry {
namespace {

using Queue = EventQueue<int>;

std::vector<int> drain(Queue& q) {
  std::vector<int> out;
  while (!q.empty()) out.push_back(q.pop().second);
  return out;
}

TEST(EventQueue, PopsByTimeThenInsertionOrder) {
  Queue q;
  q.push(Time{30}, 1);
  q.push(Time{10}, 2);
  q.push(Time{20}, 3);
  q.push(Time{10}, 4);
  q.push(Time{10}, 5);
  q.push(Time{0}, 6);
  EXPECT_EQ(q.size(), 6U);
  EXPECT_EQ(q.next_time(), Time{0});
  EXPECT_EQ(drain(q), (std::vector<int>{6, 2, 4, 5, 3, 1}));
}

TEST(EventQueue, EqualTimesPopInInsertionOrderAtScale) {
  Queue q;
  for (int i = 0; i < 500; ++i) q.push(Time{7}, i);
  std::vector<int> expected(500);
  for (int i = 0; i < 500; ++i) expected[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(drain(q), expected);
}

TEST(EventQueue, PopReturnsTheTime) {
  Queue q;
  q.push(Time{42}, 1);
  const auto [at, payload] = q.pop();
  EXPECT_EQ(at, Time{42});
  EXPECT_EQ(payload, 1);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, CancelRemovesExactlyThatEventAtOnce) {
  Queue q;
  q.push(Time{1}, 1);
  const EventHandle h2 = q.push(Time{2}, 2);
  q.push(Time{2}, 3);
  q.push(Time{3}, 4);
  EXPECT_TRUE(q.live(h2));
  EXPECT_TRUE(q.cancel(h2));
  EXPECT_EQ(q.size(), 3U);  // the queue holds only live events
  EXPECT_FALSE(q.live(h2));
  EXPECT_EQ(drain(q), (std::vector<int>{1, 3, 4}));
}

TEST(EventQueue, CancelTheHeadUpdatesNextTime) {
  Queue q;
  const EventHandle head = q.push(Time{5}, 1);
  q.push(Time{9}, 2);
  ASSERT_TRUE(q.cancel(head));
  EXPECT_EQ(q.next_time(), Time{9});
}

TEST(EventQueue, CancelTwiceOrAfterPopIsHarmless) {
  Queue q;
  const EventHandle a = q.push(Time{1}, 1);
  const EventHandle b = q.push(Time{2}, 2);
  q.push(Time{3}, 3);
  EXPECT_TRUE(q.cancel(a));
  EXPECT_FALSE(q.cancel(a));
  EXPECT_EQ(q.size(), 2U);
  EXPECT_EQ(q.pop().second, 2);
  EXPECT_FALSE(q.live(b));
  EXPECT_FALSE(q.cancel(b));
  EXPECT_EQ(q.size(), 1U);
  EXPECT_FALSE(q.cancel(EventHandle{}));  // a default handle names nothing
  EXPECT_EQ(drain(q), (std::vector<int>{3}));
}

TEST(EventQueue, StaleHandleDoesNotCancelTheSlotsNextEvent) {
  Queue q;
  const EventHandle old = q.push(Time{1}, 1);
  ASSERT_EQ(q.pop().second, 1);
  // The freed slot is reused by the next push; the old handle must not reach the new event.
  const EventHandle fresh = q.push(Time{2}, 2);
  ASSERT_EQ(fresh.slot, old.slot);
  EXPECT_NE(fresh.generation, old.generation);
  EXPECT_FALSE(q.live(old));
  EXPECT_FALSE(q.cancel(old));
  EXPECT_TRUE(q.live(fresh));
  EXPECT_EQ(q.size(), 1U);

  // Same after a cancel.
  ASSERT_TRUE(q.cancel(fresh));
  const EventHandle third = q.push(Time{3}, 3);
  EXPECT_FALSE(q.cancel(fresh));
  EXPECT_FALSE(q.cancel(old));
  EXPECT_TRUE(q.live(third));
  EXPECT_EQ(drain(q), (std::vector<int>{3}));
}

// Random pushes, pops and cancels against a reference: a std::multimap keyed by (time, seq).
TEST(EventQueue, MatchesReferenceUnderRandomOperations) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Prng prng(seed);
    Queue q;
    std::map<std::pair<std::int64_t, std::uint64_t>, int> ref;
    struct Issued {
      EventHandle handle;
      std::pair<std::int64_t, std::uint64_t> key;
    };
    std::vector<Issued> issued;
    std::uint64_t seq = 0;
    int next_payload = 0;
    std::int64_t now = 0;  // pops never go back in time, like the scheduler; pushes are >= now
    for (int op = 0; op < 3000; ++op) {
      const std::uint64_t what = prng.below(10);
      if (what < 5 || ref.empty()) {
        const std::int64_t at = now + prng.between(0, 20);  // small range: many ties
        const int payload = next_payload++;
        const EventHandle h = q.push(Time{at}, payload);
        ref.emplace(std::pair{at, seq}, payload);
        issued.push_back({h, {at, seq}});
        ++seq;
      } else if (what < 8) {
        const auto [at, payload] = q.pop();
        const auto it = ref.begin();
        ASSERT_EQ(at.ns, it->first.first) << "seed " << seed << " op " << op;
        ASSERT_EQ(payload, it->second) << "seed " << seed << " op " << op;
        now = at.ns;
        ref.erase(it);
      } else {
        // Cancel any handle ever issued: live, popped or already cancelled.
        const Issued& victim = issued[static_cast<std::size_t>(prng.below(issued.size()))];
        const bool was_live = ref.erase(victim.key) == 1;
        ASSERT_EQ(q.cancel(victim.handle), was_live) << "seed " << seed << " op " << op;
      }
      ASSERT_EQ(q.size(), ref.size());
      if (!ref.empty()) {
        ASSERT_EQ(q.next_time().ns, ref.begin()->first.first);
      }
    }
    while (!ref.empty()) {
      ASSERT_EQ(q.pop().second, ref.begin()->second);
      ref.erase(ref.begin());
    }
    EXPECT_TRUE(q.empty());
  }
}

}  // namespace
}  // namespace ry
