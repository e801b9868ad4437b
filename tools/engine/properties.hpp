// The safety properties a protocol's checkers report (its descriptor's `properties`, plus
// `linearizability` for protocols with a kv workload, checked by the harness). A scenario that
// expects a violation of a property no checker reports could never pass, so its
// `expect.property` is checked against this when the file is read.
#pragma once

#include <string_view>

namespace ry {

bool is_property(std::string_view protocol, std::string_view name);

}  // namespace ry
