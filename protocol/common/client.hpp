// Clients and their operations, shared by every protocol core, the simulator's workload clients
// and the history checkers. A client is not a node: `ClientId` names a workload client, and a
// `RequestId` one operation of it (a retry keeps its id, so a protocol can apply it at most once).
//
// Operations use Jepsen's vocabulary so that a history can be checked by railyard or exported to
// Knossos, Elle and Porcupine unchanged: a register (read, write, cas from -> to) and a key-value
// map (get, put, append); `broadcast` hands an opaque payload to a total-order broadcast.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/common/ids.hpp"

namespace ry {

struct ClientId {
  std::uint32_t value = 0;
  friend constexpr auto operator<=>(ClientId, ClientId) = default;
};

struct RequestId {
  ClientId client;
  std::uint64_t seq = 0;  // the client's own counter, from 1
  friend constexpr auto operator<=>(RequestId, RequestId) = default;
};

// The id a broadcast protocol gives the payload a request brought: its origin and counter.
// Ordering checkers speak of these. The broadcast workload attaches client c to node c only, so
// its payloads read (node, seq) as they always have.
constexpr MsgId payload_id(RequestId id) noexcept { return MsgId{NodeId{id.client.value}, id.seq}; }

// The inverse, for the broadcast workload and tests that name requests by payload id.
constexpr RequestId request_of(MsgId id) noexcept {
  return RequestId{ClientId{id.sender.value}, id.seq};
}

enum class OpKind : std::uint8_t { broadcast, read, write, cas, get, put, append };

constexpr std::string_view to_string(OpKind f) noexcept {
  switch (f) {
    case OpKind::broadcast: return "broadcast";
    case OpKind::read: return "read";
    case OpKind::write: return "write";
    case OpKind::cas: return "cas";
    case OpKind::get: return "get";
    case OpKind::put: return "put";
    case OpKind::append: return "append";
  }
  return "?";
}
std::optional<OpKind> op_kind_from(std::string_view name) noexcept;

// Does the operation change state? (A read never does; a failed cas did not.)
constexpr bool is_write(OpKind f) noexcept {
  return f == OpKind::write || f == OpKind::cas || f == OpKind::put || f == OpKind::append;
}

// One operation. `key` is empty for the single register. `value` is what is written (write, put,
// append: appended text; cas: the new value); `expected` is cas's `from`.
struct Operation {
  OpKind f = OpKind::broadcast;
  std::string key;
  std::string value;
  std::string expected;
  friend bool operator==(const Operation&, const Operation&) = default;
};

// The bytes a protocol carries for an operation: a broadcast's payload as it is, anything else
// as a small self-delimiting record (kind, then key, value and expected, each length-prefixed).
std::string encode(const Operation& op);
// Nothing if `data` is not a well-formed record (a protocol never trusts the wire).
std::optional<Operation> decode_operation(std::string_view data);

// A request from a workload client to a node: the operation, encoded (`data`).
struct ClientRequest {
  RequestId id;
  std::string data;
};

// accepted / rejected / delivered: a broadcast was queued, turned away (never broadcast), or
// delivered. ok / fail: an operation completed (with `value` for reads) or definitely did not take
// effect (`value` says why: a cas whose `from` did not match, a node out of its view).
// not_leader: this node cannot order it; `leader_hint` names the node to try, if known.
enum class ReplyStatus : std::uint8_t { accepted, rejected, delivered, ok, fail, not_leader };

constexpr std::string_view to_string(ReplyStatus s) noexcept {
  switch (s) {
    case ReplyStatus::accepted: return "accepted";
    case ReplyStatus::rejected: return "rejected";
    case ReplyStatus::delivered: return "delivered";
    case ReplyStatus::ok: return "ok";
    case ReplyStatus::fail: return "fail";
    case ReplyStatus::not_leader: return "not_leader";
  }
  return "?";
}

// A constructor rather than an aggregate, so ClientReply{id, status} needs no value
// (-Wmissing-field-initializers).
struct ClientReply {
  ClientReply() = default;
  ClientReply(RequestId id_, ReplyStatus status_, std::string value_ = {},
              std::optional<NodeId> leader_hint_ = {}, std::uint64_t position_ = 0)
      : id(id_),
        status(status_),
        value(std::move(value_)),
        leader_hint(leader_hint_),
        position(position_) {}

  RequestId id;
  ReplyStatus status = ReplyStatus::accepted;
  std::string value;
  std::optional<NodeId> leader_hint;
  // ok: the position in the replicated order at which the operation took effect, the same at
  // every replica (0: not known). A history checker can try that order first (a witness).
  std::uint64_t position = 0;
};

}  // namespace ry
