// One-line renderings of ids for violation details, identical on every platform (integers only,
// no locale), so that a detail can be compared across runs and quoted in a regression scenario.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/common/effects.hpp"
#include "protocol/common/ids.hpp"
#include "sim/observer.hpp"

namespace ry {

std::string describe(
    MsgId id);  // "(2,17)": (sender, seq) as in protocol/trains/README.md section 7
std::string describe(NodeRef node);                 // "node 3/1": node 3 in its incarnation 1
std::string describe_digest(std::uint64_t digest);  // "0x00c0ffee00c0ffee"
std::string describe(const Delivery& delivery);     // "(2,17) digest 0x..."

}  // namespace ry
