// The safety properties the checkers report (invariants/: the name() each checker passes to the
// verdict). A scenario that expects a violation of a property no checker reports could never
// pass, so its `expect.property` is checked against this list when the file is read.
#pragma once

#include <span>
#include <string_view>

namespace ry {

// Every property name a checker can report, sorted.
std::span<const std::string_view> property_names();

bool is_property(std::string_view name);

}  // namespace ry
