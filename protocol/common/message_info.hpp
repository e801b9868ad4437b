// A protocol-agnostic description of one message: its kind and a few named integer fields,
// plus a digest of its whole content. Observers (checkers, trace writer) see messages only
// through this, so they work unchanged for every protocol.
#pragma once

#include <array>
#include <cstdint>

namespace ry {

struct Field {
  const char* name = "";  // a string literal
  std::int64_t value = 0;
};

struct MessageInfo {
  static constexpr int fields_max = 6;
  const char* kind = "";  // a string literal
  std::array<Field, fields_max> fields{};
  int count = 0;
  std::uint64_t digest = 0;  // hash of the complete content
  // Set by the simulator, not the protocol: the send's number in the run (from 1), the same on
  // its receipt or drop, so exports pair them without guessing; and how many copies the network
  // will deliver (2 when it duplicates the message, 0 when it loses it at once).
  std::uint64_t id = 0;
  int copies = 1;

  MessageInfo& add(const char* name, std::int64_t value) noexcept {
    if (count < fields_max) fields[static_cast<std::size_t>(count++)] = Field{name, value};
    return *this;
  }
};

}  // namespace ry
