#include "protocol/common/kv_store.hpp"

#include "protocol/common/hash.hpp"

namespace ry {

namespace {

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void put_bytes(std::string& out, std::string_view bytes) {
  put_u64(out, bytes.size());
  out.append(bytes);
}
bool take_u64(std::string_view& in, std::uint64_t& v) {
  if (in.size() < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[static_cast<std::size_t>(i)]))
         << (8 * i);
  }
  in.remove_prefix(8);
  return true;
}
bool take_bytes(std::string_view& in, std::string& out) {
  std::uint64_t n = 0;
  if (!take_u64(in, n) || in.size() < n) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

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
    put_u64(out, client);
    put_u64(out, session.seq);
    put_u64(out, static_cast<std::uint64_t>(session.result.status));
    put_bytes(out, session.result.value);
  }
  return out;
}

bool KvStore::restore(std::string_view in) {
  KvStore next;
  std::uint64_t magic = 0;
  std::uint64_t count = 0;
  if (!take_u64(in, magic) || magic != image_magic || !take_u64(in, next.applied_) ||
      !take_u64(in, count)) {
    return false;
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string key;
    std::string value;
    if (!take_bytes(in, key) || !take_bytes(in, value)) return false;
    next.data_.emplace(std::move(key), std::move(value));
  }
  if (!take_u64(in, count)) return false;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t client = 0;
    std::uint64_t status = 0;
    Session s;
    if (!take_u64(in, client) || client > UINT32_MAX || !take_u64(in, s.seq) ||
        !take_u64(in, status) || status > static_cast<std::uint64_t>(ReplyStatus::not_leader) ||
        !take_bytes(in, s.result.value)) {
      return false;
    }
    s.result.status = static_cast<ReplyStatus>(status);
    next.sessions_.emplace(static_cast<std::uint32_t>(client), std::move(s));
  }
  if (!in.empty()) return false;
  *this = std::move(next);
  return true;
}

}  // namespace ry
