#include "protocol/trains/messages.hpp"

#include "protocol/common/hash.hpp"

namespace ry::trains {

std::uint64_t NodeSet::digest(std::uint64_t h) const noexcept { return fold(h, hash_u64); }

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

namespace {
constexpr auto mix = digest_mix;
}  // namespace

// Builds the next block: the old payloads are copied (the old block stays shared by whoever
// holds it), the new ones moved in, and the digests extended by the new payloads only.
void PayloadList::append(std::vector<Payload>&& more) {
  if (more.empty()) return;
  auto next = std::make_shared<Block>();
  next->items.reserve(size() + more.size());
  next->data_digests.reserve(size() + more.size());
  next->chain = fnv_offset;
  if (block_) {
    next->items = block_->items;
    next->data_digests = block_->data_digests;
    next->chain = block_->chain;
  }
  for (auto& payload : more) {
    const std::uint64_t data_digest = fnv1a(payload.data);
    next->chain =
        mix(mix(mix(mix(next->chain, payload.sender.value), payload.seq), payload.data.size()),
            data_digest);
    next->data_digests.push_back(data_digest);
    next->items.push_back(std::move(payload));
  }
  next->digest = mix(next->chain, next->items.size());
  block_ = std::move(next);
}

std::uint64_t PayloadList::digest() const noexcept {
  constexpr std::uint64_t empty = mix(fnv_offset, 0);  // no payloads
  return block_ ? block_->digest : empty;
}

std::uint64_t payloads_digest(const Train& train, std::uint64_t h) noexcept {
  return mix(mix(h, train.bytes), train.payloads.digest());
}

std::uint64_t content_digest(const Train& train) noexcept {
  std::uint64_t h = fnv_offset;
  h = mix(h, train.view.value);
  h = mix(h, train.issuer.value);
  h = mix(h, train.clock);
  h = mix(h, train.closed ? 1 : 0);
  h = mix(h, train.holders);
  h = mix(h, train.stable_clock);
  h = train.acks.fold(h, mix);
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
    info.digest = mix(content_digest(*train), train->link.lseq);
    return info;
  }
  const auto& ack = std::get<LinkAck>(message);
  info.kind = "ack";
  info.add("cumulative", static_cast<std::int64_t>(ack.cumulative))
      .add("lseq", static_cast<std::int64_t>(ack.lseq));
  info.digest = mix(mix(mix(fnv_offset, 0xacU), ack.cumulative), ack.lseq);
  return info;
}

}  // namespace ry::trains
