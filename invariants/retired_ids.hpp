// The ids whose story is over for a checker (delivered at every node), kept as disjoint seq
// intervals per sender, so that a checker's memory follows in-flight work instead of history.
//
// A sender's seq is its own counter (protocol/trains/README.md section 1), so ids retire roughly in
// seq order and the intervals of a sender merge into one. Seqs that were never broadcast (a request
// refused while its node was down) would split it forever, so a retiring seq also bridges a gap
// of up to `gap_probe_max` seqs down to the interval below it, and up to the one above, when the
// caller says none of the seqs in the gap is still tracked (a wider gap, rarer still, stays
// open). The assumption this rests on: a sender never broadcasts, for the first time, a seq below
// one that has already retired (its counter only rises).
#pragma once

#include <cstdint>
#include <iterator>
#include <map>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry {

class RetiredIds {
 public:
  [[nodiscard]] bool contains(MsgId id) const {
    const auto sender = senders_.find(id.sender.value);
    if (sender == senders_.end()) return false;
    const Intervals& in = sender->second;
    auto it = in.upper_bound(id.seq);
    if (it == in.begin()) return false;
    --it;
    return id.seq <= it->second;
  }

  static constexpr std::uint64_t gap_probe_max = 64;

  // Adds `id`. `tracked(MsgId)` tells whether the caller still tracks an id (it is asked only
  // about seqs in a gap that could be bridged).
  template <class Tracked>
  void insert(MsgId id, Tracked&& tracked) {
    if (contains(id)) return;
    // True if no seq strictly between lo and hi is tracked (and the gap is narrow enough to ask).
    const auto gap_free = [&](std::uint64_t lo, std::uint64_t hi) {
      if (hi - lo - 1 > gap_probe_max) return false;
      for (std::uint64_t seq = lo + 1; seq < hi; ++seq) {
        if (tracked(MsgId{id.sender, seq})) return false;
      }
      return true;
    };
    Intervals& in = senders_[id.sender.value];
    const std::uint64_t s = id.seq;
    auto next = in.upper_bound(s);  // first interval starting above s
    const bool join_next = next != in.end() && (s + 1 == next->first || gap_free(s, next->first));
    if (next != in.begin()) {
      auto prev = std::prev(next);
      if (prev->second + 1 == s || gap_free(prev->second, s)) {
        // Extends the interval below in place (no allocation: this runs once per retired id).
        prev->second = join_next ? next->second : s;
        if (join_next) in.erase(next);
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
  }

  // Intervals kept over all senders (memory tests).
  [[nodiscard]] std::size_t intervals() const {
    std::size_t n = 0;
    for (const auto& [sender, in] : senders_) n += in.size();
    return n;
  }

 private:
  using Intervals = std::map<std::uint64_t, std::uint64_t>;  // first seq -> last seq
  std::map<std::uint32_t, Intervals> senders_;
};

// A set of node ids with a count, for "delivered at every node" (ids below 64 inline).
class NodeBits {
 public:
  // Adds `node`; false if it was there already.
  bool insert(NodeId node) {
    const std::uint32_t word = node.value / 64;
    const std::uint64_t bit = std::uint64_t{1} << (node.value % 64);
    std::uint64_t* w = &low_;
    if (word > 0) {
      if (high_.size() < word) high_.resize(word, 0);
      w = &high_[word - 1];
    }
    if ((*w & bit) != 0) return false;
    *w |= bit;
    ++count_;
    return true;
  }
  [[nodiscard]] bool contains(NodeId node) const noexcept {
    const std::uint32_t word = node.value / 64;
    const std::uint64_t bit = std::uint64_t{1} << (node.value % 64);
    if (word == 0) return (low_ & bit) != 0;
    return word <= high_.size() && (high_[word - 1] & bit) != 0;
  }
  [[nodiscard]] std::uint32_t count() const noexcept { return count_; }

 private:
  std::uint64_t low_ = 0;
  std::vector<std::uint64_t> high_;
  std::uint32_t count_ = 0;
};

}  // namespace ry
