// Unit tests of a TRAINS core's durable state (persist.cpp): what it writes, what a restart
// takes back from its disk, and the state transfer it refuses. The World tests in
// tools/protocols/trains/view_change_world_test.cpp (TrainsDurable) run the same under crashes.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/common/log_digest.hpp"
#include "protocol/trains/core.hpp"
#include "protocol/trains/durable.hpp"

namespace ry::trains {
namespace {

using Fx = Core::Fx;
using Records = std::vector<std::string>;

Config membership_config() {
  Config config;
  config.nodes = 5;
  config.trains = 2;  // nodes 0 and 1 issue
  return config;
}

std::uint64_t notes(const Fx& fx, std::string_view kind) {
  std::uint64_t n = 0;
  for (const Note& note : fx.notes) n += std::string_view(note.kind) == kind ? 1U : 0U;
  return n;
}

const Note* find_note(const Fx& fx, std::string_view kind) {
  for (const Note& note : fx.notes) {
    if (std::string_view(note.kind) == kind) return &note;
  }
  return nullptr;
}

// The log 1..n of a node that delivered (0, 1), (0, 2), ... with digest = seq.
std::uint64_t digest_of(std::uint64_t n) {
  std::uint64_t d = log_digest_empty;
  for (std::uint64_t p = 1; p <= n; ++p) d = log_digest(d, Delivery{MsgId{NodeId{0}, p}, p});
  return d;
}
Records log_records(std::uint64_t n) {
  Records out;
  for (std::uint64_t p = 1; p <= n; ++p) {
    out.push_back(encode(DeliveredRecord{p, MsgId{NodeId{0}, p}, p}));
  }
  return out;
}

struct Restarted {
  Core core;
  Fx start;
};

Restarted restart(std::uint32_t self, Records records) {
  Restarted r{Core(membership_config(), NodeId{self}, 0, Recovery{std::move(records), 1}), {}};
  r.core.on_start(Time{0}, r.start);
  return r;
}

// An Install that admits node `self` (incarnation 1) into view 1 with a snapshot at `position`.
Install admission(std::uint32_t self, std::uint64_t position, std::uint64_t digest) {
  Install install;
  install.base = ViewId{0};
  install.proposal.view = ViewId{1};
  for (std::uint32_t n = 0; n < 5; ++n) install.proposal.members.push_back(NodeId{n});
  install.proposal.joiners = {NodeId{self}};
  install.proposal.joiner_incarnations = {1};
  install.proposal.plan.boundary = {0, 0};
  install.snapshot = Snapshot{position, digest, SeqFilter{}, NodeId{0}, {}, {}};
  return install;
}

TEST(TrainsPersist, FirstStartWritesAnIssuersReservationAndTheViewInOneRewrite) {
  Core issuer(membership_config(), NodeId{0}, 0, Recovery{});
  Fx fx;
  issuer.on_start(Time{0}, fx);
  EXPECT_TRUE(fx.disk_rewrite);
  // Its first train waited for a reservation of the next clocks, synced.
  const Recovered disk = recover(fx.disk_appends);
  ASSERT_TRUE(disk.reserved.has_value());
  EXPECT_GE(*disk.reserved, 1U);
  ASSERT_TRUE(disk.view.has_value());
  EXPECT_EQ(disk.view->id, ViewId{0});
  EXPECT_EQ(disk.position(), 0U);
  EXPECT_TRUE(fx.disk_sync);

  Core member(membership_config(), NodeId{3}, 0, Recovery{});
  Fx fx3;
  member.on_start(Time{0}, fx3);
  EXPECT_FALSE(recover(fx3.disk_appends).reserved.has_value()) << "only issuers reserve";
  EXPECT_FALSE(fx3.disk_sync) << "nothing waits: the flush syncs it";
}

TEST(TrainsPersist, RestartTakesBackItsLogAndRewritesWhatItKept) {
  Records records = log_records(5);
  records.insert(records.begin(), encode(ViewRecord{ViewId{2}, {NodeId{2}, NodeId{3}}}));
  records.push_back("torn");  // the last write, torn by the crash
  Restarted r = restart(3, records);
  EXPECT_EQ(r.core.delivered_count(), 5U);
  EXPECT_EQ(r.core.log_digest(), digest_of(5));
  EXPECT_TRUE(r.core.excluded());
  EXPECT_FALSE(r.core.clock_lost());
  const Note* log = find_note(r.start, "recovered_log");
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->a, 5);
  EXPECT_EQ(log->b, 2);  // the view it had installed
  const Note* read = find_note(r.start, "recovered");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->b, 7);  // records read
  EXPECT_EQ(read->c, 6);  // verified
  // The torn record is gone from the rewritten disk; the log is kept as a snapshot.
  EXPECT_TRUE(r.start.disk_rewrite);
  const Recovered rewritten = recover(r.start.disk_appends);
  EXPECT_EQ(rewritten.dropped.unverified, 0U);
  EXPECT_EQ(rewritten.position(), 5U);
  EXPECT_EQ(rewritten.log_digest, digest_of(5));
}

TEST(TrainsPersist, AnIssuersDiskWithoutAVerifiedReservationHasLostItsClock) {
  Records records = log_records(3);
  records.push_back("a reservation, corrupted");
  EXPECT_TRUE(restart(1, records).core.clock_lost());
  Restarted lost = restart(1, records);
  EXPECT_EQ(notes(lost.start, "clock_lost"), 1U);
  EXPECT_TRUE(lost.start.disk_appends.empty()) << "a lost clock must stay lost at the next restart";
  // A member that is not an issuer never reserves: its disk has nothing to lose.
  EXPECT_FALSE(restart(3, records).core.clock_lost());
  // An issuer's empty disk: it never created a train.
  EXPECT_FALSE(restart(1, {}).core.clock_lost());
  records.push_back(encode(ReservationRecord{128}));
  Restarted kept = restart(1, records);
  EXPECT_FALSE(kept.core.clock_lost());
  EXPECT_EQ(kept.core.issued(), 128U);
}

TEST(TrainsPersist, AStateTransferNeverTakesTheLogBackwards) {
  for (const std::uint64_t position : {4U, 5U, 6U}) {
    Restarted r = restart(3, log_records(5));
    Fx fx;
    r.core.on_message(NodeId{0}, Message{admission(3, position, digest_of(position))}, Time{1}, fx);
    if (position < 5) {
      EXPECT_EQ(notes(fx, "snapshot_refused"), 1U) << position;
      EXPECT_FALSE(fx.transfer.has_value()) << position;
      EXPECT_TRUE(r.core.excluded()) << position;
      EXPECT_EQ(r.core.delivered_count(), 5U) << position;
    } else {
      ASSERT_TRUE(fx.transfer.has_value()) << position;
      EXPECT_EQ(fx.transfer->position, position) << position;
      EXPECT_FALSE(r.core.excluded()) << position;
      EXPECT_EQ(r.core.delivered_count(), position) << position;
      // The transfer replaces the disk's log too.
      EXPECT_TRUE(fx.disk_rewrite);
      EXPECT_EQ(recover(fx.disk_appends).position(), position);
    }
  }
  // Same length, other content: refused as well.
  Restarted r = restart(3, log_records(5));
  Fx fx;
  r.core.on_message(NodeId{0}, Message{admission(3, 5, digest_of(4))}, Time{1}, fx);
  EXPECT_EQ(notes(fx, "snapshot_refused"), 1U);
  EXPECT_TRUE(r.core.excluded());
}

bool sets_flush(const Fx& fx) {
  for (const TimerSet& t : fx.timers_set) {
    if (t.id == Core::flush_timer) return true;
  }
  return false;
}

// Writes are synced by a flush in a step of its own (no send waits for it), set when something
// is written and not before; compaction is exercised in the World (TrainsDurable).
TEST(TrainsPersist, WritesAreSyncedByAFlushThatHoldsNoSend) {
  Restarted r = restart(2, log_records(3));
  EXPECT_TRUE(sets_flush(r.start));  // the rewrite of what it recovered
  Fx flush;
  r.core.on_timer(Core::flush_timer, Time{Core::flush_delay}, flush);
  EXPECT_TRUE(flush.disk_sync);
  EXPECT_TRUE(flush.sends.empty());
  Fx admitted;
  r.core.on_message(NodeId{0}, Message{admission(2, 3, digest_of(3))}, Time{Core::flush_delay + 1},
                    admitted);
  ASSERT_FALSE(r.core.excluded());
  EXPECT_TRUE(sets_flush(admitted));  // the transfer's rewrite
  Fx again;
  r.core.on_timer(Core::flush_timer, Time{2 * Core::flush_delay + 1}, again);
  EXPECT_TRUE(again.disk_sync);
  Fx idle;
  r.core.on_timer(Core::flush_timer, Time{3 * Core::flush_delay + 1}, idle);
  EXPECT_FALSE(idle.disk_sync) << "nothing new to sync";
}

// The state transfer carries which incarnations the views admitted. Node 3's incarnation 2 was
// admitted in view 1; node 2 restarted after that and joins view 2. A Join of node 3's
// incarnation 2 still in flight must not make node 2 admit it once more (it would take a second
// state transfer in the middle of its membership): node 2 resends it the Install it missed.
TEST(TrainsPersist, AStateTransferCarriesTheAdmittedIncarnations) {
  Restarted r = restart(2, {});
  Install install = admission(2, 0, log_digest_empty);
  install.base = ViewId{1};
  install.proposal.view = ViewId{2};
  install.snapshot->admitted = {0, 0, 0, 2, 0};
  Fx fx;
  r.core.on_message(NodeId{0}, Message{install}, Time{1}, fx);
  ASSERT_FALSE(r.core.excluded());
  Fx join;
  r.core.on_message(NodeId{3}, Message{Join{ViewId{1}, 0, 2, true}}, Time{2}, join);
  ASSERT_EQ(join.sends.size(), 1U);
  EXPECT_EQ(join.sends[0].to, NodeId{3});
  EXPECT_TRUE(std::holds_alternative<Install>(join.sends[0].message));
}

}  // namespace
}  // namespace ry::trains
