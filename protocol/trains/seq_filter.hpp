// A set of payload ids (sender, seq) with memory bounded by in-flight work (README.md section 4):
// per sender, a watermark below which every seq is in the set, plus a small window of seqs above
// it. A sender whose seqs leave a gap wider than `window_max` pushes the watermark up over the gap:
// the filter then also claims the skipped seqs, so it can only err towards "already seen".
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/common/hash.hpp"
#include "protocol/common/ids.hpp"

namespace ry::trains {

class SeqFilter {
 public:
  static constexpr std::size_t window_max = 1024;

  [[nodiscard]] bool contains(MsgId id) const {
    const PerSender* s = find(id.sender.value);
    if (s == nullptr) return false;
    return id.seq < s->next || std::binary_search(s->above.begin(), s->above.end(), id.seq);
  }

  // Adds `id`; false if it was in the set already.
  bool insert(MsgId id) {
    PerSender& s = at(id.sender.value);
    if (id.seq < s.next) return false;
    if (id.seq == s.next) {
      ++s.next;
    } else {
      const auto it = std::lower_bound(s.above.begin(), s.above.end(), id.seq);
      if (it != s.above.end() && *it == id.seq) return false;
      s.above.insert(it, id.seq);
      if (s.above.size() > window_max) {
        s.next = s.above.front() + 1;
        s.above.erase(s.above.begin());
      }
    }
    // Seqs that the watermark has reached leave the window.
    std::size_t reached = 0;
    while (reached < s.above.size() && s.above[reached] <= s.next) {
      if (s.above[reached] == s.next) ++s.next;
      ++reached;
    }
    s.above.erase(s.above.begin(), s.above.begin() + static_cast<std::ptrdiff_t>(reached));
    return true;
  }

  // The largest window over all senders (memory tests), and the number of senders.
  [[nodiscard]] std::size_t window_size() const {
    std::size_t n = 0;
    for (const PerSender& s : senders_) n = s.above.size() > n ? s.above.size() : n;
    return n;
  }
  [[nodiscard]] std::size_t senders() const { return senders_.size(); }

  [[nodiscard]] std::uint64_t digest(std::uint64_t h) const noexcept {
    for (const PerSender& s : senders_) {
      h = hash_u64(h, s.sender);
      h = hash_u64(h, s.next);
      h = hash_u64(h, s.above.size());
      for (std::uint64_t seq : s.above) h = hash_u64(h, seq);
    }
    return h;
  }

 private:
  // Senders are a handful (the broadcasting nodes), looked up on every payload a train carries:
  // a sorted vector beats a map, and the window is a small sorted vector too.
  struct PerSender {
    std::uint32_t sender = 0;
    std::uint64_t next = 0;            // every seq below is in the set
    std::vector<std::uint64_t> above;  // sorted, all > next
    friend bool operator==(const PerSender&, const PerSender&) = default;
  };

  [[nodiscard]] const PerSender* find(std::uint32_t sender) const {
    const auto it = lower(sender);
    return it != senders_.end() && it->sender == sender ? &*it : nullptr;
  }
  PerSender& at(std::uint32_t sender) {
    const auto it = lower(sender);
    if (it != senders_.end() && it->sender == sender) return *it;
    return *senders_.insert(it, PerSender{sender, 0, {}});
  }
  [[nodiscard]] std::vector<PerSender>::const_iterator lower(std::uint32_t sender) const {
    return std::lower_bound(senders_.begin(), senders_.end(), sender,
                            [](const PerSender& s, std::uint32_t v) { return s.sender < v; });
  }
  std::vector<PerSender>::iterator lower(std::uint32_t sender) {
    return std::lower_bound(senders_.begin(), senders_.end(), sender,
                            [](const PerSender& s, std::uint32_t v) { return s.sender < v; });
  }

  std::vector<PerSender> senders_;  // sorted by sender

 public:
  friend bool operator==(const SeqFilter&, const SeqFilter&) = default;
};

}  // namespace ry::trains
