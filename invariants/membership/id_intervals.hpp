// A set of message ids kept as disjoint seq intervals per sender, for ids whose details a checker
// has dropped but whose membership it must still answer ("was this id delivered before?"). A
// sender's seq is its own counter (docs/trains.md section 1) and its messages are delivered
// roughly in seq order, so a sender's ids merge into few intervals. Unlike invariants'
// retired-id set, gaps are never bridged (the caller cannot promise that a seq in a gap will never
// be delivered), so each seq never delivered costs one interval: memory follows lost or refused
// broadcasts, not deliveries. O(log intervals) per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>

#include "protocol/common/ids.hpp"

namespace ry::membership {

class IdIntervals {
 public:
  [[nodiscard]] bool contains(MsgId id) const {
    const auto sender = senders_.find(id.sender.value);
    if (sender == senders_.end()) return false;
    const Intervals& in = sender->second;
    auto it = in.upper_bound(id.seq);  // first interval starting above seq
    if (it == in.begin()) return false;
    return id.seq <= std::prev(it)->second;
  }

  void insert(MsgId id) {
    if (contains(id)) return;
    Intervals& in = senders_[id.sender.value];
    const std::uint64_t s = id.seq;
    auto next = in.upper_bound(s);
    // next->first > s, so s + 1 cannot overflow; prev->second < s, so neither can prev->second + 1.
    const bool join_next = next != in.end() && s + 1 == next->first;
    if (next != in.begin()) {
      auto prev = std::prev(next);
      if (prev->second + 1 == s) {
        prev->second = join_next ? next->second : s;
        if (join_next) in.erase(next);
        return;
      }
    }
    if (join_next) {
      const std::uint64_t last = next->second;
      in.erase(next);
      in.emplace(s, last);
      return;
    }
    in.emplace(s, s);
  }

  [[nodiscard]] std::size_t intervals() const {
    std::size_t n = 0;
    for (const auto& sender : senders_) n += sender.second.size();
    return n;
  }

 private:
  using Intervals = std::map<std::uint64_t, std::uint64_t>;  // first seq -> last seq
  std::map<std::uint32_t, Intervals> senders_;
};

}  // namespace ry::membership
