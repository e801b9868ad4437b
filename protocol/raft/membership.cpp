#include "protocol/raft/membership.hpp"

#include <algorithm>

#include "protocol/common/byte_codec.hpp"

namespace ry::raft {
namespace {

// Admin commands start with bytes no encoded Operation starts with (its first byte is an
// OpKind, well below 0xa0), so the two can never be confused.
constexpr std::string_view admin_magic = "\xa7raft-admin";
constexpr std::uint8_t admin_change = 1;
constexpr std::uint8_t admin_transfer = 2;

bool contains(const std::vector<NodeId>& list, NodeId n) noexcept {
  return std::binary_search(list.begin(), list.end(), n);
}
void insert_sorted(std::vector<NodeId>& list, NodeId n) {
  list.insert(std::lower_bound(list.begin(), list.end(), n), n);
}
void erase(std::vector<NodeId>& list, NodeId n) {
  list.erase(std::remove(list.begin(), list.end(), n), list.end());
}
void put_list(std::string& out, const std::vector<NodeId>& list) {
  put_u32(out, static_cast<std::uint32_t>(list.size()));
  for (const NodeId n : list) put_u32(out, n.value);
}
bool read_list(ByteReader& in, std::vector<NodeId>& list) {
  const std::uint32_t count = in.u32();
  if (!in.ok() || count > in.remaining() / 4) return false;
  for (std::uint32_t i = 0; i < count; ++i) list.push_back(NodeId{in.u32()});
  return std::is_sorted(list.begin(), list.end()) &&
         std::adjacent_find(list.begin(), list.end()) == list.end();
}
void put_change(std::string& out, MembershipChange c) {
  put_u8(out, static_cast<std::uint8_t>(c.kind));
  put_u32(out, c.node.value);
}
std::optional<MembershipChange> read_change(ByteReader& in) {
  const std::uint8_t kind = in.u8();
  const NodeId node{in.u32()};
  if (!in.ok() || kind > static_cast<std::uint8_t>(ChangeKind::remove)) return std::nullopt;
  return MembershipChange{static_cast<ChangeKind>(kind), node};
}

}  // namespace

bool Membership::is_voter(NodeId n) const noexcept { return contains(voters, n); }
bool Membership::is_learner(NodeId n) const noexcept { return contains(learners, n); }

std::optional<Membership> Membership::after(MembershipChange change) const {
  Membership next = *this;
  switch (change.kind) {
    case ChangeKind::add_learner:
      if (is_member(change.node)) return std::nullopt;
      insert_sorted(next.learners, change.node);
      return next;
    case ChangeKind::promote:
      if (!is_learner(change.node)) return std::nullopt;
      erase(next.learners, change.node);
      insert_sorted(next.voters, change.node);
      return next;
    case ChangeKind::remove:
      if (!is_member(change.node)) return std::nullopt;
      erase(next.learners, change.node);
      erase(next.voters, change.node);
      if (next.voters.empty()) return std::nullopt;  // a cluster keeps at least one voter
      return next;
  }
  return std::nullopt;
}

std::string encode(const Membership& m) {
  std::string out;
  put_list(out, m.voters);
  put_list(out, m.learners);
  return out;
}

std::optional<Membership> decode_membership(std::string_view bytes) {
  ByteReader in(bytes);
  Membership m;
  if (!read_list(in, m.voters) || !read_list(in, m.learners) || !in.done()) return std::nullopt;
  return m;
}

std::string encode(const ConfigEntry& e) {
  std::string out;
  put_change(out, e.change);
  out += encode(e.result);
  return out;
}

std::optional<ConfigEntry> decode_config_entry(std::string_view bytes) {
  ByteReader in(bytes);
  const auto change = read_change(in);
  if (!change || bytes.size() < 5) return std::nullopt;
  auto result = decode_membership(bytes.substr(5));
  if (!result) return std::nullopt;
  return ConfigEntry{*change, std::move(*result)};
}

std::string encode_membership_change(MembershipChange change) {
  std::string out(admin_magic);
  put_u8(out, admin_change);
  put_change(out, change);
  return out;
}

std::string encode_transfer_leadership(NodeId target) {
  std::string out(admin_magic);
  put_u8(out, admin_transfer);
  put_u32(out, target.value);
  return out;
}

std::optional<AdminCommand> decode_admin(std::string_view data) {
  if (!data.starts_with(admin_magic)) return std::nullopt;
  ByteReader in(data.substr(admin_magic.size()));
  const std::uint8_t kind = in.u8();
  if (kind == admin_change) {
    const auto change = read_change(in);
    if (!change || !in.done()) return std::nullopt;
    return AdminCommand{*change};
  }
  if (kind == admin_transfer) {
    const NodeId target{in.u32()};
    if (!in.done()) return std::nullopt;
    return AdminCommand{TransferLeadership{target}};
  }
  return std::nullopt;
}

}  // namespace ry::raft
