#include "protocol/trains/core.hpp"

#include <algorithm>
#include <utility>

#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"
#include "protocol/common/log_digest.hpp"
#include "protocol/trains/clock_reservation.hpp"

namespace ry::trains {

namespace {
std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }
}  // namespace

Core::Core(const Config& config, NodeId self, std::uint64_t /*node_seed*/, const Recovery& recovery)
    : config_(config),
      self_(self),
      view_(View::initial(config.nodes)),
      all_nodes_(View::initial(config.nodes).members),
      slots_(config.trains),
      links_(config.nodes, config.link_retransmit_ns, config.link_fifo, link_timer_base,
             recovery.incarnation),
      last_heard_(config.nodes),
      suspected_(config.nodes, 0),
      join_heard_(config.nodes),
      join_issued_(config.nodes, 0),
      join_incarnation_(config.nodes, 0),
      admitted_incarnation_(config.nodes, 0),
      join_restarted_(config.nodes, 0),
      log_digest_(log_digest_empty),
      distrusted_until_(config.nodes) {
  // Configuration is validated by whoever parses it; here it is a precondition.
  RY_ASSERT(config.nodes >= 2);
  links_.set_backoff_bug(config.has(Bug::P1));
  RY_ASSERT(config.trains >= 1 && config.trains <= config.nodes);
  RY_ASSERT(config.train_bytes_max > 0);
  RY_ASSERT(self.value < config.nodes);
  successor_ = view_.successor(self_);
  RY_ASSERT(successor_ != self_);
  incarnation_ = recovery.incarnation;
  if (incarnation_ > 0) {
    needs_transfer_ = true;
    recover_disk(recovery);
  }
}

const std::vector<NodeId>& Core::required_acks() const noexcept {
  return config_.mode == Config::Mode::uto ? all_nodes_ : view_.members;
}

// --- entry points -------------------------------------------------------------------------

void Core::on_start(Time now, Fx& fx) noexcept {
  now_ = now;
  if (config_.mode == Config::Mode::to && incarnation_ == 0) {
    fx.views.push_back(ViewInstall{view_.id, view_.members});
    if (persisting()) durable_view_ = ViewRecord{view_.id, view_.members};
  }
  // The first rewrite: an issuer's disk holds a reservation from now on (persist.cpp), and a
  // restarted node's disk holds only what its recovery kept (durable.hpp).
  compact(fx);
  if (membership_on()) {
    std::fill(last_heard_.begin(), last_heard_.end(), now);
    fx.set_timer(heartbeat_timer, config_.heartbeat_ns);
  }
  if (incarnation_ > 0) {
    // It does not know the current view: it waits, frozen, to be re-admitted with a state
    // transfer (never without membership: a restarted uto node stays passive).
    frozen_ = true;
    if (membership_on() && !clock_lost_) become_behind();
    note_recovery(fx);
    return;
  }
  if (!is_issuer()) return;
  const Nanos delay = config_.issuer_start(self_.value);
  if (delay > 0) {
    fx.set_timer(issuer_start_timer, delay);
  } else {
    create_train(fx);
  }
}

void Core::on_message(NodeId from, const Message& message, Time now, Fx& fx) noexcept {
  Message copy = message;
  on_message(from, std::move(copy), now, fx);
}

void Core::on_message(NodeId from, Message&& message, Time now, Fx& fx) noexcept {
  now_ = now;
  if (from.value >= config_.nodes || from == self_) return;  // not a peer: ignore
  if (sign_of_life(message)) last_heard_[from.value] = now;
  if (handle_membership(from, message, fx)) {
    check_invariants();
    return;
  }
  if (const auto* ack = std::get_if<LinkAck>(&message)) {
    links_.on_ack(from, *ack, fx);
    return;
  }
  links_.receive(from, std::move(message), fx,
                 [&](Message&& m) { handle(from, std::move(m), fx); });
  check_invariants();
}

void Core::on_timer(TimerId timer, Time now, Fx& fx) noexcept {
  now_ = now;
  if (links_.on_timer(timer, now, fx)) return;
  if (timer == heartbeat_timer && membership_on()) {
    tick(fx);
    return;
  }
  if (timer == flush_timer) {
    on_flush(fx);
    return;
  }
  if (timer == replay_timer) {  // trains that waited for a state transfer's install
    std::vector<Train> waiting = std::move(future_trains_);
    future_trains_.clear();
    for (Train& train : waiting) handle_train(std::move(train), fx);
    drain(fx);
    return;
  }
  // While frozen the issuer waits: the install starts its first train above the boundary.
  if (timer == issuer_start_timer && is_issuer() && !issuer_started_ && !frozen_) {
    create_train(fx);
    drain(fx);
  }
}

void Core::on_disk_synced(Time now, Fx& fx) noexcept {
  now_ = now;
  ++syncs_done_;
  if (!reserving_ || syncs_done_ < reservation_sync_) return;
  reserving_ = false;
  reserved_ = reservation_written_;
  if (create_waiting_) {
    create_waiting_ = false;
    create_train(fx);
    drain(fx);
  }
}

// A local broadcast (README.md section 1): queued for the next train this node loads, unless its id
// is already queued, on a train, or delivered here (bug B5 removes that filter).
void Core::on_client(const ClientRequest& request, Time now, Fx& fx) noexcept {
  now_ = now;
  if (config_.kv && on_kv_request(request, fx)) return;
  const bool duplicate = known_.contains(payload_id(request.id));
  const bool too_big = request.data.size() > config_.train_bytes_max;
  // A node out of the view (excluded, behind, or restarted and not re-admitted, which includes
  // one whose clock is lost and never rejoins) turns clients away rather than queueing for an
  // unknown time what a crash before its re-admission would lose. A member whose queue is full
  // (frozen in a minority, or trains slower than its clients) pushes back instead of growing it.
  const bool full = pending_.size() >= pending_max;
  if ((duplicate && !config_.has(Bug::B5)) || too_big || excluded() || full) {
    fx.replies.push_back(ClientReply{request.id, ReplyStatus::rejected});
    return;
  }
  known_.insert(payload_id(request.id));
  pending_.push_back(Payload{NodeId{request.id.client.value}, request.id.seq, request.data});
  fx.replies.push_back(ClientReply{request.id, ReplyStatus::accepted});
  if (config_.kv) waiting_.push_back(request.id);
}

// The kv workload's requests (Config::kv). A payload is named by the request (client, seq), so a
// client's retry at another node broadcasts the same id, which every node delivers once (the
// delivered filter) and the store applies once (its sessions). A malformed request fails; one this
// node has applied already is answered from the store's session table; one it already carries
// (queued, or seen on a train) is answered when it is applied, with no second acceptance; anything
// else is broadcast like any payload. Returns true if the request is settled here.
bool Core::on_kv_request(const ClientRequest& request, Fx& fx) {
  if (!decode_operation(request.data)) {
    fx.replies.push_back(ClientReply{request.id, ReplyStatus::fail, "malformed operation"});
    return true;
  }
  if (const auto result = kv_.result_of(request.id)) {
    fx.replies.push_back(ClientReply{request.id, result->status, result->value});
    return true;
  }
  if (known_.contains(payload_id(request.id)) && !excluded()) {
    if (std::find(waiting_.begin(), waiting_.end(), request.id) == waiting_.end()) {
      waiting_.push_back(request.id);
    }
    return true;
  }
  return false;
}

// Applies a delivered operation to the store and answers the client if it asked here.
void Core::apply_kv(const Payload& payload, Fx& fx) {
  const RequestId id = request_of(payload.id());
  const auto op = decode_operation(payload.data);
  const KvResult result =
      op ? kv_.apply(id, *op) : KvResult{ReplyStatus::fail, "malformed operation"};
  const auto it = std::find(waiting_.begin(), waiting_.end(), id);
  if (it == waiting_.end()) return;
  waiting_.erase(it);
  fx.replies.push_back(ClientReply{id, result.status, result.value, {}, delivered_count_});
}

// After a state transfer: requests waiting here that the transferred state has applied.
void Core::answer_applied(Fx& fx) {
  std::erase_if(waiting_, [&](RequestId id) {
    const auto result = kv_.result_of(id);
    if (result) fx.replies.push_back(ClientReply{id, result->status, result->value});
    return result.has_value() || kv_.applied(id);
  });
}

// --- trains -------------------------------------------------------------------------------

void Core::handle(NodeId /*from*/, Message&& message, Fx& fx) {
  std::visit(
      [&](auto&& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Train>) {
          handle_train(std::move(m), fx);
        }
      },
      std::move(message));
}

void Core::handle_train(Train&& train, Fx& fx) {
  const std::uint32_t q = train.issuer.value;
  // Malformed input is dropped, never asserted on.
  if (q >= config_.trains || train.clock == 0) return;
  // README.md section 5: a train of a view this node has not installed yet waits for the install;
  // one of an older view, or below the floor, is fenced off (bug B9 lets both through).
  if (train.view > view_.id) {
    hold_future(std::move(train));
    return;
  }
  if (!config_.has(Bug::B9) && (train.view < view_.id || train.clock <= slots_[q].floor)) {
    fx.note("stale", q, i64(train.clock));
    return;
  }
  // A member that has reported is frozen until the install: it neither delivers nor becomes a
  // holder, so its report stays true (bug B12 lets trains through). Dropping the train is safe:
  // the install fences every train of the old view and restarts each slot above the boundary.
  if (frozen_ && !config_.has(Bug::B12)) {
    fx.note("frozen_drop", q, i64(train.clock));
    return;
  }
  learn_stable(q, train.stable_clock, fx);
  // A closed key already stable here has finished its propagation lap: only a stale copy
  // can still arrive.
  if (train.closed && train.clock <= slots_[q].stable) {
    fx.note("stale", q, i64(train.clock));
    return;
  }
  observe_clock(q, train.clock, fx);
  if (train.closed) {
    handle_closed(std::move(train), fx);
  } else {
    handle_open(std::move(train), fx);
  }
  drain(fx);
}

// README.md section 2: a clock more than one above what this node has seen means it missed keys.
// Bug B4 stays silent when this is the first train of the issuer seen here.
void Core::observe_clock(std::uint32_t issuer, std::uint64_t clock, Fx& fx) {
  Slot& s = slots_[issuer];
  if (clock <= s.seen) return;
  if (clock > s.seen + 1 && !(config_.has(Bug::B4) && s.seen == 0)) {
    fx.note("clock_gap", issuer, i64(clock), i64(s.seen));
  }
  s.seen = clock;
}

// README.md section 4: the issuer's trains carry its slot's stable clock. A stable key satisfies
// G0; its content may be dropped once it is done.
void Core::learn_stable(std::uint32_t issuer, std::uint64_t clock, Fx& fx) {
  Slot& s = slots_[issuer];
  if (clock <= s.stable) return;
  s.stable = clock;
  fx.note("stable", issuer, i64(clock));
  collect(issuer);
}

void Core::observe_payloads(const Train& train) {
  for (const Payload& payload : train.payloads) known_.insert(payload.id());
}

// README.md sections 2.2-2.3: lap 1 at this node: append pending payloads, ack, and close when the
// last required ack is set.
void Core::handle_open(Train&& train, Fx& fx) {
  if (train.acks.contains(self_)) {
    // Acked here already but not closed: it still needs other members' acks (possible only
    // when the required set changes, README.md section 5). Pass it on.
    forward(std::move(train), fx);
    return;
  }
  observe_payloads(train);
  load_pending(train);
  train.acks.insert(self_);
  if (all_acked(train)) close(train, fx);
  forward(std::move(train), fx);
}

// README.md sections 2.4-2.5: a closed train.
void Core::handle_closed(Train&& train, Fx& fx) {
  const Key key = train.key();
  const auto it = held_.find(key);
  if (it == held_.end()) {
    // Not yet a holder: lap 2, or the issuer's first return. Keep the content until stable.
    if (done(key)) {
      // Done and not held: only an old view's train let through by a bug (B9) gets here.
      RY_ASSERT(config_.has(Bug::B9) || config_.has(Bug::B12));
      fx.note("stale", key.issuer, i64(key.clock));
      return;
    }
    train.holders += 1;
    observe_payloads(train);
    held_.try_emplace(key, Held{train, train.holders});
    park(key, fx);
    forward(std::move(train), fx);
    return;
  }
  Held& held = it->second;
  held.holders_seen = std::max(held.holders_seen, train.holders);
  if (train.issuer != self_) {
    forward(std::move(train), fx);  // the closer at the end of lap 2, or a later holder
    return;
  }
  // The issuer after the propagation lap: every member holds the key, it is stable. Recycle,
  // delivered or still parked (README.md section 2). Only the current train recycles.
  learn_stable(self_.value, key.clock, fx);
  if (key.clock == issued_) {
    create_train(fx);
    // The moment a crash would swallow the fresh train (bug B8's scenario, README.md section 8).
    fx.note("recycled", self_.value, i64(issued_), i64(key.clock));
  }
}

void Core::create_train(Fx& fx) {
  RY_ASSERT(is_issuer());
  if (frozen_ && !config_.has(Bug::B12)) return;  // the install starts the next train
  if (clock_lost_) return;
  issuer_started_ = true;
  if (membership_on() && issued_ + 1 > reserved_) {
    // The train waits until the next clocks are durably reserved (clock_reservation.hpp): not
    // only this step's sends, but the link layer's retransmissions too, must never carry a clock
    // a restarted incarnation could create again.
    create_waiting_ = true;
    if (!reserving_) persist_reservation(issued_ + clock_reservation_chunk, fx);
    return;
  }
  ++issued_;
  // Half the reserved clocks used: the next chunk is reserved ahead, by the flush (a step with no
  // sends, persist.cpp), so that in steady state no train waits for the disk. A train that did
  // wait lost a sync's time to the other slots, which never gave it back: their keys then waited
  // at G3 for the lagging slot, longer and longer as the run went on.
  if (membership_on() && !reserving_ && issued_ + clock_reservation_chunk / 2 > reserved_) {
    reserve_ahead_ = true;
    schedule_flush(fx);
  }
  Slot& s = slots_[self_.value];
  s.seen = std::max(s.seen, issued_);
  Train train;
  train.view = view_.id;
  train.issuer = self_;
  train.clock = issued_;
  train.stable_clock = s.stable;
  load_pending(train);
  train.acks.insert(self_);
  if (all_acked(train)) close(train, fx);
  forward(std::move(train), fx);
  RY_ASSERT(slots_[self_.value].seen >= issued_);
}

// Loads pending payloads in queue order while they fit the byte bound (README.md section 1); the
// first that does not fit and everything behind it wait, so one sender's payloads keep their order.
void Core::load_pending(Train& train) {
  if (pending_.empty()) return;
  const std::uint64_t bytes_before = train.bytes;
  std::vector<Payload> more;
  while (!pending_.empty() &&
         train.bytes + pending_.front().data.size() <= config_.train_bytes_max) {
    train.bytes += pending_.front().data.size();
    more.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  const bool loaded = !more.empty();
  const std::size_t first = train.payloads.size();
  train.payloads.append(std::move(more));
  if (membership_on()) {
    // Kept by reference into the shared, immutable list: no copy of the data.
    for (std::size_t i = first; i < train.payloads.size(); ++i) {
      own_inflight_.push_back(OwnPayload{train.payloads, i});
    }
  }
  RY_ASSERT(!loaded || train.bytes <= config_.train_bytes_max);
  RY_ASSERT(train.bytes >= bytes_before);
}

bool Core::all_acked(const Train& train) const {
  const auto& required = required_acks();
  if (train.acks.count() < required.size()) return false;
  return std::all_of(required.begin(), required.end(),
                     [&](NodeId n) { return train.acks.contains(n); });
}

// README.md section 2: the closer is the first holder and parks the key.
void Core::close(Train& train, Fx& fx) {
  RY_ASSERT(!train.closed);
  train.closed = true;
  train.holders = 1;
  fx.note("close", train.issuer.value, i64(train.clock), i64(train.payloads.size()));
  // A key closes once: the link layer filters duplicates and floors fence older views, so
  // holding it already means a malformed input; the first content is kept.
  const Key key = train.key();
  held_.try_emplace(key, Held{train, 0});
  park(key, fx);
}

void Core::forward(Train&& train, Fx& fx) {
  links_.send(successor_, Message{std::move(train)}, now_, fx);
}

// --- delivery (README.md section 2)
// ------------------------------------------------------------------

void Core::park(const Key& key, Fx& fx) {
  RY_ASSERT(held_.contains(key));
  if (done(key)) return;
  const auto at = std::lower_bound(parked_.begin(), parked_.end(), key);
  if (at == parked_.end() || *at != key) parked_.insert(at, key);
  if (key != parked_.front() || !deliverable(key)) fx.note("park", key.issuer, i64(key.clock));
}

bool Core::done(const Key& key) const { return slots_[key.issuer].done_upto >= key.clock; }

bool Core::deliverable(const Key& key) const {
  if (frozen_) return false;
  const auto it = held_.find(key);
  RY_ASSERT(it != held_.end());
  const Slot& own = slots_[key.issuer];
  // G0: f + 1 members hold the closed content, or every member does (stable).
  // Bug U1 (trains-rust) needs only to have seen the train arrive closed.
  const std::uint32_t needed = config_.has(Bug::U1) ? 1 : view_.f() + 1;
  if (it->second.holders_seen < needed && own.stable < key.clock) return false;
  for (std::uint32_t q = 0; q < slots_.size(); ++q) {
    const Slot& s = slots_[q];
    // G2: every key of q this node knows to exist below `key` is done. Keys (c', q) < key are
    // those with c' < clock, or c' == clock when q < issuer.
    const std::uint64_t below = q < key.issuer ? key.clock : key.clock - 1;
    if (s.done_upto < std::min(s.seen, below)) return false;
    // G3: every issuer of the view has reached this clock, so no smaller key can appear later.
    // Bug B3 skips issuers never heard from.
    // Bug B7 waits on excluded issuers too.
    if (!view_.contains(NodeId{q}) && !config_.has(Bug::B7)) continue;
    if (config_.has(Bug::B3) && s.seen == 0) continue;
    if (s.seen < key.clock) return false;
  }
  return true;
}

// After every step: deliver parked keys in key order while the smallest is deliverable (G1).
void Core::drain(Fx& fx) {
  while (!parked_.empty() && deliverable(parked_.front())) {
    const Key key = parked_.front();
    parked_.erase(parked_.begin());
    deliver_key(key, fx);
  }
}

// Delivers one parked key's payloads; an empty key is just recorded done.
void Core::deliver_key(const Key& key, Fx& fx) {
  Slot& s = slots_[key.issuer];
  RY_ASSERT(s.done_upto + 1 == key.clock);  // G2 made the done set per issuer a prefix
  deliver_payloads(held_.at(key).train, fx);
  s.done_upto = key.clock;
  if (s.stable >= key.clock) held_.erase(key);
}

// Delivers a closed train's payloads in (sender, seq) order.
void Core::deliver_payloads(const Train& train, Fx& fx) {
  const PayloadList& payloads = train.payloads;
  order_.clear();
  for (std::uint32_t i = 0; i < payloads.size(); ++i) order_.push_back(i);
  // Planted bug O1 leaves them in load order: every node still delivers the same sequence (the
  // train's content is the same everywhere), so only a comparison with the spec sees it.
  if (!config_.has(Bug::O1)) {
    std::sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return payloads[a].id() < payloads[b].id();
    });
  }
  std::int64_t delivered = 0;
  for (const std::uint32_t i : order_) {
    const Payload& payload = payloads[i];
    // The same id broadcast at two nodes can reach two trains: deliver it once (the position is
    // the same everywhere). Bug B5 removes the duplicate filters. known_ has the id already: it
    // holds every payload of every train this node handled or loaded.
    if (!delivered_.insert(payload.id()) && !config_.has(Bug::B5)) {
      fx.note("dup", payload.sender.value, i64(payload.seq));
      continue;
    }
    fx.deliver(payload.id(), payloads.data_digest(i));
    ++delivered_count_;
    log_digest_ = ry::log_digest(log_digest_, Delivery{payload.id(), payloads.data_digest(i)});
    persist(DeliveredRecord{delivered_count_, payload.id(), payloads.data_digest(i)}, fx);
    if (config_.kv) apply_kv(payload, fx);
    ++delivered;
  }
  // The moment of bug U1 (README.md section 8): an issuer has delivered its own train's content,
  // and this step's sends (the forward of that train, when it is the one being handled) have not
  // left.
  if (train.issuer == self_ && delivered > 0) {
    fx.note("issuer_delivered", train.issuer.value, i64(train.clock), delivered);
  }
  order_.clear();
  // Own payloads are mostly delivered in the order they were loaded: forget delivered ones from
  // the front (the rest go at the next view change's re-queue).
  while (!own_inflight_.empty() && delivered_.contains(own_inflight_.front().payload().id())) {
    own_inflight_.pop_front();
  }
}

// Drops the content of keys of `issuer` that are done and stable (README.md section 4).
void Core::collect(std::uint32_t issuer) {
  const Slot& s = slots_[issuer];
  for (auto it = held_.begin(); it != held_.end() && it->first.clock <= s.stable;) {
    if (it->first.issuer == issuer && it->first.clock <= s.done_upto) {
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
}

void Core::check_invariants() const {
  RY_ASSERT(parked_.size() <= held_.size());
  if (!parked_.empty()) {
    RY_ASSERT(held_.contains(parked_.front()));
    RY_ASSERT(!done(parked_.front()));
  }
  if (is_issuer()) RY_ASSERT(slots_[self_.value].seen >= issued_);
}

std::uint64_t Core::state_digest() const noexcept {
  std::uint64_t h = fnv_offset;
  h = hash_u64(h, self_.value);
  h = hash_u64(h, view_.id.value);
  for (NodeId m : view_.members) h = hash_u64(h, m.value);
  for (const Slot& s : slots_) {
    h = hash_u64(h, s.seen);
    h = hash_u64(h, s.done_upto);
    h = hash_u64(h, s.stable);
    h = hash_u64(h, s.floor);
  }
  h = hash_u64(h, issued_);
  h = hash_u64(h, issuer_started_ ? 1 : 0);
  if (config_.kv) h = hash_u64(h, kv_.digest());
  h = hash_u64(h, frozen_ ? 1 : 0);
  h = hash_u64(h, held_.size());
  for (const auto& [key, held] : held_) {
    h = hash_u64(h, key.clock);
    h = hash_u64(h, key.issuer);
    h = hash_u64(h, held.holders_seen);
    h = hash_u64(h, content_digest(held.train));
  }
  h = hash_u64(h, parked_.size());
  for (const Key& key : parked_) h = hash_u64(hash_u64(h, key.clock), key.issuer);
  h = hash_u64(h, pending_.size());
  for (const Payload& p : pending_) {
    h = hash_u64(hash_u64(h, p.sender.value), p.seq);
    h = fnv1a(p.data, h);
  }
  h = known_.digest(h);
  h = delivered_.digest(h);
  for (const Time t : last_heard_) h = hash_u64(h, static_cast<std::uint64_t>(t.ns));
  for (const std::uint8_t x : suspected_) h = hash_u64(h, x);
  for (const std::optional<Time>& t : distrusted_until_) {
    h = hash_u64(h, t ? 1 : 0);
    h = hash_u64(h, t ? static_cast<std::uint64_t>(t->ns) : 0);
  }
  h = hash_u64(h, gather_repeats_);
  h = hash_u64(h, reservation_written_);
  for (const std::uint32_t inc : admitted_incarnation_) h = hash_u64(h, inc);
  h = hash_u64(hash_u64(h, promised_.round), promised_.coordinator.value);
  h = hash_u64(h, accepted_ ? accepted_->ballot.round : 0);
  h = hash_u64(h, round_ ? round_->ballot.round : 0);
  h = hash_u64(h, round_ ? round_->answers.size() + round_->acceptors.size() : 0);
  h = hash_u64(h, future_trains_.size());
  h = hash_u64(h, own_inflight_.size());
  h = hash_u64(hash_u64(h, delivered_count_), log_digest_);
  h = hash_u64(h, behind_ ? 1 : 0);
  return links_.digest(h);
}

}  // namespace ry::trains
