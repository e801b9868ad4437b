// A map kept as a sorted vector, for the few keys a node holds at a time (README.md section 2, 4: a
// couple per slot until they are done and stable). Holding a key is a per-hop event, and a
// node-based std::map allocates and frees a node for each; this reuses the vector's capacity.
// Iteration is in key order, like std::map, so whatever walks it (garbage collection, the state
// digest) sees the same sequence.
#pragma once

#include <algorithm>
#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

#include "protocol/common/assert.hpp"

namespace ry::trains {

template <class K, class V>
class FlatMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  [[nodiscard]] iterator begin() noexcept { return items_.begin(); }
  [[nodiscard]] iterator end() noexcept { return items_.end(); }
  [[nodiscard]] const_iterator begin() const noexcept { return items_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return items_.end(); }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

  [[nodiscard]] iterator find(const K& key) {
    const auto it = lower(key);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  [[nodiscard]] const_iterator find(const K& key) const {
    const auto it = std::lower_bound(items_.begin(), items_.end(), key, less);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  [[nodiscard]] bool contains(const K& key) const { return find(key) != end(); }
  [[nodiscard]] const V& at(const K& key) const {
    const auto it = find(key);
    RY_ASSERT(it != end());
    return it->second;
  }

  // Inserts (key, V(args...)) unless the key is there; like std::map::try_emplace.
  template <class... Args>
  std::pair<iterator, bool> try_emplace(const K& key, Args&&... args) {
    auto it = lower(key);
    if (it != items_.end() && it->first == key) return {it, false};
    it = items_.emplace(it, std::piecewise_construct, std::forward_as_tuple(key),
                        std::forward_as_tuple(std::forward<Args>(args)...));
    return {it, true};
  }

  iterator erase(iterator it) { return items_.erase(it); }
  void clear() noexcept { items_.clear(); }
  std::size_t erase(const K& key) {
    const auto it = find(key);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }

 private:
  static bool less(const value_type& item, const K& key) { return item.first < key; }
  iterator lower(const K& key) { return std::lower_bound(items_.begin(), items_.end(), key, less); }

  std::vector<value_type> items_;  // sorted by key, keys unique
};

}  // namespace ry::trains
