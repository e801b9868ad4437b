#include "protocol/common/client.hpp"

#include <array>

namespace ry {

namespace {

constexpr std::array<OpKind, 7> all_kinds = {OpKind::broadcast, OpKind::read, OpKind::write,
                                             OpKind::cas,       OpKind::get,  OpKind::put,
                                             OpKind::append};

void put_field(std::string& out, std::string_view field) {
  const auto n = static_cast<std::uint32_t>(field.size());
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(field);
}

bool take_field(std::string_view& in, std::string& field) {
  if (in.size() < 4) return false;
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    n |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  }
  in.remove_prefix(4);
  if (in.size() < n) return false;
  field.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

// The first byte of an encoded operation; a broadcast payload is carried raw, so its bytes can
// start with anything: decode_operation is only used where every request is an operation.
constexpr char op_tag = '\x01';

}  // namespace

std::optional<OpKind> op_kind_from(std::string_view name) noexcept {
  for (OpKind f : all_kinds) {
    if (to_string(f) == name) return f;
  }
  return std::nullopt;
}

std::string encode(const Operation& op) {
  if (op.f == OpKind::broadcast) return op.value;
  std::string out;
  out.reserve(2 + 12 + op.key.size() + op.value.size() + op.expected.size());
  out.push_back(op_tag);
  out.push_back(static_cast<char>(op.f));
  put_field(out, op.key);
  put_field(out, op.value);
  put_field(out, op.expected);
  return out;
}

std::optional<Operation> decode_operation(std::string_view data) {
  if (data.size() < 2 || data[0] != op_tag) return std::nullopt;
  const auto kind = static_cast<unsigned char>(data[1]);
  if (kind == 0 || kind >= all_kinds.size()) return std::nullopt;
  Operation op;
  op.f = all_kinds[kind];
  data.remove_prefix(2);
  if (!take_field(data, op.key) || !take_field(data, op.value) || !take_field(data, op.expected)) {
    return std::nullopt;
  }
  if (!data.empty()) return std::nullopt;
  return op;
}

}  // namespace ry
