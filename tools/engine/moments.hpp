// The moments a scripted crash can target ({"do": "crash", "moment": ...}, scenarios/README.md):
// the note kinds a protocol's core emits, listed in its descriptor. A crash at a moment fires at
// the next step whose notes include that kind, so a name no core emits would never fire and the
// scenario would pass without its fault: the schedule reader refuses it.
#pragma once

#include <span>
#include <string_view>

namespace ry {

// The note kinds of `protocol`; empty for an unknown protocol.
std::span<const std::string_view> crash_moments(std::string_view protocol);
// Whether `moment` is one of crash_moments(protocol).
bool is_crash_moment(std::string_view protocol, std::string_view moment);

}  // namespace ry
