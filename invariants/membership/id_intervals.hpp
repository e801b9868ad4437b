// A set of message ids kept as disjoint seq intervals per sender, for ids whose details a checker
// has dropped but whose membership it must still answer ("was this id delivered before?"). A
// sender's seq is its own counter (protocol/trains/README.md section 1) and its messages are
// delivered roughly in seq order, so a sender's ids merge into few intervals. Unlike invariants'
// retired-id set, gaps are never bridged (the caller cannot promise that a seq in a gap will never
// be delivered), so each seq never delivered costs one interval: memory follows lost or refused
// broadcasts, not deliveries. Senders are looked up by id in a NodeTable (O(1)), then
// O(log intervals of that sender) per call, usually one interval: no allocation when an id extends
// an interval.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <utility>

#include "invariants/node_table.hpp"
#include "protocol/common/ids.hpp"

namespace ry::membership {

class IdIntervals {
 public:
  [[nodiscard]] bool contains(MsgId id) const {
    const Intervals* sender = senders_.find(id.sender);
    if (sender == nullptr) return false;
    const Intervals& in = *sender;
    auto it = in.upper_bound(id.seq);  // first interval starting above seq
    if (it == in.begin()) return false;
    return id.seq <= std::prev(it)->second;
  }

  void insert(MsgId id) {
    if (contains(id)) return;
    Intervals& in = senders_.at(id.sender);
    const std::uint64_t s = id.seq;
    auto next = in.upper_bound(s);
    // next->first > s, so s + 1 cannot overflow; prev->second < s, so neither can prev->second + 1.
    const bool join_next = next != in.end() && s + 1 == next->first;
    if (next != in.begin()) {
      auto prev = std::prev(next);
      if (prev->second + 1 == s) {
        prev->second = join_next ? next->second : s;
        if (join_next) {
          in.erase(next);
          --intervals_;
        }
        return;
      }
    }
    if (join_next) {
      auto node = in.extract(next);  // re-keyed in place, no allocation
      node.key() = s;
      in.insert(std::move(node));
      return;
    }
    in.emplace(s, s);
    ++intervals_;
  }

  [[nodiscard]] std::size_t intervals() const noexcept { return intervals_; }

 private:
  using Intervals = std::map<std::uint64_t, std::uint64_t>;  // first seq -> last seq
  NodeTable<Intervals> senders_;
  std::size_t intervals_ = 0;
};

}  // namespace ry::membership
