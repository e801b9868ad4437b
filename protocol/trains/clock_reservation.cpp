#include "protocol/trains/clock_reservation.hpp"

#include <algorithm>

#include "protocol/common/hash.hpp"

namespace ry::trains {

namespace {

constexpr char tag = 'R';
constexpr std::size_t record_size = 1 + 8 + 8;

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  }
  return v;
}

}  // namespace

std::string encode_clock_reservation(std::uint64_t clock) {
  std::string out;
  out.push_back(tag);
  put_u64(out, clock);
  put_u64(out, fnv1a(out));
  return out;
}

std::optional<std::uint64_t> decode_clock_reservation(std::string_view record) {
  if (record.size() != record_size || record[0] != tag) return std::nullopt;
  if (get_u64(record.substr(9)) != fnv1a(record.substr(0, 9))) return std::nullopt;
  return get_u64(record.substr(1));
}

ClockRecovery recover_clock_reservation(const std::vector<std::string>& records) {
  ClockRecovery out;
  out.records = records.size();
  for (const std::string& record : records) {
    if (const auto clock = decode_clock_reservation(record)) {
      out.reserved = std::max(out.reserved.value_or(0), *clock);
      ++out.verified;
    }
  }
  return out;
}

}  // namespace ry::trains
