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

namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

std::uint64_t ballot_digest(std::uint64_t h, const Ballot& b) {
  return mix(mix(h, b.round), b.coordinator.value);
}

std::uint64_t proposal_digest(std::uint64_t h, const Proposal& p) {
  h = mix(mix(h, p.view.value), p.members.size());
  for (NodeId m : p.members) h = mix(h, m.value);
  h = mix(h, p.joiners.size());
  for (NodeId m : p.joiners) h = mix(h, m.value);
  for (std::uint32_t i : p.joiner_incarnations) h = mix(h, i);
  for (std::uint64_t b : p.plan.boundary) h = mix(h, b);
  for (const PlanStep& step : p.plan.steps) {
    h = mix(mix(mix(h, step.key.clock), step.key.issuer), step.deliver ? 1 : 0);
    if (step.deliver) h = mix(h, content_digest(step.content));
  }
  return h;
}

std::uint64_t report_digest(std::uint64_t h, const Report& r) {
  h = mix(h, r.issued);
  for (std::uint64_t v : r.seen) h = mix(h, v);
  for (std::uint64_t v : r.done_upto) h = mix(h, v);
  for (const Train& t : r.have) h = mix(h, content_digest(t));
  return h;
}

}  // namespace

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
  if (const auto* ack = std::get_if<LinkAck>(&message)) {
    info.kind = "ack";
    info.add("cumulative", static_cast<std::int64_t>(ack->cumulative))
        .add("lseq", static_cast<std::int64_t>(ack->lseq));
    info.digest = mix(mix(mix(fnv_offset, 0xacU), ack->cumulative), ack->lseq);
    return info;
  }
  if (const auto* hb = std::get_if<Heartbeat>(&message)) {
    info.kind = "heartbeat";
    info.add("view", i64(hb->view.value));
    info.digest = mix(mix(fnv_offset, 0xbeU), hb->view.value);
    return info;
  }
  if (const auto* join = std::get_if<Join>(&message)) {
    info.kind = "join";
    info.add("view", i64(join->view.value)).add("issued", i64(join->issued));
    info.add("incarnation", join->incarnation).add("restarted", join->restarted ? 1 : 0);
    info.digest = mix(
        mix(mix(mix(mix(fnv_offset, 0x10U), join->view.value), join->issued), join->incarnation),
        join->restarted ? 1U : 0U);
    return info;
  }
  if (const auto* g = std::get_if<Gather>(&message)) {
    info.kind = "gather";
    info.add("base", i64(g->base.value)).add("round", i64(g->ballot.round));
    info.digest = ballot_digest(mix(mix(fnv_offset, 0x9aU), g->base.value), g->ballot);
    return info;
  }
  if (const auto* r = std::get_if<ReportMsg>(&message)) {
    info.kind = "report";
    info.add("base", i64(r->base.value))
        .add("round", i64(r->ballot.round))
        .add("have", i64(r->report.have.size()))
        .add("accepted", r->accepted ? i64(r->accepted->ballot.round) : -1);
    std::uint64_t h = ballot_digest(mix(mix(fnv_offset, 0x4eU), r->base.value), r->ballot);
    h = report_digest(h, r->report);
    if (r->accepted)
      h = proposal_digest(ballot_digest(h, r->accepted->ballot), r->accepted->proposal);
    info.digest = h;
    return info;
  }
  if (const auto* a = std::get_if<Accept>(&message)) {
    info.kind = "accept";
    info.add("base", i64(a->base.value))
        .add("round", i64(a->ballot.round))
        .add("size", i64(a->proposal.members.size()))
        .add("steps", i64(a->proposal.plan.steps.size()));
    info.digest = proposal_digest(
        ballot_digest(mix(mix(fnv_offset, 0xa2U), a->base.value), a->ballot), a->proposal);
    return info;
  }
  if (const auto* a = std::get_if<Accepted>(&message)) {
    info.kind = "accepted";
    info.add("base", i64(a->base.value)).add("round", i64(a->ballot.round));
    info.digest = ballot_digest(mix(mix(fnv_offset, 0xa3U), a->base.value), a->ballot);
    return info;
  }
  const auto& install = std::get<Install>(message);
  info.kind = "install";
  info.add("view", i64(install.proposal.view.value))
      .add("size", i64(install.proposal.members.size()))
      .add("steps", i64(install.proposal.plan.steps.size()))
      .add("snapshot", install.snapshot ? i64(install.snapshot->position) : -1);
  std::uint64_t h =
      proposal_digest(mix(mix(fnv_offset, 0x15U), install.base.value), install.proposal);
  if (install.snapshot) {
    h = mix(mix(mix(h, install.snapshot->position), install.snapshot->log_digest),
            install.snapshot->donor.value);
    h = install.snapshot->delivered.digest(h);
    for (const std::uint32_t incarnation : install.snapshot->admitted) h = mix(h, incarnation);
  }
  info.digest = h;
  return info;
}

}  // namespace ry::trains
