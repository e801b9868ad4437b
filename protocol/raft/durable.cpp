#include "protocol/raft/durable.hpp"

#include <limits>

#include "protocol/common/assert.hpp"
#include "protocol/common/byte_codec.hpp"
#include "protocol/common/hash.hpp"

namespace ry::raft {
namespace {

constexpr unsigned char record_magic = 0xa4;
enum class Kind : unsigned char { term_vote = 1, entry = 2, truncate = 3, snapshot = 4 };
// magic, kind, length, its complement, position.
constexpr std::size_t header_bytes = 18;
constexpr std::size_t checksum_bytes = 8;
constexpr std::uint32_t no_vote = std::numeric_limits<std::uint32_t>::max();

struct PayloadWriter {
  std::string& out;
  Kind operator()(const TermVoteRecord& r) const {
    put_u64(out, r.term);
    put_u32(out, r.voted_for ? r.voted_for->value : no_vote);
    put_u32(out, r.epoch);
    put_u8(out, r.suspect);
    return Kind::term_vote;
  }
  Kind operator()(const EntryRecord& r) const {
    put_u64(out, r.index);
    put_u64(out, r.term);
    put_u8(out, static_cast<std::uint8_t>(r.kind));
    put_bytes(out, r.payload);
    return Kind::entry;
  }
  Kind operator()(const TruncateRecord& r) const {
    put_u64(out, r.from);
    return Kind::truncate;
  }
  Kind operator()(const SnapshotRecord& r) const {
    put_u64(out, r.snapshot.last_index);
    put_u64(out, r.snapshot.last_term);
    put_u64(out, r.snapshot.last_hash);
    put_bytes(out, encode(r.snapshot.config));
    put_bytes(out, r.snapshot.image);
    put_u64(out, r.log_base);
    put_u64(out, r.log_base_term);
    put_u64(out, r.log_base_hash);
    return Kind::snapshot;
  }
};

std::optional<Record> decode_payload(Kind kind, std::string_view payload) {
  ByteReader in(payload);
  switch (kind) {
    case Kind::term_vote: {
      TermVoteRecord r;
      r.term = in.u64();
      const std::uint32_t vote = in.u32();
      if (vote != no_vote) r.voted_for = NodeId{vote};
      r.epoch = in.u32();
      r.suspect = in.u8();
      if (!in.done() || r.suspect > (suspect_term | suspect_log)) return std::nullopt;
      return r;
    }
    case Kind::entry: {
      EntryRecord r;
      r.index = in.u64();
      r.term = in.u64();
      const std::uint8_t k = in.u8();
      r.payload = std::string(in.bytes());
      if (!in.done() || k > static_cast<std::uint8_t>(EntryKind::config)) return std::nullopt;
      r.kind = static_cast<EntryKind>(k);
      return r;
    }
    case Kind::truncate: {
      TruncateRecord r{in.u64()};
      if (!in.done()) return std::nullopt;
      return r;
    }
    case Kind::snapshot: {
      SnapshotRecord r;
      r.snapshot.last_index = in.u64();
      r.snapshot.last_term = in.u64();
      r.snapshot.last_hash = in.u64();
      const auto config = decode_membership(in.bytes());
      r.snapshot.image = std::string(in.bytes());
      r.log_base = in.u64();
      r.log_base_term = in.u64();
      r.log_base_hash = in.u64();
      if (!in.done() || !config || r.log_base > r.snapshot.last_index) return std::nullopt;
      r.snapshot.config = *config;
      return r;
    }
  }
  return std::nullopt;
}

// Applies one verified record to the state; false if the state cannot take it (the disk is cut).
struct Replayer {
  RecoveredState& state;

  bool operator()(const TermVoteRecord& r) const {
    if (r.term < state.term || r.epoch < state.epoch) return false;
    state.term = r.term;
    state.voted_for = r.voted_for;
    state.epoch = r.epoch;
    state.suspect = r.suspect;
    return true;
  }
  bool operator()(const EntryRecord& r) const {
    Log& log = state.log;
    if (r.index <= log.base()) return false;
    if (r.index <= log.last_index()) {
      const Entry& held = log.at(r.index);
      if (held.term == r.term && held.kind == r.kind && held.payload == r.payload) {
        ++state.duplicates;
        return true;
      }
      return false;
    }
    if (r.index != log.last_index() + 1 || r.term < log.last_term()) return false;
    log.append(r.term, r.kind, r.payload);
    return true;
  }
  bool operator()(const TruncateRecord& r) const {
    const Index floor = state.snapshot ? state.snapshot->last_index : 0;
    if (r.from <= floor || r.from <= state.log.base() || r.from > state.log.last_index() + 1) {
      return false;
    }
    state.log.truncate_from(r.from);
    return true;
  }
  bool operator()(const SnapshotRecord& r) const {
    if (state.snapshot && r.snapshot.last_index < state.snapshot->last_index) return false;
    state.snapshot = r.snapshot;
    state.log.reset(r.log_base, r.log_base_term, r.log_base_hash);
    return true;
  }
};

}  // namespace

std::string encode(const Record& record, std::uint64_t position) {
  std::string out;
  out.push_back(static_cast<char>(record_magic));
  out.push_back('\0');
  put_u32(out, 0);
  put_u32(out, 0);
  put_u64(out, position);
  const Kind kind = std::visit(PayloadWriter{out}, record);
  const std::size_t length = out.size() - header_bytes;
  RY_ASSERT(length <= std::numeric_limits<std::uint32_t>::max());
  const auto complement = static_cast<std::uint32_t>(~static_cast<std::uint32_t>(length));
  out[1] = static_cast<char>(kind);
  for (std::size_t i = 0; i < 4; ++i) {
    out[2 + i] = static_cast<char>((length >> (8 * i)) & 0xffU);
    out[6 + i] = static_cast<char>((complement >> (8 * i)) & 0xffU);
  }
  put_u64(out, stream_hash(out));
  return out;
}

std::vector<std::string> encode_all(const std::vector<Record>& records) {
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const Record& r : records) out.push_back(encode(r, out.size()));
  return out;
}

namespace {

struct Decoded {
  Record record;
  std::uint64_t position = 0;
};

std::optional<Decoded> decode_positioned(std::string_view bytes) {
  if (bytes.size() < header_bytes + checksum_bytes) return std::nullopt;
  const std::string_view body = bytes.substr(0, bytes.size() - checksum_bytes);
  if (ByteReader(bytes.substr(body.size())).u64() != stream_hash(body)) return std::nullopt;
  if (static_cast<unsigned char>(body[0]) != record_magic) return std::nullopt;
  const std::string_view payload = body.substr(header_bytes);
  ByteReader header(body.substr(2, header_bytes - 2));
  const std::uint32_t length = header.u32();
  const std::uint32_t complement = header.u32();
  const std::uint64_t position = header.u64();
  if (length != payload.size() || complement != static_cast<std::uint32_t>(~length)) {
    return std::nullopt;
  }
  const auto kind = static_cast<unsigned char>(body[1]);
  if (kind < 1 || kind > 4) return std::nullopt;
  auto record = decode_payload(static_cast<Kind>(kind), payload);
  if (!record) return std::nullopt;
  return Decoded{std::move(*record), position};
}

// A record that fails to verify is torn, not corrupt, iff it is shorter than a whole record:
// too short to hold both length fields, or shorter than the (agreeing) length fields say. One
// flipped bit keeps the size and breaks the agreement, so it never passes for torn.
bool looks_torn(std::string_view bytes) {
  if (bytes.size() < 10) return true;
  if (static_cast<unsigned char>(bytes[0]) != record_magic) return false;
  ByteReader header(bytes.substr(2, 8));
  const std::uint32_t length = header.u32();
  const std::uint32_t complement = header.u32();
  if (complement != static_cast<std::uint32_t>(~length)) return false;
  return bytes.size() < header_bytes + std::uint64_t{length} + checksum_bytes;
}

}  // namespace

std::optional<Record> decode_record(std::string_view bytes) {
  auto decoded = decode_positioned(bytes);
  if (!decoded) return std::nullopt;
  return std::move(decoded->record);
}

RecoveredState recover(const std::vector<std::string>& records) {
  RecoveredState state;
  state.records = records.size();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto decoded = decode_positioned(records[i]);
    if (!decoded || decoded->position != i || !std::visit(Replayer{state}, decoded->record)) {
      state.dropped = records.size() - i;
      state.torn_tail = !decoded && i + 1 == records.size() && looks_torn(records[i]);
      break;
    }
  }
  return state;
}

}  // namespace ry::raft
