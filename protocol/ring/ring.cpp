#include "protocol/ring/ring.hpp"

#include <cstring>

#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"

namespace ry::ring {

MessageInfo describe(const Message& message) noexcept {
  MessageInfo info;
  std::visit(
      [&info](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        info.kind = std::is_same_v<M, Token> ? "token" : "ack";
        info.add("hop", static_cast<std::int64_t>(m.hop));
        info.digest = hash_u64(fnv1a(info.kind), m.hop);
      },
      message);
  return info;
}

std::string encode_hop(std::uint64_t hop) {
  std::string record(16, '\0');
  const std::uint64_t check = hash_u64(fnv_offset, hop);
  for (int i = 0; i < 8; ++i) {
    record[static_cast<std::size_t>(i)] = static_cast<char>((hop >> (8 * i)) & 0xff);
    record[static_cast<std::size_t>(8 + i)] = static_cast<char>((check >> (8 * i)) & 0xff);
  }
  return record;
}

std::uint64_t decode_hop(const std::string& record) noexcept {
  if (record.size() != 16) return 0;
  std::uint64_t hop = 0;
  std::uint64_t check = 0;
  for (int i = 0; i < 8; ++i) {
    hop |= std::uint64_t{static_cast<unsigned char>(record[static_cast<std::size_t>(i)])}
           << (8 * i);
    check |= std::uint64_t{static_cast<unsigned char>(record[static_cast<std::size_t>(8 + i)])}
             << (8 * i);
  }
  return check == hash_u64(fnv_offset, hop) ? hop : 0;
}

Core::Core(const Config& config, NodeId self, std::uint64_t /*seed*/, const Recovery& recovery)
    : config_(config), self_(self) {
  RY_ASSERT(config.nodes >= 2);
  RY_ASSERT(self.value < config.nodes);
  // The highest hop that verifies; a torn or corrupted record is never trusted.
  for (const std::string& record : recovery.records) {
    const std::uint64_t hop = decode_hop(record);
    if (hop > last_hop_) last_hop_ = hop;
  }
  RY_ASSERT(last_hop_ == 0 || last_hop_ % config.nodes == self.value);
  durable_hop_ = last_hop_;
}

void Core::on_start(Time, Effects<Message>& fx) noexcept {
  if (last_hop_ > 0) {
    // Recovered: the successor may never have received what we forwarded before the crash.
    forward(last_hop_ + 1, fx);
  } else if (self_.value == 0) {
    forward(1, fx);
  }
}

void Core::on_message(NodeId from, const Message& message, Time, Effects<Message>& fx) noexcept {
  if (const auto* token = std::get_if<Token>(&message)) {
    if (token->hop > last_hop_) {
      if (acks()) fx.send(from, Ack{token->hop});  // leaves with the forward, once durable
      accept(token->hop, fx);
    } else if (acks() && token->hop <= durable_hop_) {
      // A duplicate or a retransmission: our first ack may have been lost. Never ack a hop whose
      // write is still in flight: a crash now would lose it while the sender stops retrying.
      fx.send(from, Ack{token->hop});
    }
    return;
  }
  const auto& ack = std::get<Ack>(message);
  if (ack.hop == out_hop_ && out_hop_ != 0) {
    out_hop_ = 0;
    fx.cancel_timer(retransmit_timer);
  }
}

void Core::accept(std::uint64_t hop, Effects<Message>& fx) {
  RY_ASSERT(hop > last_hop_);
  RY_ASSERT(hop % config_.nodes == self_.value);
  last_hop_ = hop;
  if (config_.persist) {
    // The ack and the forward are held by the simulator until this write is durable.
    fx.disk_appends.push_back(encode_hop(hop));
    fx.disk_sync = true;
    syncing_.push_back(hop);
  } else {
    durable_hop_ = hop;
    note_accept(hop, fx);
  }
  const bool finished = config_.laps_max > 0 && hop / config_.nodes >= config_.laps_max;
  if (!finished) forward(hop + 1, fx);
}

void Core::forward(std::uint64_t hop, Effects<Message>& fx) {
  fx.send(successor(), Token{hop});
  if (!acks()) return;
  out_hop_ = hop;
  fx.set_timer(retransmit_timer, config_.retransmit_ns);
}

void Core::note_accept(std::uint64_t hop, Effects<Message>& fx) const {
  fx.note("accept", static_cast<std::int64_t>(hop), static_cast<std::int64_t>(hop / config_.nodes));
}

void Core::on_timer(TimerId timer, Time, Effects<Message>& fx) noexcept {
  RY_ASSERT(timer == retransmit_timer);
  if (out_hop_ != 0) forward(out_hop_, fx);
}

void Core::on_disk_synced(Time, Effects<Message>& fx) noexcept {
  // Syncs complete in the order they were asked for: the oldest hop in flight is now durable.
  if (syncing_.empty()) return;
  durable_hop_ = syncing_.front();
  note_accept(durable_hop_, fx);
  syncing_.pop_front();
}

void Core::on_client(const ClientRequest& request, Time, Effects<Message>& fx) noexcept {
  fx.replies.push_back(ClientReply{request.id, ReplyStatus::rejected});  // the ring carries no data
}

std::uint64_t Core::state_digest() const noexcept {
  std::uint64_t h = hash_u64(fnv_offset, self_.value);
  h = hash_u64(h, last_hop_);
  h = hash_u64(h, durable_hop_);
  h = hash_u64(h, out_hop_);
  return hash_u64(h, syncing_.size());
}

}  // namespace ry::ring
