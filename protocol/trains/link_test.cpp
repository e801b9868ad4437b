// The link layer (link.hpp): loss, duplication, reordering, fifo and non-fifo delivery.
#include "protocol/trains/link.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "protocol/trains/messages.hpp"

namespace ry::trains {
namespace {

using Fx = Effects<Message>;
constexpr NodeId a{0};
constexpr NodeId b{1};
constexpr Nanos rto = 100;

Message train(std::uint64_t clock) {
  Train t;
  t.clock = clock;
  return Message{t};
}

struct Pair {
  explicit Pair(bool fifo) : sender(2, rto, fifo, 1000), receiver(2, rto, fifo, 1000) {}
  Links<Message> sender;
  Links<Message> receiver;
  std::vector<std::uint64_t> got;  // clocks handed to the protocol at b

  void sender_ack(const LinkAck& ack) {
    Fx fx;
    sender.on_ack(b, ack, fx);
  }

  // Delivers one data message at b and returns b's ack.
  LinkAck arrive(const Message& m) {
    Fx fx;
    receiver.receive(a, m, fx, [&](Message&& x) { got.push_back(std::get<Train>(x).clock); });
    EXPECT_EQ(fx.sends.size(), 1U);
    return std::get<LinkAck>(fx.sends.at(0).message);
  }
};

// Sends clocks 1..n from a to b and returns the messages as put on the wire.
std::vector<Message> send_all(Pair& p, int n, Fx& fx) {
  for (int i = 1; i <= n; ++i) p.sender.send(b, train(static_cast<std::uint64_t>(i)), Time{0}, fx);
  std::vector<Message> wire;
  for (auto& s : fx.sends) wire.push_back(s.message);
  return wire;
}

// A node of a large ring talks to a few peers: its links cost memory for those only (an entry
// per configured peer made 10,000 nodes need 80 GB). Peers never used read as fresh ones, and
// the digest does not depend on which have an entry.
TEST(TrainsLink, MemoryFollowsThePeersUsedNotTheClusterSize) {
  constexpr std::uint32_t nodes = 100'000;
  Links<Message> big(nodes, rto, true, 1000);
  Links<Message> other(nodes, rto, true, 1000);
  EXPECT_EQ(big.peers_in_use(), 0U);
  EXPECT_EQ(big.digest(7), other.digest(7));
  Fx fx;
  big.send(NodeId{nodes - 1}, train(1), Time{0}, fx);
  EXPECT_EQ(big.peers_in_use(), 1U);
  EXPECT_EQ(big.unacked(NodeId{nodes - 1}), 1U);
  EXPECT_EQ(big.unacked(NodeId{5}), 0U);  // a query makes no entry
  EXPECT_EQ(big.early(NodeId{5}), 0U);
  EXPECT_EQ(big.peers_in_use(), 1U);
  EXPECT_NE(big.digest(7), other.digest(7));
}

TEST(TrainsLink, FailureFreeHopCostsOneMessageAndOneAck) {
  Pair p(true);
  Fx fx;
  const auto wire = send_all(p, 1, fx);
  ASSERT_EQ(wire.size(), 1U);
  EXPECT_EQ(std::get<Train>(wire[0]).link.lseq, 1U);
  ASSERT_EQ(fx.timers_set.size(), 1U);  // armed once
  EXPECT_EQ(fx.timers_set[0].id, p.sender.timer_of(b));
  const LinkAck ack = p.arrive(wire[0]);
  EXPECT_EQ(ack, (LinkAck{1, 1}));
  p.sender_ack(ack);
  EXPECT_EQ(p.sender.unacked(b), 0U);
  Fx timer_fx;  // the lazy timer fires with nothing to do and is not re-armed
  EXPECT_TRUE(p.sender.on_timer(p.sender.timer_of(b), Time{rto}, timer_fx));
  EXPECT_TRUE(timer_fx.sends.empty());
  EXPECT_TRUE(timer_fx.timers_set.empty());
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{1}));
}

TEST(TrainsLink, LossIsRepairedByRetransmission) {
  Pair p(true);
  Fx fx;
  const auto wire = send_all(p, 3, fx);
  p.sender_ack(p.arrive(wire[0]));
  // wire[1] is lost; wire[2] arrives early and is buffered (fifo).
  p.sender_ack(p.arrive(wire[2]));
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(p.receiver.early(a), 1U);
  EXPECT_EQ(p.sender.unacked(b), 1U);  // the selective part of the ack covered lseq 3
  Fx early_fx;
  EXPECT_TRUE(p.sender.on_timer(p.sender.timer_of(b), Time{rto - 1}, early_fx));
  EXPECT_TRUE(early_fx.sends.empty());  // not yet due
  EXPECT_EQ(early_fx.timers_set.size(), 1U);
  Fx timer_fx;
  p.sender.on_timer(p.sender.timer_of(b), Time{rto}, timer_fx);
  ASSERT_EQ(timer_fx.sends.size(), 1U);
  p.sender_ack(p.arrive(timer_fx.sends[0].message));
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(p.sender.unacked(b), 0U);
  EXPECT_EQ(p.receiver.early(a), 0U);
}

TEST(TrainsLink, LostAckCausesADuplicateThatIsFiltered) {
  Pair p(true);
  Fx fx;
  const auto wire = send_all(p, 1, fx);
  p.arrive(wire[0]);  // the ack is lost
  Fx timer_fx;
  p.sender.on_timer(p.sender.timer_of(b), Time{rto}, timer_fx);
  ASSERT_EQ(timer_fx.sends.size(), 1U);
  const LinkAck ack = p.arrive(timer_fx.sends[0].message);  // duplicate: acked again, not handed
  EXPECT_EQ(ack, (LinkAck{1, 1}));
  p.sender_ack(ack);
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(p.sender.unacked(b), 0U);
}

TEST(TrainsLink, FifoReordersIntoSendOrder) {
  Pair p(true);
  Fx fx;
  const auto wire = send_all(p, 4, fx);
  for (int i : {3, 1, 0, 2, 3, 1}) p.sender_ack(p.arrive(wire[static_cast<std::size_t>(i)]));
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(p.sender.unacked(b), 0U);
}

TEST(TrainsLink, NonFifoDeliversOnceInArrivalOrder) {
  Pair p(false);
  Fx fx;
  const auto wire = send_all(p, 4, fx);
  for (int i : {3, 1, 3, 0, 2, 1, 0}) {
    p.sender_ack(p.arrive(wire[static_cast<std::size_t>(i)]));
  }
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{4, 2, 1, 3}));
  EXPECT_EQ(p.receiver.early(a), 0U);  // the window closed again
  EXPECT_EQ(p.sender.unacked(b), 0U);
}

TEST(TrainsLink, UnknownTimerIsNotALinkTimer) {
  Pair p(true);
  Fx fx;
  EXPECT_FALSE(p.sender.on_timer(TimerId{1}, Time{0}, fx));
  EXPECT_FALSE(p.sender.on_timer(TimerId{1002}, Time{0}, fx));
}

// Sessions: the receiver restarts (a new incarnation with fresh links). The sender's next message
// is addressed to the old incarnation: it is not handed over, the answer names the new one, and the
// sender renumbers what it has unacked from lseq 1, which then arrives in order.
TEST(TrainsLink, ARestartedReceiverGetsWhatIsUnackedRenumbered) {
  Pair p(true);
  Fx fx;
  const auto first = send_all(p, 2, fx);
  p.sender_ack(p.arrive(first[0]));  // clock 1 arrives at incarnation 0; clock 2 is lost
  p.receiver = Links<Message>(2, rto, true, 1000, /*incarnation=*/1);
  p.got.clear();
  Fx fx2;
  p.sender.send(b, train(3), Time{0}, fx2);
  const LinkAck reset = p.arrive(fx2.sends.at(0).message);
  EXPECT_TRUE(p.got.empty());
  EXPECT_EQ(reset.from_inc, 1U);
  Fx resend;
  p.sender.on_ack(b, reset, resend);
  ASSERT_EQ(resend.sends.size(), 2U);  // clocks 2 and 3, now lseq 1 and 2
  for (const auto& s : resend.sends) p.sender_ack(p.arrive(s.message));
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(p.sender.unacked(b), 0U);
}

// A restarted sender counts from lseq 1 again: the receiver starts a new session with it instead
// of taking the new messages for duplicates of the old ones.
TEST(TrainsLink, ARestartedSenderStartsANewSession) {
  Pair p(true);
  Fx fx;
  for (const auto& m : send_all(p, 3, fx)) p.sender_ack(p.arrive(m));
  p.sender = Links<Message>(2, rto, true, 1000, /*incarnation=*/1);
  p.got.clear();
  Fx fx2;
  p.sender.send(b, train(9), Time{0}, fx2);
  p.sender_ack(p.arrive(fx2.sends.at(0).message));
  EXPECT_EQ(p.got, (std::vector<std::uint64_t>{9}));
}

}  // namespace
}  // namespace ry::trains
