#include "sim/disk.hpp"

#include <algorithm>

#include "protocol/common/assert.hpp"
#include "protocol/common/prng.hpp"

namespace ry {

void Disk::make_durable(std::string record) {
  if (!misdirect_seed_) {
    durable_.push_back(std::move(record));
    return;
  }
  Prng prng(*misdirect_seed_);
  misdirect_seed_.reset();
  if (durable_.empty()) return;  // misdirected to nowhere: lost
  durable_[prng.below(durable_.size())] = std::move(record);
}

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
      make_durable(std::move(op.record));
    }
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
  applied_ += count;
  RY_ASSERT(applied_ <= mark);
}

void Disk::crash() {
  if (torn_seed_) {
    // The write in progress when the node died reached the platter only in part.
    Prng prng(*torn_seed_);
    torn_seed_.reset();
    if (!pending_.empty() && !pending_.front().rewrite && pending_.front().record.size() >= 2) {
      std::string& record = pending_.front().record;
      const auto keep =
          static_cast<std::size_t>(prng.between(1, static_cast<std::int64_t>(record.size()) - 1));
      record.resize(keep);
      make_durable(std::move(record));
    }
  }
  applied_ += pending_.size();
  pending_.clear();
}

bool Disk::corrupt(std::uint64_t seed) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < durable_.size(); ++i) {
    if (!durable_[i].empty()) candidates.push_back(i);
  }
  if (candidates.empty()) return false;
  Prng prng(seed);
  std::string& record = durable_[candidates[prng.below(candidates.size())]];
  const std::uint64_t bit = prng.below(record.size() * 8);
  record[bit / 8] =
      static_cast<char>(static_cast<unsigned char>(record[bit / 8]) ^ (1U << (bit % 8)));
  return true;
}

std::uint64_t Disk::bytes() const noexcept {
  std::uint64_t total = 0;
  for (const auto& r : durable_) total += r.size();
  return total;
}

}  // namespace ry
