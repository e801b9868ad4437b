// A view (README.md section 1): an id and its members; the ring is the members in node-id order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "protocol/common/assert.hpp"
#include "protocol/common/ids.hpp"

namespace ry::trains {

struct View {
  ViewId id;
  std::vector<NodeId> members;  // sorted, no duplicates

  // View 0 holds every configured node.
  static View initial(std::uint32_t nodes) {
    View view;
    for (std::uint32_t n = 0; n < nodes; ++n) view.members.push_back(NodeId{n});
    return view;
  }

  [[nodiscard]] bool contains(NodeId node) const {
    return std::binary_search(members.begin(), members.end(), node);
  }

  // The next member after `node` in ring order, wrapping round. `node` need not be a member.
  [[nodiscard]] NodeId successor(NodeId node) const {
    RY_ASSERT(!members.empty());
    const auto it = std::upper_bound(members.begin(), members.end(), node);
    return it == members.end() ? members.front() : *it;
  }

  // README.md section 2, G0: f = floor((|view| - 1) / 2); a key needs f + 1 holders.
  [[nodiscard]] std::uint32_t f() const {
    RY_ASSERT(!members.empty());
    return static_cast<std::uint32_t>((members.size() - 1) / 2);
  }

  friend bool operator==(const View&, const View&) = default;
};

}  // namespace ry::trains
