// A TRAINS node's durable state (README.md section 6; the records and recovery rules are in
// durable.hpp): what the core writes to its disk, when it syncs, and what a restart takes back.
//
// Writes are batched: a delivery appends its record and the disk is synced by a flush at most
// `flush_delay` later, in a step of its own, so that no train waits on the disk for a delivery's
// sake. A crash can therefore lose the last deliveries' records; the restarted node's log is then
// shorter than what it delivered, which is safe: it delivers nothing again until a state transfer
// moves its log to the donor's position, which covers everything any node delivered (uniform
// agreement), and it refuses a transfer that would take its log backwards. Only the clock
// reservation is synced before anything depends on it (clock_reservation.hpp); the flush
// reserves the next chunk ahead, so that in steady state no train waits for it.
//
// Compaction keeps the disk bounded: after `compact_after` appended records the disk is rewritten
// as the reservation (twice), the view and a snapshot of the log (position, digest). A rewrite is
// all or nothing in the disk model (lost unless synced), so the previous content stays valid
// until the new one is durable.
#include <utility>

#include "protocol/trains/clock_reservation.hpp"
#include "protocol/trains/core.hpp"

namespace ry::trains {

namespace {
std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
}  // namespace

// Restart (README.md section 5, "Rejoin", step 1). The clock reservation says where this issuer's
// slot may continue. An issuer writes one (with clock 0) in the very first rewrite of its disk, and
// every rewrite carries it, so an issuer's non-empty disk without a verified reservation has lost
// it: that issuer must never issue, so it never rejoins. An empty disk means it never created a
// train. The log recovered is this incarnation's log until a state transfer replaces it.
void Core::recover_disk(const Recovery& recovery) {
  const Recovered found = recover(recovery.records);
  records_read_ = found.records;
  records_valid_ = found.verified();
  if (found.reserved) {
    reserved_ = issued_ = reservation_written_ = *found.reserved;
    if (is_issuer()) slots_[self_.value].seen = issued_;
  } else if (is_issuer() && found.records > 0) {
    clock_lost_ = true;
  }
  delivered_count_ = found.position();
  log_digest_ = found.log_digest;
  durable_view_ = found.view;
  log_dropped_ = found.dropped.out_of_order + found.dropped.after_truncation;
}

void Core::note_recovery(Fx& fx) const {
  fx.note("recovered", clock_lost_ ? -1 : i64(reserved_), i64(records_read_), i64(records_valid_));
  fx.note("recovered_log", i64(delivered_count_), durable_view_ ? i64(durable_view_->id.value) : -1,
          i64(log_dropped_));
  if (clock_lost_) fx.note("clock_lost", self_.value);
}

bool Core::persisting() const noexcept { return membership_on() && !clock_lost_; }

void Core::persist(const Record& record, Fx& fx) {
  if (!persisting()) return;
  fx.disk_appends.push_back(encode(record));
  if (++appended_ >= compact_after) {
    compact(fx);
    return;
  }
  schedule_flush(fx);
}

// Replaces what this step appended too: the rewrite is applied before the step's appends, and
// the snapshot already covers them (durable.hpp: a delivered record behind a snapshot would
// truncate the log at recovery).
void Core::compact(Fx& fx) {
  if (!persisting()) return;
  fx.disk_appends.clear();
  fx.disk_rewrite = true;
  appended_ = 0;
  if (is_issuer()) {
    fx.disk_appends.push_back(encode(ReservationRecord{reservation_written_}));
    fx.disk_appends.push_back(encode(ReservationRecord{reservation_written_}));
  }
  if (durable_view_) fx.disk_appends.push_back(encode(*durable_view_));
  fx.disk_appends.push_back(encode(SnapshotRecord{delivered_count_, log_digest_}));
  schedule_flush(fx);
}

void Core::persist_view(Fx& fx) {
  if (!persisting()) return;
  durable_view_ = ViewRecord{view_.id, view_.members};
  persist(*durable_view_, fx);
}

// A reservation of clocks up to `clock`, written twice; the step's sends wait for its sync.
void Core::persist_reservation(std::uint64_t clock, Fx& fx) {
  reserving_ = true;
  reserve_ahead_ = false;
  fx.note("reserve", i64(clock));
  reservation_written_ = clock;
  persist(ReservationRecord{clock}, fx);
  persist(ReservationRecord{clock}, fx);
  reservation_sync_ = request_sync(fx);
}

void Core::schedule_flush(Fx& fx) {
  unsynced_ = true;
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  fx.set_timer(flush_timer, flush_delay);
}

void Core::on_flush(Fx& fx) {
  flush_scheduled_ = false;
  if (reserve_ahead_ && !reserving_ && persisting()) {
    persist_reservation(reserved_ + clock_reservation_chunk, fx);
  } else if (unsynced_) {
    request_sync(fx);
  }
}

// Every write issued so far, this step's included, is durable once the returned sync completes
// (the disk completes syncs in order, one on_disk_synced each).
std::uint64_t Core::request_sync(Fx& fx) {
  unsynced_ = false;
  if (!fx.disk_sync) {
    fx.disk_sync = true;
    ++syncs_requested_;
  }
  return syncs_requested_;
}

}  // namespace ry::trains
