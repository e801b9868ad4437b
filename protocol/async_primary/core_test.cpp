// The async-primary core in a small hand-driven cluster: messages are delivered at once unless
// a link is cut, and time advances one millisecond at a time, firing the ticks that are due.
#include "protocol/async_primary/core.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <set>

namespace ry::async_primary {
namespace {

struct Cluster {
  struct Node {
    std::optional<Core> core;
    Time due;  // the tick's deadline
    std::vector<ClientReply> replies;
    std::vector<std::string> notes;
  };
  struct InFlight {
    NodeId from;
    NodeId to;
    Message message;
  };

  Config config;
  std::vector<Node> nodes;
  std::deque<InFlight> wire;
  std::set<std::uint32_t> isolated;
  Time now;

  explicit Cluster(std::uint32_t n) {
    config.nodes = n;
    nodes.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) start(i, 0);
  }

  void start(std::uint32_t i, std::uint32_t incarnation) {
    Recovery r;
    r.incarnation = incarnation;
    nodes[i].core.emplace(config, NodeId{i}, 100 + i + 7 * incarnation, r);
    Effects<Message> fx;
    nodes[i].core->on_start(now, fx);
    apply(i, fx);
  }

  void apply(std::uint32_t i, Effects<Message>& fx) {
    for (auto& s : fx.sends) wire.push_back(InFlight{NodeId{i}, s.to, std::move(s.message)});
    for (const TimerSet& t : fx.timers_set) nodes[i].due = now + t.after_ns;
    for (ClientReply& r : fx.replies) nodes[i].replies.push_back(std::move(r));
    for (const Note& n : fx.notes) nodes[i].notes.emplace_back(n.kind);
  }

  [[nodiscard]] bool cut(NodeId a, NodeId b) const {
    return isolated.contains(a.value) != isolated.contains(b.value);
  }

  void deliver() {
    while (!wire.empty()) {
      InFlight m = std::move(wire.front());
      wire.pop_front();
      Node& to = nodes[m.to.value];
      if (cut(m.from, m.to) || !to.core) continue;
      Effects<Message> fx;
      to.core->on_message(m.from, m.message, now, fx);
      apply(m.to.value, fx);
    }
  }

  void run_ms(std::int64_t ms) {
    for (std::int64_t t = 0; t < ms; ++t) {
      now = now + ms_ns;
      for (std::uint32_t i = 0; i < nodes.size(); ++i) {
        if (!nodes[i].core || nodes[i].due > now) continue;
        Effects<Message> fx;
        nodes[i].core->on_timer(TimerId{1}, now, fx);
        apply(i, fx);
      }
      deliver();
    }
  }

  ClientReply request(std::uint32_t node, std::uint64_t seq, const Operation& op,
                      std::uint32_t client = 0) {
    Effects<Message> fx;
    nodes[node].core->on_client(ClientRequest{RequestId{ClientId{client}, seq}, encode(op)}, now,
                                fx);
    EXPECT_EQ(fx.replies.size(), 1U);  // every answer is immediate
    ClientReply reply = fx.replies.empty() ? ClientReply{} : fx.replies.front();
    fx.replies.clear();
    apply(node, fx);
    return reply;
  }

  Core& core(std::uint32_t i) { return *nodes[i].core; }
  [[nodiscard]] bool noted(std::uint32_t i, std::string_view kind) const {
    for (const std::string& n : nodes[i].notes) {
      if (n == kind) return true;
    }
    return false;
  }
};

Operation put(std::string key, std::string value) {
  return Operation{OpKind::put, std::move(key), std::move(value), {}};
}
Operation get(std::string key) { return Operation{OpKind::get, std::move(key), {}, {}}; }

TEST(AsyncPrimary, ThePrimaryAcknowledgesAtOnceAndStreamsAfterwards) {
  Cluster c(3);
  const ClientReply r = c.request(0, 1, put("k", "a"));
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(c.core(0).offset(), 1U);
  EXPECT_EQ(c.core(1).offset(), 0U);  // acknowledged before any replica has it
  c.run_ms(20);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(c.core(i).offset(), 1U) << i;
    EXPECT_EQ(c.core(i).kv().value("k"), "a") << i;
    EXPECT_EQ(c.core(i).kv().digest(), c.core(0).kv().digest()) << i;
  }
}

TEST(AsyncPrimary, AReplicaAnswersNotLeaderWithAHint) {
  Cluster c(3);
  const ClientReply r = c.request(2, 1, get("k"));
  EXPECT_EQ(r.status, ReplyStatus::not_leader);
  ASSERT_TRUE(r.leader_hint.has_value());
  EXPECT_EQ(r.leader_hint->value, 0U);
}

TEST(AsyncPrimary, ARetryIsAppliedOnceAndNotStreamedAgain) {
  Cluster c(3);
  EXPECT_EQ(c.request(0, 1, Operation{OpKind::append, "k", ",x", {}}).status, ReplyStatus::ok);
  EXPECT_EQ(c.request(0, 1, Operation{OpKind::append, "k", ",x", {}}).status, ReplyStatus::ok);
  EXPECT_EQ(c.core(0).offset(), 1U);
  EXPECT_EQ(c.core(0).kv().value("k"), ",x");
}

TEST(AsyncPrimary, AQuorumOfMonitorsPromotesTheMostAdvancedReplica) {
  Cluster c(5);
  c.request(0, 1, put("k", "a"));
  c.run_ms(20);
  // Node 3 misses the next write: the failover must prefer a replica that has it.
  c.isolated = {3};
  c.request(0, 2, put("k", "b"));
  c.run_ms(1);
  c.isolated = {0};
  c.run_ms(400);
  std::uint32_t primaries = 0;
  for (std::uint32_t i = 1; i < 5; ++i) {
    EXPECT_GE(c.core(i).epoch(), 1U) << i;
    if (c.core(i).role() == Role::primary) {
      ++primaries;
      EXPECT_NE(i, 3U);
      EXPECT_EQ(c.core(i).offset(), 2U);
    }
  }
  EXPECT_EQ(primaries, 1U);
  EXPECT_EQ(c.core(0).role(), Role::primary);  // it never heard of the failover
  EXPECT_EQ(c.core(0).epoch(), 0U);
}

TEST(AsyncPrimary, TheOldPrimaryIsDemotedAndItsAcknowledgedWritesAreDiscarded) {
  Cluster c(5);
  c.request(0, 1, put("k", "a"));
  c.run_ms(20);
  c.isolated = {0};
  // Acknowledged by the isolated primary: lost by design.
  EXPECT_EQ(c.request(0, 2, put("k", "lost"), 1).status, ReplyStatus::ok);
  c.run_ms(400);
  std::optional<std::uint32_t> primary;
  for (std::uint32_t i = 1; i < 5; ++i) {
    if (c.core(i).role() == Role::primary) primary = i;
  }
  ASSERT_TRUE(primary.has_value());
  EXPECT_EQ(c.request(*primary, 3, put("k", "kept"), 2).status, ReplyStatus::ok);
  c.isolated.clear();
  c.run_ms(100);
  EXPECT_EQ(c.core(0).role(), Role::replica);
  EXPECT_TRUE(c.noted(0, "demote"));
  EXPECT_TRUE(c.noted(0, "full_resync"));
  for (std::uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(c.core(i).kv().value("k"), "kept") << i;
    EXPECT_FALSE(c.core(i).kv().applied(RequestId{ClientId{1}, 2})) << i;
    EXPECT_EQ(c.core(i).kv().digest(), c.core(*primary).kv().digest()) << i;
    EXPECT_EQ(c.core(i).offset(), c.core(*primary).offset()) << i;
  }
  // The replicas that followed the old primary continue from their offset (no full resync).
  for (std::uint32_t i = 1; i < 5; ++i) EXPECT_FALSE(c.noted(i, "full_resync")) << i;
}

TEST(AsyncPrimary, ARestartedPrimaryComesBackEmptyAndIsReplaced) {
  Cluster c(3);
  c.request(0, 1, put("k", "a"));
  c.run_ms(20);
  c.nodes[0].core.reset();
  c.run_ms(5);
  c.start(0, 1);  // memory only: nothing survives
  c.run_ms(400);
  EXPECT_EQ(c.core(0).role(), Role::replica);
  EXPECT_GE(c.core(0).epoch(), 1U);
  const auto p = c.core(0).primary();
  ASSERT_TRUE(p.has_value());
  EXPECT_NE(p->value, 0U);
  EXPECT_EQ(c.core(0).kv().value("k"), "a");  // resynced from the new primary
}

TEST(AsyncPrimary, AMinorityOfMonitorsNeverFailsOver) {
  Cluster c(5);
  c.isolated = {0, 1, 2};  // {3, 4} cannot hear the primary, but two monitors are not a quorum
  c.run_ms(500);
  for (std::uint32_t i = 0; i < 5; ++i) EXPECT_EQ(c.core(i).epoch(), 0U) << i;
  EXPECT_TRUE(c.noted(3, "sdown"));
  EXPECT_FALSE(c.noted(3, "failover"));
}

}  // namespace
}  // namespace ry::async_primary
