#include "protocol/trains/reference.hpp"

#include <algorithm>

#include "protocol/common/hash.hpp"

namespace ry::trains {

Reference::Reference(const Config& config, NodeId self) : config_(config), self_(self) {}

std::uint64_t Reference::seen(std::uint32_t issuer) const {
  const auto it = clocks_seen_.find(issuer);
  if (it == clocks_seen_.end() || it->second.empty()) return 0;
  return *it->second.rbegin();
}

std::uint64_t Reference::stable(std::uint32_t issuer) const {
  const auto it = stable_.find(issuer);
  return it == stable_.end() ? 0 : it->second;
}

void Reference::start_issuer(ReferenceOutput& out) {
  create(out);
  drain(out);  // its first clock may satisfy G3 for keys parked here
}

void Reference::broadcast(const ClientRequest& request, ReferenceOutput& out) {
  if (known_.contains(payload_id(request.id)) || request.data.size() > config_.train_bytes_max) {
    out.replies.push_back(ClientReply{request.id, ReplyStatus::rejected});
    return;
  }
  known_.insert(payload_id(request.id));
  pending_.push_back(Payload{NodeId{request.id.client.value}, request.id.seq, request.data});
  out.replies.push_back(ClientReply{request.id, ReplyStatus::accepted});
}

void Reference::create(ReferenceOutput& out) {
  ++issued_;
  clocks_seen_[self_.value].insert(issued_);
  Train train;
  train.issuer = self_;
  train.clock = issued_;
  train.stable_clock = stable(self_.value);
  load(train);
  train.acks.insert(self_);
  close_if_acked(train);
  out.forwarded.push_back(train);
}

void Reference::load(Train& train) {
  std::vector<Payload> more;
  std::size_t taken = 0;
  for (const Payload& p : pending_) {
    if (train.bytes + p.data.size() > config_.train_bytes_max) break;
    train.bytes += p.data.size();
    more.push_back(p);
    ++taken;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(taken));
  train.payloads.append(std::move(more));
}

void Reference::close_if_acked(Train& train) {
  for (std::uint32_t n = 0; n < config_.nodes; ++n) {
    if (!train.acks.contains(NodeId{n})) return;
  }
  train.closed = true;
  train.holders = 1;
  held_.try_emplace(train.key(), train);
  holders_seen_.try_emplace(train.key(), 0);  // the closer has not seen it arrive closed
  parked_.insert(train.key());
}

void Reference::on_train(Train train, ReferenceOutput& out) {
  train.link = LinkHeader{};
  const std::uint32_t q = train.issuer.value;
  if (q >= config_.trains || train.clock == 0) return;
  stable_[q] = std::max(stable(q), train.stable_clock);
  if (train.closed && train.clock <= stable(q)) return;
  const std::uint64_t s = seen(q);
  if (train.clock > s + 1) out.clock_gaps.emplace_back(q, train.clock);
  clocks_seen_[q].insert(train.clock);
  const Key key = train.key();
  if (!train.closed) {
    if (!train.acks.contains(self_)) {
      for (const Payload& p : train.payloads) known_.insert(p.id());
      load(train);
      train.acks.insert(self_);
      close_if_acked(train);
    }
    out.forwarded.push_back(train);
  } else if (!held_.contains(key)) {
    train.holders += 1;
    for (const Payload& p : train.payloads) known_.insert(p.id());
    held_[key] = train;
    holders_seen_[key] = train.holders;
    if (!done_.contains(key)) parked_.insert(key);
    out.forwarded.push_back(train);
  } else {
    holders_seen_[key] = std::max(holders_seen_[key], train.holders);
    if (q != self_.value) {
      out.forwarded.push_back(train);
    } else {
      stable_[q] = std::max(stable(q), train.clock);
      if (train.clock == issued_) create(out);
    }
  }
  drain(out);
}

bool Reference::deliverable(const Key& key) const {
  const std::uint32_t f = (config_.nodes - 1) / 2;
  if (holders_seen_.at(key) < f + 1 && stable(key.issuer) < key.clock) return false;  // G0
  for (const Key& other : parked_) {
    if (other < key) return false;  // G1
  }
  for (std::uint32_t q = 0; q < config_.trains; ++q) {
    for (std::uint64_t c = 1; c <= seen(q); ++c) {
      if (Key{c, q} < key && !done_.contains(Key{c, q})) return false;  // G2
    }
    if (seen(q) < key.clock) return false;  // G3
  }
  return true;
}

void Reference::drain(ReferenceOutput& out) {
  while (!parked_.empty()) {
    const Key key = *parked_.begin();
    if (!deliverable(key)) return;
    parked_.erase(key);
    deliver(key, out);
  }
}

void Reference::deliver(const Key& key, ReferenceOutput& out) {
  std::vector<Payload> sorted(held_.at(key).payloads.begin(), held_.at(key).payloads.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const Payload& a, const Payload& b) { return a.id() < b.id(); });
  for (const Payload& p : sorted) {
    if (delivered_.contains(p.id())) continue;
    delivered_.insert(p.id());
    known_.insert(p.id());
    out.deliveries.push_back(Delivery{p.id(), fnv1a(p.data)});
  }
  done_.insert(key);
}

}  // namespace ry::trains
