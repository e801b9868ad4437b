// The scheduler's event queue: a binary heap keyed by (time, sequence number), with payloads in
// a slab and each slot remembering its heap position, so a cancelled timer is removed at once
// (the queue holds only live events). Ties in time are broken by the sequence number, which is
// the order of insertion: never by addresses or hash order (README.md, "Event queue").
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/common/assert.hpp"
#include "protocol/common/ids.hpp"

namespace ry {

struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  [[nodiscard]] bool valid() const noexcept { return slot != UINT32_MAX; }
};

template <class Payload>
class EventQueue {
 public:
  EventHandle push(Time at, Payload payload) {
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{std::move(payload), 0, 0});
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[slot].payload = std::move(payload);
    }
    heap_.push_back(Entry{at, next_sequence_++, slot});
    sift_up(heap_.size() - 1);
    return EventHandle{slot, slots_[slot].generation};
  }

  // Removes a queued event; a handle whose event already ran or was cancelled is ignored.
  bool cancel(EventHandle handle) noexcept {
    if (!live(handle)) return false;
    remove_at(slots_[handle.slot].heap_index);
    release(handle.slot);
    return true;
  }

  [[nodiscard]] bool live(EventHandle handle) const noexcept {
    return handle.valid() && handle.slot < slots_.size() &&
           slots_[handle.slot].generation == handle.generation &&
           slots_[handle.slot].heap_index != not_queued;
  }

  [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
  [[nodiscard]] Time next_time() const noexcept {
    RY_ASSERT(!heap_.empty());
    return heap_[0].at;
  }

  // Pops the earliest event: its time and payload.
  std::pair<Time, Payload> pop() {
    RY_ASSERT(!heap_.empty());
    const Entry top = heap_[0];
    remove_at(0);
    Payload payload = std::move(slots_[top.slot].payload);
    release(top.slot);
    return {top.at, std::move(payload)};
  }

 private:
  static constexpr std::uint32_t not_queued = UINT32_MAX;

  struct Entry {
    Time at;
    std::uint64_t sequence;
    std::uint32_t slot;
  };
  struct Slot {
    Payload payload;
    std::uint32_t heap_index;
    std::uint32_t generation;
  };

  static bool before(const Entry& a, const Entry& b) noexcept {
    return a.at != b.at ? a.at < b.at : a.sequence < b.sequence;
  }

  void place(std::size_t index, const Entry& entry) noexcept {
    heap_[index] = entry;
    slots_[entry.slot].heap_index = static_cast<std::uint32_t>(index);
  }

  void sift_up(std::size_t index) noexcept {
    const Entry entry = heap_[index];
    while (index > 0) {
      const std::size_t parent = (index - 1) / 2;
      if (!before(entry, heap_[parent])) break;
      place(index, heap_[parent]);
      index = parent;
    }
    place(index, entry);
  }

  void sift_down(std::size_t index) noexcept {
    const Entry entry = heap_[index];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * index + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], entry)) break;
      place(index, heap_[child]);
      index = child;
    }
    place(index, entry);
  }

  void remove_at(std::size_t index) noexcept {
    slots_[heap_[index].slot].heap_index = not_queued;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (index == heap_.size()) return;
    heap_[index] = last;
    slots_[last.slot].heap_index = static_cast<std::uint32_t>(index);
    if (index > 0 && before(last, heap_[(index - 1) / 2])) {
      sift_up(index);
    } else {
      sift_down(index);
    }
  }

  void release(std::uint32_t slot) {
    slots_[slot].heap_index = not_queued;
    ++slots_[slot].generation;
    slots_[slot].payload = Payload{};
    free_.push_back(slot);
  }

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace ry
