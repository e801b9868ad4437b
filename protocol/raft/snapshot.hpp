// Snapshots (README.md section 7): the state machine's image at `last_index`, the configuration
// in force there and the chain hash of the prefix it replaces; and the follower's side of a
// chunked transfer, which assembles one image by offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/raft/log.hpp"
#include "protocol/raft/membership.hpp"

namespace ry::raft {

struct Snapshot {
  Index last_index = 0;
  Term last_term = 0;
  std::uint64_t last_hash = 0;  // chain hash of entries 1..last_index
  Membership config;
  std::string image;  // KvStore::image()
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// The checksum an InstallSnapshot carries and the receiver verifies once the image is whole.
std::uint64_t image_checksum(const std::string& image) noexcept;

// A transfer in progress at a follower: chunks must arrive in offset order; offset 0 starts
// over (section 7.3).
class SnapshotReceiver {
 public:
  // Takes one chunk; returns the number of bytes held afterwards (what the follower answers).
  std::uint64_t take(Index last_index, Term last_term, std::uint64_t offset,
                     const std::string& chunk);
  [[nodiscard]] std::uint64_t received() const noexcept { return bytes_.size(); }
  [[nodiscard]] bool matches(Index last_index, Term last_term) const noexcept {
    return active_ && last_index == last_index_ && last_term == last_term_;
  }
  [[nodiscard]] const std::string& bytes() const noexcept { return bytes_; }
  void clear() noexcept;

 private:
  bool active_ = false;
  Index last_index_ = 0;
  Term last_term_ = 0;
  std::string bytes_;
};

}  // namespace ry::raft
