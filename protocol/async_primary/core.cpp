#include "protocol/async_primary/core.hpp"

#include <algorithm>

#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"

namespace ry::async_primary {

namespace {

std::int64_t i64(std::uint64_t v) noexcept { return static_cast<std::int64_t>(v); }

}  // namespace

Core::Core(const Config& config, NodeId self, std::uint64_t seed, const Recovery& recovery)
    : config_(config), self_(self), prng_(seed) {
  RY_ASSERT(config.nodes >= 1);
  RY_ASSERT(self.value < config.nodes);
  RY_ASSERT(config.tick_ns > 0 && config.down_after_ns > 0 && config.failover_timeout_ns > 0);
  RY_ASSERT(config.batch_max > 0);
  RY_ASSERT(config.down_quorum() >= 1 && config.down_quorum() <= config.nodes);
  sent_.resize(config.nodes);
  peers_.resize(config.nodes);
  if (recovery.incarnation == 0) {
    // The initial configuration, known to all: epoch 0, node 0 the primary of history 1, which
    // every node holds (empty) from the start.
    known_ = true;
    epoch_ = 0;
    primary_ = NodeId{0};
    replid_ = 1;
    if (self.value == 0) role_ = Role::primary;
  } else {
    // Memory only: a restarted node holds nothing and follows whatever configuration it hears.
    amnesiac_ = true;
  }
}

void Core::on_start(Time now, Effects<Message>& fx) noexcept {
  primary_ok_at_ = now;  // a grace period: nobody is suspected before it could have greeted us
  next_failover_at_ = now;
  tick(now, fx);
}

void Core::on_timer(TimerId timer, Time now, Effects<Message>& fx) noexcept {
  RY_ASSERT(timer == tick_timer);
  tick(now, fx);
}

void Core::on_disk_synced(Time, Effects<Message>&) noexcept {}  // it never writes

// ---- monitor plane ----

Hello Core::hello(Time now) const {
  Hello h;
  h.known = known_;
  h.epoch = epoch_;
  h.primary = primary_;
  h.is_primary = role_ == Role::primary;
  h.replid = replid_;
  h.offset = stream_.size();
  h.sdown = known_ && sdown(now);
  return h;
}

void Core::greet_all(Time now, Effects<Message>& fx) const {
  const Hello h = hello(now);
  for (std::uint32_t i = 0; i < config_.nodes; ++i) {
    if (i != self_.value) fx.send(NodeId{i}, h);
  }
}

// Subjective down: the primary of our configuration has not greeted us as that primary for
// down_after. A primary never suspects itself.
bool Core::sdown(Time now) const {
  if (role_ == Role::primary) return false;
  return now - primary_ok_at_ > config_.down_after_ns;
}

bool Core::recent(const Peer& p, Time now) const {
  return p.heard && now - p.heard_at <= config_.down_after_ns;
}

void Core::tick(Time now, Effects<Message>& fx) {
  if (role_ == Role::primary) primary_ok_at_ = now;
  greet_all(now, fx);
  if (role_ == Role::replica && known_ && primary_ != self_) {
    fx.send(primary_, Sync{replid_, stream_.size()});
  }
  const bool down = known_ && sdown(now);
  if (down && !sdown_noted_) {
    fx.note("sdown", i64(epoch_), primary_.value);
    // Monitors tick in step and would all ask for votes at once, splitting them: each waits a
    // random while first (Sentinel desynchronises its failover starts the same way).
    next_failover_at_ =
        std::max(next_failover_at_, now + prng_.between(0, config_.failover_timeout_ns / 2));
  }
  sdown_noted_ = down;
  if (down) maybe_fail_over(now, fx);
  fx.set_timer(tick_timer, config_.tick_ns);
}

void Core::on_hello(NodeId from, const Hello& m, Time now, Effects<Message>& fx) {
  Peer& p = peers_[from.value];
  p.heard = true;
  p.heard_at = now;
  p.hello = m;
  if (m.known && (!known_ || m.epoch > epoch_)) adopt(m.epoch, m.primary, now, fx);
  if (from == primary_ && m.is_primary && m.epoch == epoch_) primary_ok_at_ = now;
}

// Objective down: a quorum of monitors (this one included) report the primary of our
// configuration down. Then ask every monitor for its vote in a new epoch (Sentinel's leader
// election: one vote per monitor per epoch, the first asker gets it).
void Core::maybe_fail_over(Time now, Effects<Message>& fx) {
  if (now < next_failover_at_) return;
  std::uint32_t down = 1;  // this monitor
  for (std::uint32_t i = 0; i < config_.nodes; ++i) {
    const Peer& p = peers_[i];
    if (i == self_.value || !recent(p, now)) continue;
    if (p.hello.sdown && p.hello.epoch == epoch_ && p.hello.primary == primary_) ++down;
  }
  if (down < config_.down_quorum()) return;
  campaign_epoch_ = std::max(vote_epoch_, epoch_) + 1;
  vote_epoch_ = campaign_epoch_;
  votes_ = 1;
  // A failover that does not complete is retried later, each monitor after its own delay, so
  // that split votes do not repeat forever.
  next_failover_at_ =
      now + config_.failover_timeout_ns + prng_.between(0, config_.failover_timeout_ns);
  fx.note("failover", i64(campaign_epoch_), config_.majority());
  if (votes_ >= config_.majority()) {
    win(now, fx);
    return;
  }
  for (std::uint32_t i = 0; i < config_.nodes; ++i) {
    if (i != self_.value) fx.send(NodeId{i}, VoteRequest{campaign_epoch_, epoch_});
  }
}

void Core::on_vote_request(NodeId from, const VoteRequest& m, Effects<Message>& fx) {
  // A monitor behind our configuration would fail over a primary already replaced.
  if (m.epoch <= vote_epoch_ || (known_ && m.from_epoch < epoch_)) return;
  vote_epoch_ = m.epoch;
  if (campaign_epoch_ != 0 && campaign_epoch_ < m.epoch) campaign_epoch_ = 0;
  fx.send(from, VoteGrant{m.epoch});
}

void Core::on_vote_grant(const VoteGrant& m, Time now, Effects<Message>& fx) {
  if (campaign_epoch_ == 0 || m.epoch != campaign_epoch_) return;
  ++votes_;
  if (votes_ == config_.majority()) win(now, fx);
}

// The failover leader promotes the replica with the highest replication offset among those it
// heard from lately (ties: the lowest id), never the failed primary and never a node that holds
// no history, and announces the new configuration.
void Core::win(Time now, Effects<Message>& fx) {
  const Epoch epoch = campaign_epoch_;
  campaign_epoch_ = 0;
  std::optional<NodeId> best;
  std::uint64_t best_offset = 0;
  for (std::uint32_t i = 0; i < config_.nodes; ++i) {
    const NodeId n{i};
    if (n == primary_) continue;
    ReplId replid = 0;
    std::uint64_t offset = 0;
    if (n == self_) {
      replid = replid_;
      offset = stream_.size();
    } else if (recent(peers_[i], now)) {
      replid = peers_[i].hello.replid;
      offset = peers_[i].hello.offset;
    }
    if (replid == 0) continue;
    if (!best || offset > best_offset) {
      best = n;
      best_offset = offset;
    }
  }
  if (!best) return;  // nobody to promote: retried at the next failover
  fx.note("elected", i64(epoch), best->value);
  adopt(epoch, *best, now, fx);
  greet_all(now, fx);  // the new configuration, to every monitor at once
}

void Core::adopt(Epoch epoch, NodeId primary, Time now, Effects<Message>& fx) {
  RY_ASSERT(!known_ || epoch > epoch_);
  known_ = true;
  epoch_ = epoch;
  primary_ = primary;
  vote_epoch_ = std::max(vote_epoch_, epoch);
  campaign_epoch_ = 0;
  primary_ok_at_ = now;  // the new primary gets down_after to greet us
  sdown_noted_ = false;
  fx.note("config", i64(epoch), primary.value);
  if (primary == self_ && role_ == Role::replica && !amnesiac_) {
    promote(fx);
  } else if (primary != self_ && role_ == Role::primary) {
    // The last failover wins: this primary was replaced while it could not hear the others.
    // It becomes a replica; its history differs from the new primary's, so its next Sync gets
    // a full resync that discards every write it took since the others lost it.
    role_ = Role::replica;
    fx.note("demote", i64(epoch), i64(stream_.size()));
  }
  if (role_ == Role::replica && primary != self_) fx.send(primary_, Sync{replid_, stream_.size()});
}

void Core::promote(Effects<Message>& fx) {
  RY_ASSERT(role_ == Role::replica && replid_ != 0);
  // Redis's PSYNC2: replicas of the history this node followed can continue from it.
  replid2_ = replid_;
  replid2_offset_ = stream_.size();
  replid_ = epoch_ + 1;
  role_ = Role::primary;
  std::fill(sent_.begin(), sent_.end(), std::nullopt);
  fx.note("promote", i64(epoch_), i64(stream_.size()));
}

// ---- data plane ----

void Core::on_sync(NodeId from, const Sync& m, Effects<Message>& fx) {
  if (role_ != Role::primary) return;
  Stream s;
  s.epoch = epoch_;
  s.replid = replid_;
  if (m.replid == replid_ && m.offset <= stream_.size()) {
    s.mode = StreamMode::append;
    s.from = m.offset;
  } else if (replid2_ != 0 && m.replid == replid2_ && m.offset <= replid2_offset_) {
    s.mode = StreamMode::cont;
    s.base = m.replid;
    s.from = m.offset;
  } else {
    s.mode = StreamMode::full;
    s.from = 0;
  }
  const std::uint64_t end = std::min<std::uint64_t>(stream_.size(), s.from + config_.batch_max);
  sent_[from.value] = end;
  if (s.mode == StreamMode::append && end == s.from) return;  // it has everything
  for (std::uint64_t i = s.from; i < end; ++i) s.entries.push_back(stream_[i]);
  fx.send(from, std::move(s));
}

void Core::push(const Entry& entry, Effects<Message>& fx) {
  const std::uint64_t at = stream_.size() - 1;
  for (std::uint32_t i = 0; i < config_.nodes; ++i) {
    if (i == self_.value || sent_[i] != at) continue;
    Stream s;
    s.epoch = epoch_;
    s.replid = replid_;
    s.from = at;
    s.entries.push_back(entry);
    fx.send(NodeId{i}, std::move(s));
    sent_[i] = at + 1;
  }
}

KvResult Core::apply_entry(const Entry& entry) {
  stream_.push_back(entry);
  const auto op = decode_operation(entry.data);
  RY_ASSERT(op.has_value());  // the primary streams only operations it decoded
  return kv_.apply(entry.id, *op);
}

void Core::on_stream(NodeId from, const Stream& m, Time now, Effects<Message>& fx) {
  if (!known_ || m.epoch > epoch_) adopt(m.epoch, from, now, fx);
  if (role_ != Role::replica || from != primary_ || m.epoch != epoch_) return;
  switch (m.mode) {
    case StreamMode::append:
      if (m.replid != replid_) return;
      break;
    case StreamMode::cont:
      if (m.base != replid_ || m.from > stream_.size()) return;
      replid_ = m.replid;
      break;
    case StreamMode::full:
      if (m.replid == replid_) break;  // a duplicate: we are on that history already
      fx.note("full_resync", i64(m.replid), i64(stream_.size()));
      kv_ = KvStore{};
      stream_.clear();
      replid_ = m.replid;
      amnesiac_ = false;
      break;
  }
  if (m.from > stream_.size()) return;  // a gap (a lost message): the next Sync fills it
  for (std::uint64_t i = stream_.size() - m.from; i < m.entries.size(); ++i) {
    apply_entry(m.entries[i]);
  }
}

void Core::on_message(NodeId from, const Message& message, Time now,
                      Effects<Message>& fx) noexcept {
  if (from == self_ || from.value >= config_.nodes) return;
  if (const auto* h = std::get_if<Hello>(&message)) {
    on_hello(from, *h, now, fx);
  } else if (const auto* r = std::get_if<VoteRequest>(&message)) {
    on_vote_request(from, *r, fx);
  } else if (const auto* g = std::get_if<VoteGrant>(&message)) {
    on_vote_grant(*g, now, fx);
  } else if (const auto* s = std::get_if<Sync>(&message)) {
    on_sync(from, *s, fx);
  } else {
    on_stream(from, std::get<Stream>(message), now, fx);
  }
}

// The primary applies and answers at once; replication follows (README.md section 3).
void Core::on_client(const ClientRequest& request, Time, Effects<Message>& fx) noexcept {
  if (role_ != Role::primary) {
    std::optional<NodeId> hint;
    if (known_ && primary_ != self_) hint = primary_;
    fx.replies.push_back(ClientReply{request.id, ReplyStatus::not_leader, {}, hint});
    return;
  }
  const auto op = decode_operation(request.data);
  if (!op) {
    fx.replies.push_back(ClientReply{request.id, ReplyStatus::fail, "malformed operation"});
    return;
  }
  // A retry of a request already applied here is answered from the store and not streamed
  // again; anything new is applied, streamed and answered in this one step.
  if (!kv_.applied(request.id)) {
    Entry entry{request.id, request.data};
    const KvResult result = apply_entry(entry);
    push(entry, fx);
    fx.replies.push_back(ClientReply{request.id, result.status, result.value});
    return;
  }
  const KvResult result = kv_.apply(request.id, *op);
  fx.replies.push_back(ClientReply{request.id, result.status, result.value});
}

std::uint64_t Core::state_digest() const noexcept {
  std::uint64_t h = hash_u64(fnv_offset, self_.value);
  h = hash_u64(h, known_ ? 1 : 0);
  h = hash_u64(h, epoch_);
  h = hash_u64(h, primary_.value);
  h = hash_u64(h, static_cast<std::uint64_t>(role_));
  h = hash_u64(h, amnesiac_ ? 1 : 0);
  h = hash_u64(h, kv_.digest());
  h = hash_u64(h, stream_.size());
  h = hash_u64(h, replid_);
  h = hash_u64(h, replid2_);
  h = hash_u64(h, replid2_offset_);
  h = hash_u64(h, vote_epoch_);
  h = hash_u64(h, campaign_epoch_);
  return hash_u64(h, votes_);
}

ry::Status Core::telemetry() const noexcept {
  ry::Status s;
  s.add("epoch", i64(epoch_));
  s.add("role", role_ == Role::primary ? 1 : 0);
  s.add("primary", known_ ? static_cast<std::int64_t>(primary_.value) : -1);
  s.add("replid", i64(replid_));
  s.add("offset", i64(stream_.size()));
  return s;
}

}  // namespace ry::async_primary
