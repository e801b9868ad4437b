#include "protocol/trains/messages.hpp"

#include "protocol/common/hash.hpp"

namespace ry::trains {

std::uint64_t NodeSet::digest(std::uint64_t h) const noexcept {
  h = hash_u64(h, low_);
  // Trailing zero words do not change the set, so they must not change the hash.
  std::size_t used = high_.size();
  while (used > 0 && high_[used - 1] == 0) --used;
  for (std::size_t i = 0; i < used; ++i) h = hash_u64(h, high_[i]);
  return h;
}

bool operator==(const NodeSet& a, const NodeSet& b) noexcept {
  if (a.low_ != b.low_) return false;
  const std::size_t n = a.high_.size() > b.high_.size() ? a.high_.size() : b.high_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t x = i < a.high_.size() ? a.high_[i] : 0;
    const std::uint64_t y = i < b.high_.size() ? b.high_[i] : 0;
    if (x != y) return false;
  }
  return true;
}

std::uint64_t payloads_digest(const Train& train, std::uint64_t h) noexcept {
  h = hash_u64(h, train.bytes);
  h = hash_u64(h, train.payloads.size());
  for (const Payload& payload : train.payloads) {
    h = hash_u64(h, payload.sender.value);
    h = hash_u64(h, payload.seq);
    h = hash_u64(h, payload.data.size());
    h = fnv1a(payload.data, h);
  }
  return h;
}

std::uint64_t content_digest(const Train& train) noexcept {
  std::uint64_t h = fnv_offset;
  h = hash_u64(h, train.view.value);
  h = hash_u64(h, train.issuer.value);
  h = hash_u64(h, train.clock);
  h = hash_u64(h, train.closed ? 1 : 0);
  h = hash_u64(h, train.holders);
  h = hash_u64(h, train.stable_clock);
  h = train.acks.digest(h);
  return payloads_digest(train, h);
}

MessageInfo describe(const Message& message) noexcept {
  MessageInfo info;
  if (const auto* train = std::get_if<Train>(&message)) {
    info.kind = "train";
    info.add("issuer", train->issuer.value)
        .add("clock", static_cast<std::int64_t>(train->clock))
        .add("closed", train->closed ? 1 : 0)
        .add("payloads", static_cast<std::int64_t>(train->payloads.size()))
        .add("holders", train->holders)
        .add("lseq", static_cast<std::int64_t>(train->link.lseq));
    info.digest = hash_u64(content_digest(*train), train->link.lseq);
    return info;
  }
  const auto& ack = std::get<LinkAck>(message);
  info.kind = "ack";
  info.add("cumulative", static_cast<std::int64_t>(ack.cumulative))
      .add("lseq", static_cast<std::int64_t>(ack.lseq));
  info.digest = hash_u64(hash_u64(hash_u64(fnv_offset, 0xacU), ack.cumulative), ack.lseq);
  return info;
}

}  // namespace ry::trains
