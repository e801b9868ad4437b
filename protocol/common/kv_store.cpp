#include "protocol/common/kv_store.hpp"

#include "protocol/common/byte_codec.hpp"
#include "protocol/common/hash.hpp"

namespace ry {

namespace {
constexpr std::uint64_t image_magic = 0x316b76737972ULL;  // "ryskv1"
}  // namespace

KvResult KvStore::execute(const Operation& op) {
  switch (op.f) {
    case OpKind::read:
    case OpKind::get: {
      const auto it = data_.find(op.key);
      return KvResult{ReplyStatus::ok, it == data_.end() ? std::string() : it->second};
    }
    case OpKind::write:
    case OpKind::put: data_[op.key] = op.value; return KvResult{ReplyStatus::ok, {}};
    case OpKind::append: data_[op.key] += op.value; return KvResult{ReplyStatus::ok, {}};
    case OpKind::cas: {
      const auto it = data_.find(op.key);
      const std::string& current = it == data_.end() ? std::string() : it->second;
      if (current != op.expected) return KvResult{ReplyStatus::fail, "cas: value differs"};
      data_[op.key] = op.value;
      return KvResult{ReplyStatus::ok, {}};
    }
    case OpKind::broadcast: break;
  }
  return KvResult{ReplyStatus::fail, "not a key-value operation"};
}

KvResult KvStore::apply(RequestId id, const Operation& op) {
  Session& session = sessions_[id.client.value];
  if (id.seq == session.seq && session.seq != 0) return session.result;
  if (id.seq < session.seq) return KvResult{ReplyStatus::fail, "stale request"};
  session.seq = id.seq;
  session.result = execute(op);
  ++applied_;
  return session.result;
}

std::optional<KvResult> KvStore::result_of(RequestId id) const {
  const auto it = sessions_.find(id.client.value);
  if (it == sessions_.end() || it->second.seq != id.seq || id.seq == 0) return std::nullopt;
  return it->second.result;
}

bool KvStore::applied(RequestId id) const {
  const auto it = sessions_.find(id.client.value);
  return it != sessions_.end() && it->second.seq >= id.seq;
}

std::optional<std::string> KvStore::value(std::string_view key) const {
  const auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t KvStore::digest() const noexcept {
  std::uint64_t h = fnv_offset;
  for (const auto& [key, value] : data_) {
    h = fnv1a(key, hash_u64(h, key.size()));
    h = fnv1a(value, hash_u64(h, value.size()));
  }
  for (const auto& [client, session] : sessions_) {
    h = hash_u64(hash_u64(h, client), session.seq);
    h = hash_u64(h, static_cast<std::uint64_t>(session.result.status));
    h = fnv1a(session.result.value, h);
  }
  return h;
}

std::string KvStore::image() const {
  std::string out;
  put_u64(out, image_magic);
  put_u64(out, applied_);
  put_u64(out, data_.size());
  for (const auto& [key, value] : data_) {
    put_bytes(out, key);
    put_bytes(out, value);
  }
  put_u64(out, sessions_.size());
  for (const auto& [client, session] : sessions_) {
    put_u32(out, client);
    put_u64(out, session.seq);
    put_u8(out, static_cast<std::uint8_t>(session.result.status));
    put_bytes(out, session.result.value);
  }
  return out;
}

bool KvStore::restore(std::string_view image) {
  KvStore next;
  ByteReader in(image);
  if (in.u64() != image_magic) return false;
  next.applied_ = in.u64();
  for (std::uint64_t i = 0, n = in.u64(); in.ok() && i < n; ++i) {
    std::string key(in.bytes());
    std::string value(in.bytes());
    next.data_.emplace(std::move(key), std::move(value));
  }
  for (std::uint64_t i = 0, n = in.u64(); in.ok() && i < n; ++i) {
    const std::uint32_t client = in.u32();
    Session session;
    session.seq = in.u64();
    const std::uint8_t status = in.u8();
    session.result.value = std::string(in.bytes());
    if (status > static_cast<std::uint8_t>(ReplyStatus::not_leader)) return false;
    session.result.status = static_cast<ReplyStatus>(status);
    next.sessions_.emplace(client, std::move(session));
  }
  if (!in.done()) return false;
  *this = std::move(next);
  return true;
}

}  // namespace ry
