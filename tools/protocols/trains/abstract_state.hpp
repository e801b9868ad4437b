// TRAINS's abstract state for coverage (tools/engine/coverage.hpp), from the nodes' telemetry
// (core.hpp: view, members, frozen, out) and the world:
//   - the size of the highest installed view (members of the node with the highest view id);
//   - how many up nodes are frozen (a view change in progress);
//   - how many up nodes are out (excluded or rejoining: the joiners);
//   - how many nodes are down;
//   - whether the up nodes disagree on the view (a view change not yet installed everywhere);
//   - the active fault kinds (FaultBit).
// Small on purpose: about N^3 x 2 x 64 values at most, most never reached.
#pragma once

#include <cstdint>

#include "tools/engine/coverage.hpp"

namespace ry {

inline std::uint64_t trains_abstract_state(const AbstractInputs& in) {
  std::int64_t top_view = -1;
  std::uint64_t members = 0, frozen = 0, out = 0, down = 0;
  bool split = false;
  std::int64_t first_view = -1;
  for (std::size_t i = 0; i < in.status.size(); ++i) {
    if (in.up[i] == 0) {
      ++down;
      continue;
    }
    const Status& s = in.status[i];
    std::int64_t view = -1;
    for (std::size_t f = 0; f < s.size; ++f) {
      const StatusField& field = s.fields[f];
      if (field.name == "view") view = field.value;
      if (field.name == "frozen" && field.value != 0) ++frozen;
      if (field.name == "out" && field.value != 0) ++out;
    }
    if (view > top_view) {
      top_view = view;
      for (std::size_t f = 0; f < s.size; ++f) {
        if (s.fields[f].name == "members") members = static_cast<std::uint64_t>(s.fields[f].value);
      }
    }
    if (first_view < 0) first_view = view;
    split = split || view != first_view;
  }
  return pack_fields(
      {{members, 8}, {frozen, 8}, {out, 8}, {down, 8}, {split ? 1U : 0U, 1}, {in.faults, 6}});
}

}  // namespace ry
