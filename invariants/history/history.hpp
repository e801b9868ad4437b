// A client history, as Jepsen and Knossos see one: every operation a client invoked, with its
// invocation and completion times and how it ended. The linearizability checker reads only this;
// traces/history_reader.hpp builds it from railyard's JSON Lines or Jepsen's EDN histories.
//
// Outcomes (Jepsen's vocabulary): ok = it took effect, with an output; fail = it definitely did
// not take effect (the checker drops it); info = it may or may not have taken effect, at any time
// after its invocation, with an unknown output (a timeout, a crashed client). An operation with
// no completion at all (the history ended first) is treated as info.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/common/client.hpp"

namespace ry {

enum class OpOutcome : std::uint8_t { ok, fail, info };

constexpr std::string_view to_string(OpOutcome o) noexcept {
  switch (o) {
    case OpOutcome::ok: return "ok";
    case OpOutcome::fail: return "fail";
    case OpOutcome::info: return "info";
  }
  return "?";
}

// The return time of an operation that never returned: after every real time.
inline constexpr std::int64_t never_returned_ns = std::numeric_limits<std::int64_t>::max();

struct HistoryOp {
  std::uint64_t process = 0;  // the client id (Jepsen's :process)
  Operation op;               // f, key ("" for the register), value, expected (cas's from)
  std::int64_t invoke_ns = 0;
  std::optional<std::int64_t> complete_ns;  // none: pending or info
  OpOutcome outcome = OpOutcome::info;
  // A read's or get's result on an ok completion; none when unknown (then any value matches).
  std::optional<std::string> output;
  // The position at which the replicated state machine applied it (equal at every replica).
  std::optional<std::uint64_t> applied;
  bool keyed = false;  // the file named a key (so the history is a key-value one)
  std::uint64_t invoke_line = 0;
  std::uint64_t complete_line = 0;  // 0: no completion line

  // The return time the checker uses: infinite for an op that may take effect at any later time.
  [[nodiscard]] std::int64_t return_ns() const noexcept {
    return outcome == OpOutcome::ok && complete_ns ? *complete_ns : never_returned_ns;
  }
};

struct History {
  std::vector<HistoryOp> ops;  // in invocation order
};

// "read k1 -> v1", "cas k1 a->b", "write v" ...: one operation, for messages.
std::string describe(const HistoryOp& op);

// `text` fit for a one-line message: control characters, quotes and backslashes escaped, and
// cut after `max_bytes` (with "..."), so no input can break a message across lines. Inline: the
// history readers in traces/ use it without linking the checkers.
inline std::string printable(std::string_view text, std::size_t max_bytes = 64) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace ry
