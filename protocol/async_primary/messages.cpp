#include "protocol/async_primary/messages.hpp"

#include "protocol/common/hash.hpp"

namespace ry::async_primary {
namespace {

std::int64_t i64(std::uint64_t v) noexcept { return static_cast<std::int64_t>(v); }

struct Describer {
  MessageInfo operator()(const Hello& m) const noexcept {
    MessageInfo info;
    info.kind = "hello";
    info.add("epoch", i64(m.epoch)).add("primary", m.primary.value);
    info.add("is_primary", m.is_primary ? 1 : 0).add("replid", i64(m.replid));
    info.add("offset", i64(m.offset)).add("sdown", m.sdown ? 1 : 0);
    std::uint64_t h = hash_u64(hash_u64(1, m.known ? 1 : 0), m.epoch);
    h = hash_u64(h, m.primary.value);
    h = hash_u64(h, m.is_primary ? 1 : 0);
    h = hash_u64(h, m.replid);
    h = hash_u64(h, m.offset);
    info.digest = hash_u64(h, m.sdown ? 1 : 0);
    return info;
  }
  MessageInfo operator()(const VoteRequest& m) const noexcept {
    MessageInfo info;
    info.kind = "vote_request";
    info.add("epoch", i64(m.epoch)).add("from_epoch", i64(m.from_epoch));
    info.digest = hash_u64(hash_u64(2, m.epoch), m.from_epoch);
    return info;
  }
  MessageInfo operator()(const VoteGrant& m) const noexcept {
    MessageInfo info;
    info.kind = "vote_grant";
    info.add("epoch", i64(m.epoch));
    info.digest = hash_u64(3, m.epoch);
    return info;
  }
  MessageInfo operator()(const Sync& m) const noexcept {
    MessageInfo info;
    info.kind = "sync";
    info.add("replid", i64(m.replid)).add("offset", i64(m.offset));
    info.digest = hash_u64(hash_u64(4, m.replid), m.offset);
    return info;
  }
  MessageInfo operator()(const Stream& m) const noexcept {
    MessageInfo info;
    info.kind = "stream";
    info.add("epoch", i64(m.epoch)).add("replid", i64(m.replid));
    info.add("mode", static_cast<std::int64_t>(m.mode)).add("from", i64(m.from));
    info.add("entries", i64(m.entries.size()));
    std::uint64_t h = hash_u64(5, m.epoch);
    h = hash_u64(h, m.replid);
    h = hash_u64(h, m.base);
    h = hash_u64(h, static_cast<std::uint64_t>(m.mode));
    h = hash_u64(h, m.from);
    for (const Entry& e : m.entries) {
      h = hash_u64(hash_u64(h, e.id.client.value), e.id.seq);
      h = fnv1a(e.data, hash_u64(h, e.data.size()));
    }
    info.digest = h;
    return info;
  }
};

}  // namespace

MessageInfo describe(const Message& message) noexcept { return std::visit(Describer{}, message); }

}  // namespace ry::async_primary
