// A set of payload ids (sender, seq) with memory bounded by in-flight work (trains.md 4): per
// sender, a watermark below which every seq is in the set, plus a small window of seqs above it.
// A sender whose seqs leave a gap wider than `window_max` pushes the watermark up over the gap:
// the filter then also claims the skipped seqs, so it can only err towards "already seen".
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "protocol/common/hash.hpp"
#include "protocol/common/ids.hpp"

namespace ry::trains {

class SeqFilter {
 public:
  static constexpr std::size_t window_max = 1024;

  [[nodiscard]] bool contains(MsgId id) const {
    const auto it = senders_.find(id.sender.value);
    if (it == senders_.end()) return false;
    return id.seq < it->second.next || it->second.above.contains(id.seq);
  }

  void insert(MsgId id) {
    PerSender& s = senders_[id.sender.value];
    if (id.seq < s.next) return;
    if (id.seq == s.next) {
      ++s.next;
    } else {
      s.above.insert(id.seq);
      if (s.above.size() > window_max) {
        s.next = *s.above.begin() + 1;
        s.above.erase(s.above.begin());
      }
    }
    while (!s.above.empty() && *s.above.begin() <= s.next) {
      if (*s.above.begin() == s.next) ++s.next;
      s.above.erase(s.above.begin());
    }
  }

  // The largest window over all senders (memory tests), and the number of senders.
  [[nodiscard]] std::size_t window_size() const {
    std::size_t n = 0;
    for (const auto& [sender, s] : senders_) n = s.above.size() > n ? s.above.size() : n;
    return n;
  }
  [[nodiscard]] std::size_t senders() const { return senders_.size(); }

  [[nodiscard]] std::uint64_t digest(std::uint64_t h) const noexcept {
    for (const auto& [sender, s] : senders_) {
      h = hash_u64(h, sender);
      h = hash_u64(h, s.next);
      h = hash_u64(h, s.above.size());
      for (std::uint64_t seq : s.above) h = hash_u64(h, seq);
    }
    return h;
  }

 private:
  struct PerSender {
    std::uint64_t next = 0;  // every seq below is in the set
    std::set<std::uint64_t> above;
  };
  std::map<std::uint32_t, PerSender> senders_;
};

}  // namespace ry::trains
