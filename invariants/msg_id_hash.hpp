// A hash for MsgId so that checkers can keep O(1) sets of ids. The unordered containers that use
// it are only probed, never iterated, so hash order never reaches a decision or an output.
#pragma once

#include <cstddef>

#include "protocol/common/hash.hpp"
#include "protocol/common/ids.hpp"

namespace ry {

struct MsgIdHash {
  std::size_t operator()(MsgId id) const noexcept {
    return static_cast<std::size_t>(hash_u64(hash_u64(fnv_offset, id.sender.value), id.seq));
  }
};

}  // namespace ry
