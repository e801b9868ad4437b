// A client history (Herlihy and Wing; Jepsen's vocabulary): every operation a client invokes, then
// exactly one completion: `ok` (it took effect, with its output), `fail` (it certainly did not) or
// `info` (unknown: it may take effect at any time after its invocation, or never; a timeout is
// info, never a failure). Clients (sim/clients.hpp) report these events; the trace writer, the
// history file writer and the history checkers observe them.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/common/client.hpp"

namespace ry {

enum class HistoryType : std::uint8_t { invoke, ok, fail, info };

constexpr std::string_view to_string(HistoryType t) noexcept {
  switch (t) {
    case HistoryType::invoke: return "invoke";
    case HistoryType::ok: return "ok";
    case HistoryType::fail: return "fail";
    case HistoryType::info: return "info";
  }
  return "?";
}

struct HistoryEvent {
  std::uint64_t index = 0;  // from 0, in the order the events happened
  HistoryType type = HistoryType::invoke;
  RequestId request;              // request.client is Jepsen's `process`
  const Operation* op = nullptr;  // what was invoked (valid during the callback only)
  std::string_view output;        // ok: a read's value; fail: why (valid during the callback only)
  NodeId node;                    // the node the client last talked to
  std::uint64_t applied = 0;  // ok: the position at which the state machine applied it (0: unknown)
};

}  // namespace ry
