// A set of node ids: ids below 64 in one word (every cluster here), larger ones in a sorted
// vector, so that the common case never allocates. O(1) for small ids, O(log n) otherwise.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry::membership {

class NodeSet {
 public:
  // Adds `node`; false if it was there already.
  bool insert(NodeId node) {
    if (node.value < 64) {
      const std::uint64_t bit = std::uint64_t{1} << node.value;
      if ((low_ & bit) != 0) return false;
      low_ |= bit;
      return true;
    }
    const auto at = std::lower_bound(high_.begin(), high_.end(), node);
    if (at != high_.end() && *at == node) return false;
    high_.insert(at, node);
    return true;
  }
  // Removes `node`; false if it was not there.
  bool erase(NodeId node) {
    if (node.value < 64) {
      const std::uint64_t bit = std::uint64_t{1} << node.value;
      if ((low_ & bit) == 0) return false;
      low_ &= ~bit;
      return true;
    }
    const auto at = std::lower_bound(high_.begin(), high_.end(), node);
    if (at == high_.end() || *at != node) return false;
    high_.erase(at);
    return true;
  }
  [[nodiscard]] bool contains(NodeId node) const {
    if (node.value < 64) return (low_ & (std::uint64_t{1} << node.value)) != 0;
    return std::binary_search(high_.begin(), high_.end(), node);
  }

 private:
  std::uint64_t low_ = 0;
  std::vector<NodeId> high_;
};

}  // namespace ry::membership
