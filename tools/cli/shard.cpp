#include "tools/cli/shard.hpp"

#include <charconv>

namespace ry {

namespace {

bool parse_number(const std::string& text, std::size_t begin, std::size_t end, std::uint64_t& out) {
  if (begin >= end) return false;
  const char* first = text.data() + begin;
  const char* last = text.data() + end;
  if (*first < '0' || *first > '9') return false;  // from_chars takes no sign, but be explicit
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc{} && ptr == last;
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text, std::string& error) {
  const auto slash = text.find('/');
  Shard shard;
  if (slash == std::string::npos || !parse_number(text, 0, slash, shard.index) ||
      !parse_number(text, slash + 1, text.size(), shard.count)) {
    error = "--shard: expected I/N (shard I of N, 1 <= I <= N), got '" + text + "'";
    return std::nullopt;
  }
  if (shard.count < 1 || shard.count > shard_count_max) {
    error = "--shard: N must be 1 to " + std::to_string(shard_count_max) + ", got '" + text + "'";
    return std::nullopt;
  }
  if (shard.index < 1 || shard.index > shard.count) {
    error = "--shard: I must be 1 to N, got '" + text + "'";
    return std::nullopt;
  }
  return shard;
}

std::string to_string(const Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

std::uint64_t shard_seed_count(std::uint64_t first, std::uint64_t last, const Shard& shard) {
  const std::uint64_t span = last - first;  // seeds in the range, minus one
  const std::uint64_t offset = shard.index - 1;
  if (offset > span) return 0;
  return (span - offset) / shard.count + 1;
}

ShardSeeds::ShardSeeds(std::uint64_t first, std::uint64_t last, const Shard& shard)
    : last_(last), step_(shard.count) {
  const std::uint64_t offset = shard.index - 1;
  done_ = offset > last - first;
  seed_ = first + offset;
}

void ShardSeeds::advance() {
  if (done_) return;
  if (last_ - seed_ < step_) {
    done_ = true;
  } else {
    seed_ += step_;
  }
}

}  // namespace ry
