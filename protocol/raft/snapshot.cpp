#include "protocol/raft/snapshot.hpp"

#include "protocol/common/hash.hpp"

namespace ry::raft {

std::uint64_t image_checksum(const std::string& image) noexcept { return stream_hash(image); }

std::uint64_t SnapshotReceiver::take(Index last_index, Term last_term, std::uint64_t offset,
                                     const std::string& chunk) {
  if (offset == 0) {
    active_ = true;
    last_index_ = last_index;
    last_term_ = last_term;
    bytes_.clear();
  }
  // A chunk of another snapshot, or not the next one of this: keep what we have and say so.
  if (!matches(last_index, last_term) || offset != bytes_.size()) {
    return matches(last_index, last_term) ? bytes_.size() : 0;
  }
  bytes_ += chunk;
  return bytes_.size();
}

void SnapshotReceiver::clear() noexcept {
  active_ = false;
  last_index_ = 0;
  last_term_ = 0;
  bytes_.clear();
}

}  // namespace ry::raft
