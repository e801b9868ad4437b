#include "protocol/common/client.hpp"

#include <array>

#include "protocol/common/byte_codec.hpp"

namespace ry {

namespace {

constexpr std::array<OpKind, 7> all_kinds = {OpKind::broadcast, OpKind::read, OpKind::write,
                                             OpKind::cas,       OpKind::get,  OpKind::put,
                                             OpKind::append};

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
  put_bytes(out, op.key);
  put_bytes(out, op.value);
  put_bytes(out, op.expected);
  return out;
}

std::optional<Operation> decode_operation(std::string_view data) {
  if (data.size() < 2 || data[0] != op_tag) return std::nullopt;
  const auto kind = static_cast<unsigned char>(data[1]);
  if (kind == 0 || kind >= all_kinds.size()) return std::nullopt;
  Operation op;
  op.f = all_kinds[kind];
  ByteReader in(data.substr(2));
  op.key = in.bytes();
  op.value = in.bytes();
  op.expected = in.bytes();
  if (!in.done()) return std::nullopt;
  return op;
}

}  // namespace ry
