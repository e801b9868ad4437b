// Differential test (protocol/trains/reference.hpp): the optimised Core and the naive Reference get
// the same per-node input streams, and their outputs (trains forwarded, deliveries, clock-gap
// hints, client replies) are compared after every step. Two generators:
//   - ring: a whole ring of N nodes in random order (random hop order, fifo or not, staggered
//     issuer starts, random and duplicate broadcasts, small byte bounds), each node running both
//     implementations on the same input; the Core's link layer is driven faithfully (its acks go
//     straight back to the sender's Core);
//   - virtual ring: one node under test, fed plausible trains of every issuer (its own included,
//     as it sent them) with random payloads from other nodes, random interleavings across
//     issuers, and issuers whose first train seen has clock > 1 or that skip a clock.
// Planted bugs B4 and B5 are switched on in the Core only, and the test reports how many
// generated streams it took to find a divergence.
#include <gtest/gtest.h>

#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/common/prng.hpp"
#include "protocol/trains/core.hpp"
#include "protocol/trains/reference.hpp"

namespace ry::trains {
namespace {

using Fx = Effects<Message>;

Train strip(Train t) {
  t.link = LinkHeader{};
  return t;
}

std::string key_text(const Train& t) {
  std::ostringstream s;
  s << "(" << t.clock << "," << t.issuer.value << ")" << (t.closed ? " closed" : " open")
    << " holders=" << t.holders << " payloads=" << t.payloads.size();
  return s.str();
}

// Coverage probes: what the agreeing streams exercised (so a generator that never reaches
// delivery cannot pass silently).
struct Coverage {
  std::uint64_t deliveries = 0;
  std::uint64_t gaps = 0;
  std::uint64_t closed_forwards = 0;
  std::uint64_t own_trains = 0;
  std::uint64_t rejected = 0;
};
Coverage coverage;  // NOLINT: test-only tally

// Compares one step's outputs; returns a description of the first difference.
std::optional<std::string> compare(const Fx& fx, const ReferenceOutput& ref) {
  coverage.deliveries += ref.deliveries.size();
  coverage.gaps += ref.clock_gaps.size();
  for (const auto& t : ref.forwarded) {
    coverage.closed_forwards += t.closed ? 1 : 0;
  }
  for (const auto& r : ref.replies) coverage.rejected += r.status == ReplyStatus::rejected;
  std::vector<Train> trains;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> gaps;
  for (const auto& send : fx.sends) {
    if (const auto* t = std::get_if<Train>(&send.message)) trains.push_back(strip(*t));
  }
  for (const auto& note : fx.notes) {
    if (std::string_view(note.kind) == "clock_gap") {
      gaps.emplace_back(static_cast<std::uint32_t>(note.a), static_cast<std::uint64_t>(note.b));
    }
  }
  if (trains.size() != ref.forwarded.size()) {
    return "forwarded " + std::to_string(trains.size()) + " trains vs reference " +
           std::to_string(ref.forwarded.size());
  }
  for (std::size_t i = 0; i < trains.size(); ++i) {
    if (!(trains[i] == ref.forwarded[i])) {
      return "forwarded " + key_text(trains[i]) + " vs reference " + key_text(ref.forwarded[i]);
    }
  }
  if (fx.deliveries.size() != ref.deliveries.size()) {
    return "delivered " + std::to_string(fx.deliveries.size()) + " vs reference " +
           std::to_string(ref.deliveries.size());
  }
  for (std::size_t i = 0; i < fx.deliveries.size(); ++i) {
    const auto& a = fx.deliveries[i];
    const auto& b = ref.deliveries[i];
    if (a.id != b.id || a.digest != b.digest) return "delivery " + std::to_string(i) + " differs";
  }
  if (gaps != ref.clock_gaps) {
    return "clock-gap hints: " + std::to_string(gaps.size()) + " vs reference " +
           std::to_string(ref.clock_gaps.size());
  }
  if (fx.replies.size() != ref.replies.size()) return "reply count differs";
  for (std::size_t i = 0; i < fx.replies.size(); ++i) {
    if (fx.replies[i].id != ref.replies[i].id || fx.replies[i].status != ref.replies[i].status) {
      return "reply to broadcast differs (accepted vs rejected)";
    }
  }
  return std::nullopt;
}

ClientRequest random_request(Prng& rng, std::uint32_t nodes) {
  ClientRequest r;
  r.id = RequestId{ClientId{static_cast<std::uint32_t>(rng.below(nodes))}, rng.below(12)};
  r.data = std::string(rng.below(7), static_cast<char>('a' + rng.below(26)));
  return r;
}

Config random_config(Prng& rng, BugSet bugs) {
  Config config;
  config.nodes = static_cast<std::uint32_t>(2 + rng.below(4));
  config.trains = static_cast<std::uint32_t>(1 + rng.below(config.nodes));
  config.mode = rng.below(2) == 0 ? Config::Mode::uto : Config::Mode::to;
  config.train_bytes_max = 6 + rng.below(20);
  config.link_fifo = rng.below(2) == 0;
  config.bugs = bugs;
  // The reference has no membership (protocol/trains/reference.hpp): no failure detector, no clock
  // reservation.
  config.heartbeat_ns = 0;
  for (std::uint32_t q = 0; q < config.trains; ++q) {
    config.issuer_start_ns.push_back(rng.below(3) == 0 ? 1 : 0);  // 1: started later by timer
  }
  return config;
}

// --- generator 1: a whole ring, random hop order ---------------------------------------------

struct RingNode {
  Core core;
  Reference ref;
  std::vector<Message> inbox;  // from the predecessor, in send order
};

std::optional<std::string> run_ring_stream(std::uint64_t seed, BugSet bugs, int actions) {
  Prng rng(seed);
  const Config config = random_config(rng, bugs);
  std::vector<RingNode> nodes;
  for (std::uint32_t n = 0; n < config.nodes; ++n) {
    nodes.push_back(
        RingNode{Core(config, NodeId{n}, n, Recovery{}), Reference(config, NodeId{n}), {}});
  }
  std::vector<bool> started(config.trains, false);
  const auto successor = [&](std::uint32_t n) { return (n + 1) % config.nodes; };

  // Routes a step's sends (acks straight back to the sender's Core) and compares outputs.
  const auto settle = [&](std::uint32_t n, Fx& fx,
                          const ReferenceOutput& ref) -> std::optional<std::string> {
    if (auto diff = compare(fx, ref)) return "node " + std::to_string(n) + ": " + *diff;
    for (auto& send : fx.sends) {
      if (const auto* ack = std::get_if<LinkAck>(&send.message)) {
        Fx ack_fx;
        nodes[send.to.value].core.on_message(NodeId{n}, Message{*ack}, Time{0}, ack_fx);
        EXPECT_TRUE(ack_fx.sends.empty());
        continue;
      }
      EXPECT_EQ(send.to.value, successor(n));
      nodes[send.to.value].inbox.push_back(std::move(send.message));
    }
    return std::nullopt;
  };

  for (std::uint32_t n = 0; n < config.nodes; ++n) {
    Fx fx;
    ReferenceOutput ref;
    nodes[n].core.on_start(Time{0}, fx);
    if (n < config.trains && config.issuer_start(n) == 0) {
      nodes[n].ref.start_issuer(ref);
      started[n] = true;
    }
    fx.timers_set.clear();
    if (auto diff = settle(n, fx, ref)) return diff;
  }

  for (int step = 0; step < actions; ++step) {
    const std::uint64_t pick = rng.below(100);
    Fx fx;
    ReferenceOutput ref;
    const auto n = static_cast<std::uint32_t>(rng.below(config.nodes));
    if (pick < 20) {
      const ClientRequest request = random_request(rng, config.nodes);
      nodes[n].core.on_client(request, Time{0}, fx);
      nodes[n].ref.broadcast(request, ref);
    } else if (pick < 25) {
      if (n >= config.trains || started[n]) continue;
      started[n] = true;
      nodes[n].core.on_timer(Core::issuer_start_timer, Time{0}, fx);
      nodes[n].ref.start_issuer(ref);
    } else {
      auto& inbox = nodes[n].inbox;
      if (inbox.empty()) continue;
      const std::size_t i = config.link_fifo ? 0 : rng.below(inbox.size());
      Message m = std::move(inbox[i]);
      inbox.erase(inbox.begin() + static_cast<std::ptrdiff_t>(i));
      const std::uint32_t pred = (n + config.nodes - 1) % config.nodes;
      nodes[n].ref.on_train(std::get<Train>(m), ref);
      nodes[n].core.on_message(NodeId{pred}, std::move(m), Time{0}, fx);
    }
    if (auto diff = settle(n, fx, ref)) return "step " + std::to_string(step) + ", " + *diff;
  }
  return std::nullopt;
}

// --- generator 2: one node in a virtual ring ----------------------------------------------------

class VirtualRing {
 public:
  VirtualRing(std::uint64_t seed, BugSet bugs) : rng_(seed) {
    config_ = random_config(rng_, bugs);
    config_.link_fifo = true;
    me_ = static_cast<std::uint32_t>(rng_.below(config_.nodes));
    core_.emplace(config_, NodeId{me_}, 0, Recovery{});
    ref_.emplace(config_, NodeId{me_});
    slots_.resize(config_.trains);
  }

  std::optional<std::string> run(int actions) {
    Fx fx;
    ReferenceOutput ref;
    core_->on_start(Time{0}, fx);
    if (is_issuer() && config_.issuer_start(me_) == 0) {
      ref_->start_issuer(ref);
      started_ = true;
    }
    if (auto diff = settle(fx, ref)) return diff;
    for (int step = 0; step < actions; ++step) {
      if (auto diff = act()) return "step " + std::to_string(step) + ": " + *diff;
    }
    return std::nullopt;
  }

 private:
  struct SlotGen {
    std::uint64_t clock = 0;      // last clock created
    std::uint64_t completed = 0;  // last clock whose propagation lap ended (stable)
    std::optional<Train> next;    // what arrives at the node under test next, if anything
    bool last_visit = false;      // `next` is the train's last visit here
  };

  bool is_issuer() const { return me_ < config_.trains; }
  std::uint32_t dist(std::uint32_t from, std::uint32_t to) const {
    return (to + config_.nodes - from) % config_.nodes;
  }

  void add_payloads(Train& t) {
    std::vector<Payload> more;
    const std::uint64_t count = rng_.below(3);
    for (std::uint64_t i = 0; i < count; ++i) {
      const ClientRequest r = random_request(rng_, config_.nodes);
      if (t.bytes + r.data.size() > config_.train_bytes_max) break;
      t.bytes += r.data.size();
      more.push_back(Payload{NodeId{r.id.client.value}, r.id.seq, r.data});
    }
    t.payloads.append(std::move(more));
  }
  // Acks of the members from `from` up to (not including) `to`, walking the ring.
  void ack_range(Train& t, std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t n = from; n != to; n = (n + 1) % config_.nodes) t.acks.insert(NodeId{n});
  }

  // A fresh train of another issuer q, as it reaches the node under test on lap 1.
  Train fresh_train(std::uint32_t q) {
    SlotGen& s = slots_[q];
    std::uint64_t step = 1;
    if (rng_.below(s.clock == 0 ? 4 : 10) == 0) step += 1 + rng_.below(2);  // a clock gap
    s.clock += step;
    Train t;
    t.issuer = NodeId{q};
    t.clock = s.clock;
    t.stable_clock = s.completed;
    ack_range(t, q, me_);
    add_payloads(t);
    return t;
  }

  // What the rest of the ring does with a train the node under test forwarded.
  void after_forward(const Train& f) {
    SlotGen& s = slots_[f.issuer.value];
    const std::uint32_t q = f.issuer.value;
    Train t = f;
    if (!t.closed) {
      // The others ack (and load) up to the issuer's predecessor, which closes it; then it
      // travels from the issuer back here, each node becoming a holder.
      ack_range(t, (me_ + 1) % config_.nodes, q);
      add_payloads(t);
      t.closed = true;
      t.holders = 1 + (q == me_ ? 0 : dist(q, me_));
      s.last_visit = q != me_;  // an issuer sees its own train once more after this
      s.next = t;
      return;
    }
    if (q == me_) {  // the issuer's first return; the propagation lap brings it back to all
      t.holders = config_.nodes;
      s.last_visit = true;
      s.next = t;
      return;
    }
    if (f.holders == 1) {  // the node under test closed it: it comes back after a full lap
      t.holders = config_.nodes;
      s.last_visit = true;
      s.next = t;
      return;
    }
    // Lap 2 done here: the issuer recycles out of sight.
    s.completed = t.clock;
    s.next.reset();
  }

  std::optional<std::string> settle(Fx& fx, const ReferenceOutput& ref) {
    if (auto diff = compare(fx, ref)) return diff;
    for (auto& send : fx.sends) {
      if (const auto* t = std::get_if<Train>(&send.message)) after_forward(strip(*t));
    }
    return std::nullopt;
  }

  std::optional<std::string> act() {
    Fx fx;
    ReferenceOutput ref;
    const std::uint64_t pick = rng_.below(100);
    if (pick < 25) {
      const ClientRequest request = random_request(rng_, config_.nodes);
      core_->on_client(request, Time{0}, fx);
      ref_->broadcast(request, ref);
      return settle(fx, ref);
    }
    if (pick < 30 && is_issuer() && !started_) {
      started_ = true;
      core_->on_timer(Core::issuer_start_timer, Time{0}, fx);
      ref_->start_issuer(ref);
      return settle(fx, ref);
    }
    const auto q = static_cast<std::uint32_t>(rng_.below(config_.trains));
    SlotGen& s = slots_[q];
    Train t;
    if (s.next) {
      t = *s.next;
      if (s.last_visit && q != me_) {
        s.completed = t.clock;  // after this visit it is recycled out of sight
      }
      s.next.reset();
    } else if (q != me_) {
      t = fresh_train(q);
    } else {
      return std::nullopt;  // our own train is not back yet
    }
    if (q == me_) ++coverage.own_trains;
    t.link.lseq = ++lseq_;
    ref_->on_train(t, ref);
    core_->on_message(NodeId{(me_ + config_.nodes - 1) % config_.nodes}, Message{t}, Time{0}, fx);
    // A non-issuer's last visit forwards the train out of sight: do not follow it.
    const bool follow = !(t.closed && t.holders == config_.nodes && q != me_);
    if (!follow) {
      if (auto diff = compare(fx, ref)) return diff;
      for (auto& send : fx.sends) {
        if (const auto* f = std::get_if<Train>(&send.message); f && f->issuer.value != q) {
          after_forward(strip(*f));
        }
      }
      slots_[q].completed = t.clock;
      return std::nullopt;
    }
    return settle(fx, ref);
  }

  Prng rng_;
  Config config_;
  std::uint32_t me_ = 0;
  std::optional<Core> core_;
  std::optional<Reference> ref_;
  std::vector<SlotGen> slots_;
  bool started_ = false;
  std::uint64_t lseq_ = 0;
};

std::optional<std::string> run_virtual_stream(std::uint64_t seed, BugSet bugs, int actions) {
  return VirtualRing(seed, bugs).run(actions);
}

// --- tests --------------------------------------------------------------------------------

using Runner = std::optional<std::string> (*)(std::uint64_t, BugSet, int);

// Runs both generators alternately until a divergence; returns the number of streams it took.
std::optional<std::uint64_t> streams_to_divergence(BugSet bugs, std::uint64_t limit,
                                                   std::string* what) {
  const Runner runners[] = {run_ring_stream, run_virtual_stream};
  for (std::uint64_t i = 0; i < limit; ++i) {
    if (auto diff = runners[i % 2](0x7e57'0000 + i, bugs, 300)) {
      *what = (i % 2 == 0 ? "ring stream: " : "virtual-ring stream: ") + *diff;
      return i + 1;
    }
  }
  return std::nullopt;
}

void expect_agreement(Runner runner, const char* name) {
  coverage = Coverage{};
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const auto diff = runner(seed, BugSet{}, 400);
    ASSERT_FALSE(diff.has_value()) << "seed " << seed << ": " << *diff;
  }
  std::cout << name << ": 400 streams agree; deliveries " << coverage.deliveries
            << ", clock-gap hints " << coverage.gaps << ", closed trains forwarded "
            << coverage.closed_forwards << ", own trains returned " << coverage.own_trains
            << ", broadcasts rejected " << coverage.rejected << "\n";
  EXPECT_GT(coverage.deliveries, 1000U);
  EXPECT_GT(coverage.closed_forwards, 1000U);
  EXPECT_GT(coverage.rejected, 100U);
}

TEST(TrainsDifferential, CoreAgreesWithReferenceOnRingStreams) {
  expect_agreement(run_ring_stream, "ring");
}

TEST(TrainsDifferential, CoreAgreesWithReferenceOnVirtualRingStreams) {
  expect_agreement(run_virtual_stream, "virtual ring");
  EXPECT_GT(coverage.gaps, 100U);
  EXPECT_GT(coverage.own_trains, 100U);
}

TEST(TrainsDifferential, CatchesB4) {
  BugSet bugs;
  bugs.add(Bug::B4);
  std::string what;
  const auto streams = streams_to_divergence(bugs, 1000, &what);
  ASSERT_TRUE(streams.has_value()) << "B4 not caught";
  std::cout << "B4 caught after " << *streams << " generated streams: " << what << "\n";
  RecordProperty("b4_streams", static_cast<int>(*streams));
}

TEST(TrainsDifferential, CatchesB5) {
  BugSet bugs;
  bugs.add(Bug::B5);
  std::string what;
  const auto streams = streams_to_divergence(bugs, 1000, &what);
  ASSERT_TRUE(streams.has_value()) << "B5 not caught";
  std::cout << "B5 caught after " << *streams << " generated streams: " << what << "\n";
  RecordProperty("b5_streams", static_cast<int>(*streams));
}

}  // namespace
}  // namespace ry::trains
