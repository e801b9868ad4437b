#include "invariants/membership/views.hpp"

#include <algorithm>

namespace ry::membership {

Members normalized(std::vector<NodeId> members) {
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}

std::size_t common_count(const Members& a, const Members& b) {
  std::size_t n = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++n;
      ++i;
      ++j;
    }
  }
  return n;
}

std::string describe_members(const Members& members) {
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(members[i].value);
  }
  return out + "}";
}

void ViewFloor::record(NodeId node, ViewId view) {
  std::optional<ViewId>& highest = highest_.at(node);
  if (!highest || *highest < view) highest = view;
}

std::optional<ViewId> ViewFloor::floor() const {
  if (nodes_ == 0) return std::nullopt;
  std::optional<ViewId> lowest;
  for (std::uint32_t i = 0; i < nodes_; ++i) {
    const std::optional<ViewId>* highest = highest_.find(NodeId{i});
    if (highest == nullptr || !*highest) return std::nullopt;
    if (!lowest || **highest < *lowest) lowest = **highest;
  }
  return lowest;
}

}  // namespace ry::membership
