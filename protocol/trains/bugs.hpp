// TRAINS's planted bugs (README.md, "Planted bugs"), named as `railyard bugs --protocol trains`
// lists them (tools/protocols/trains/descriptor.cpp holds their summaries).
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "protocol/common/bugs.hpp"

namespace ry::trains {

enum class Bug : std::uint8_t { B3, B4, B5, B6, B7, B8, B9, B10, B12, Q1, U1, P1, O1 };
using BugSet = ry::BugSet<Bug>;

inline constexpr std::array<std::string_view, 13> bug_names = {
    "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B12", "Q1", "U1", "P1", "O1"};

constexpr std::optional<Bug> bug_from_name(std::string_view name) {
  for (std::size_t i = 0; i < bug_names.size(); ++i) {
    if (bug_names[i] == name) return static_cast<Bug>(i);
  }
  return std::nullopt;
}

}  // namespace ry::trains
