// Per-node state of a checker, looked up by NodeId on every delivery. Node ids are small and dense
// in every configuration, so they index a vector (O(1) per delivery); an id far outside that
// range (odd input: a checker must not crash on it, nor allocate gigabytes) goes to an ordered
// map instead. Iteration order is by node id either way, so nothing depends on hash order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry {

template <class T>
class NodeTable {
 public:
  static constexpr std::uint32_t dense_max = 1024;

  // The state of `node`, created empty on first use.
  T& at(NodeId node) {
    if (node.value < dense_max) {
      if (node.value >= dense_.size()) dense_.resize(std::size_t{node.value} + 1);
      return dense_[node.value];
    }
    return sparse_[node];
  }

  // Calls f(NodeId, T&) for every node with state, in node-id order.
  template <class F>
  void for_each(F&& f) {
    for (std::size_t i = 0; i < dense_.size(); ++i) {
      f(NodeId{static_cast<std::uint32_t>(i)}, dense_[i]);
    }
    for (auto& [node, value] : sparse_) f(node, value);
  }

  // The state of `node`, or nullptr if nothing was ever recorded for it.
  [[nodiscard]] const T* find(NodeId node) const {
    if (node.value < dense_max) {
      return node.value < dense_.size() ? &dense_[node.value] : nullptr;
    }
    const auto it = sparse_.find(node);
    return it == sparse_.end() ? nullptr : &it->second;
  }

 private:
  std::vector<T> dense_;
  std::map<NodeId, T> sparse_;
};

}  // namespace ry
