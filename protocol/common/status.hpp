// A core's protocol state as telemetry (its view, or its term and role): a few named integers a
// core returns from `telemetry()` (optional in the ProtocolCore concept). The simulator reports a
// node's status to the observers whenever it changes, so the trace shows each node's state at
// every step without a replay, and the run summary ends with each node's last status.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ry {

struct StatusField {
  std::string_view name;  // a string literal, e.g. "view", "term", "role"
  std::int64_t value = 0;
  friend constexpr bool operator==(const StatusField&, const StatusField&) = default;
};

struct Status {
  static constexpr std::size_t fields_max = 6;
  std::array<StatusField, fields_max> fields{};
  std::uint8_t size = 0;

  constexpr Status& add(std::string_view name, std::int64_t value) {
    if (size < fields_max) fields[size++] = StatusField{name, value};
    return *this;
  }
  friend constexpr bool operator==(const Status&, const Status&) = default;
};

}  // namespace ry
