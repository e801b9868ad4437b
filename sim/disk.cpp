#include "sim/disk.hpp"

#include <algorithm>

#include "protocol/common/assert.hpp"

namespace ry {

void Disk::sync_complete(std::uint64_t mark) {
  // Syncs complete in order of request, and a crash in between discards the pending list:
  // a mark below what is already applied means nothing is left to make durable.
  if (mark <= applied_) return;
  const auto count =
      static_cast<std::size_t>(std::min<std::uint64_t>(mark - applied_, pending_.size()));
  for (std::size_t i = 0; i < count; ++i) {
    Op& op = pending_[i];
    if (op.rewrite) {
      durable_.clear();
    } else {
      durable_.push_back(std::move(op.record));
    }
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
  applied_ += count;
  RY_ASSERT(applied_ <= mark);
}

std::uint64_t Disk::bytes() const noexcept {
  std::uint64_t total = 0;
  for (const auto& r : durable_) total += r.size();
  return total;
}

}  // namespace ry
