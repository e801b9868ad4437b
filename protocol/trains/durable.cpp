#include "protocol/trains/durable.hpp"

#include <algorithm>
#include <limits>

#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"

namespace ry::trains {
namespace {

constexpr unsigned char record_magic = 0xd5;
enum class Kind : unsigned char { view = 1, delivered = 2, snapshot = 3, reserve = 4 };
constexpr std::size_t header_bytes = 6;  // magic, kind, payload length (u32)
constexpr std::size_t checksum_bytes = 8;
constexpr std::size_t view_fixed_bytes = 12;  // id (u64), member count (u32)
constexpr std::size_t delivered_bytes = 28;
constexpr std::size_t snapshot_bytes = 16;
constexpr std::size_t reserve_bytes = 8;

void put_le(std::string& out, std::uint64_t value, std::size_t width) {
  RY_ASSERT(width <= 8);
  char bytes[8];
  for (std::size_t i = 0; i < width; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xffU);
  out.append(bytes, width);  // one append per field: a core writes a record per delivery
}

// Reads little-endian integers in sequence. Callers check the length before reading, so running
// past the end is a bug of this file, never a property of the input.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t u64() { return take(8); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }

 private:
  std::uint64_t take(std::size_t width) {
    RY_ASSERT(width <= bytes_.size() - at_);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[at_ + i])} << (8 * i);
    }
    at_ += width;
    return value;
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
};

// Writes a record's payload and names its kind (a std::visit visitor).
struct PayloadWriter {
  std::string& out;

  Kind operator()(const ViewRecord& r) const {
    RY_ASSERT(r.members.size() <= std::numeric_limits<std::uint32_t>::max());
    put_le(out, r.id.value, 8);
    put_le(out, r.members.size(), 4);
    for (const NodeId m : r.members) put_le(out, m.value, 4);
    return Kind::view;
  }
  Kind operator()(const DeliveredRecord& r) const {
    put_le(out, r.position, 8);
    put_le(out, r.id.sender.value, 4);
    put_le(out, r.id.seq, 8);
    put_le(out, r.digest, 8);
    return Kind::delivered;
  }
  Kind operator()(const SnapshotRecord& r) const {
    put_le(out, r.position, 8);
    put_le(out, r.log_digest, 8);
    return Kind::snapshot;
  }
  Kind operator()(const ReservationRecord& r) const {
    put_le(out, r.clock, 8);
    return Kind::reserve;
  }
};

std::optional<Record> decode_view(std::string_view payload) {
  if (payload.size() < view_fixed_bytes) return std::nullopt;
  Reader in(payload);
  ViewRecord r;
  r.id = ViewId{in.u64()};
  const std::uint32_t count = in.u32();
  // In 64 bits, so that a huge count cannot wrap round to the real length.
  if (payload.size() != view_fixed_bytes + 4 * std::uint64_t{count}) return std::nullopt;
  r.members.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) r.members.push_back(NodeId{in.u32()});
  return r;
}

std::optional<Record> decode_delivered(std::string_view payload) {
  if (payload.size() != delivered_bytes) return std::nullopt;
  Reader in(payload);
  DeliveredRecord r;
  r.position = in.u64();
  r.id.sender = NodeId{in.u32()};
  r.id.seq = in.u64();
  r.digest = in.u64();
  return r;
}

std::optional<Record> decode_snapshot(std::string_view payload) {
  if (payload.size() != snapshot_bytes) return std::nullopt;
  Reader in(payload);
  SnapshotRecord r;
  r.position = in.u64();
  r.log_digest = in.u64();
  return r;
}

std::optional<Record> decode_reservation(std::string_view payload) {
  if (payload.size() != reserve_bytes) return std::nullopt;
  return ReservationRecord{Reader(payload).u64()};
}

// ---- Replaying the log (the rules in durable.hpp).

enum class Fit : unsigned char { next, repeat, refused };

Fit fit(const Recovered& state, const DeliveredRecord& r) {
  const std::uint64_t base = state.snapshot ? state.snapshot->position : 0;
  if (r.position != 0 && r.position - 1 == state.position()) return Fit::next;
  if (r.position > base && r.position <= state.position()) {
    return state.tail[r.position - base - 1] == r ? Fit::repeat : Fit::refused;
  }
  return Fit::refused;  // a gap, or a position the snapshot covers: nothing to compare it with
}

Fit fit(const Recovered& state, const SnapshotRecord& r) {
  if (r.position > state.position()) return Fit::next;
  if (r.position == state.position() && r.log_digest == state.log_digest) return Fit::repeat;
  return Fit::refused;  // behind the log, or contradicting it
}

void extend(Recovered& state, const DeliveredRecord& r) {
  state.tail.push_back(r);
  state.log_digest = log_digest(state.log_digest, Delivery{r.id, r.digest});
}

void extend(Recovered& state, const SnapshotRecord& r) {
  state.snapshot = r;
  state.tail.clear();
  state.log_digest = r.log_digest;
}

template <class LogRecord>
void replay(Recovered& state, const LogRecord& r, std::size_t index) {
  if (state.truncated_at) {
    ++state.dropped.after_truncation;
    return;
  }
  switch (fit(state, r)) {
    case Fit::next: extend(state, r); return;
    case Fit::repeat: ++state.dropped.duplicates; return;
    case Fit::refused:
      ++state.dropped.out_of_order;
      state.truncated_at = index;
      return;
  }
}

}  // namespace

// One allocation per record: a core writes one per delivery.
std::string encode(const Record& record) {
  std::string out;
  out.reserve(header_bytes + delivered_bytes + checksum_bytes);
  out.push_back(static_cast<char>(record_magic));
  out.push_back('\0');  // the kind, known once the payload is written
  put_le(out, 0, 4);    // the payload's length, likewise
  const Kind kind = std::visit(PayloadWriter{out}, record);
  const std::size_t length = out.size() - header_bytes;
  RY_ASSERT(length <= std::numeric_limits<std::uint32_t>::max());
  out[1] = static_cast<char>(kind);
  for (std::size_t i = 0; i < 4; ++i) out[2 + i] = static_cast<char>((length >> (8 * i)) & 0xffU);
  put_le(out, stream_hash(out), checksum_bytes);
  return out;
}

std::optional<Record> decode(std::string_view bytes) {
  if (bytes.size() < header_bytes + checksum_bytes) return std::nullopt;
  const std::string_view body = bytes.substr(0, bytes.size() - checksum_bytes);
  if (Reader(bytes.substr(body.size())).u64() != stream_hash(body)) return std::nullopt;
  if (static_cast<unsigned char>(body[0]) != record_magic) return std::nullopt;
  const std::string_view payload = body.substr(header_bytes);
  if (Reader(body.substr(2)).u32() != payload.size()) return std::nullopt;
  switch (static_cast<Kind>(static_cast<unsigned char>(body[1]))) {
    case Kind::view: return decode_view(payload);
    case Kind::delivered: return decode_delivered(payload);
    case Kind::snapshot: return decode_snapshot(payload);
    case Kind::reserve: return decode_reservation(payload);
  }
  return std::nullopt;  // an unknown kind
}

Recovered recover(const std::vector<std::string>& records) {
  Recovered state;
  state.records = records.size();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::optional<Record> record = decode(records[i]);
    if (!record) {
      ++state.dropped.unverified;
      if (!state.truncated_at) state.truncated_at = i;
    } else if (const auto* view = std::get_if<ViewRecord>(&*record)) {
      if (!state.view || view->id >= state.view->id) state.view = *view;
    } else if (const auto* delivered = std::get_if<DeliveredRecord>(&*record)) {
      replay(state, *delivered, i);
    } else if (const auto* snapshot = std::get_if<SnapshotRecord>(&*record)) {
      replay(state, *snapshot, i);
    } else {
      const std::uint64_t clock = std::get<ReservationRecord>(*record).clock;
      state.reserved = std::max(state.reserved.value_or(0), clock);
    }
  }
  RY_ASSERT(state.tail.empty() || state.tail.back().position == state.position());
  return state;
}

}  // namespace ry::trains
