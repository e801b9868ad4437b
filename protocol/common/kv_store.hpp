// The replicated key-value state machine that every protocol's `kv` workload drives (TRAINS
// applies it to its deliveries, Raft to its committed entries). Keys and values are strings; a
// missing key reads as the empty string, which is every key's initial value in the histories.
//
// Operations: get / read (the value), put / write (set it), append (add to its end), cas (set it
// to `value` if it equals `expected`, else fail). The single register of Jepsen's register
// workload is the key "".
//
// At most once (Raft dissertation 6.3): a per-client table keeps the last applied seq and its
// result, so a retried request (same RequestId, whichever node it went to and however often the
// protocol ordered it) is applied once and answered with the same result. Clients are closed-loop
// (one request in flight each), so one entry per client suffices.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/common/client.hpp"

namespace ry {

struct KvResult {
  ReplyStatus status = ReplyStatus::ok;  // ok or fail
  std::string value;                     // a read's value; why a failure failed
  friend bool operator==(const KvResult&, const KvResult&) = default;
};

class KvStore {
 public:
  // Applies `op` once per request id; a repeat returns the first result. An id older than the
  // client's last applied one (it cannot be in flight any more) fails without effect.
  KvResult apply(RequestId id, const Operation& op);

  // The result of `id` if it is the last request of its client applied here (a retry of it).
  [[nodiscard]] std::optional<KvResult> result_of(RequestId id) const;
  // True if `id` has been applied here (its client's last applied seq is at least id.seq).
  [[nodiscard]] bool applied(RequestId id) const;
  [[nodiscard]] std::optional<std::string> value(std::string_view key) const;
  [[nodiscard]] std::size_t keys() const noexcept { return data_.size(); }
  [[nodiscard]] std::uint64_t applied_count() const noexcept { return applied_; }

  // A hash of the whole state (data and client table): equal replicas have equal digests.
  [[nodiscard]] std::uint64_t digest() const noexcept;

  // The state as bytes, for snapshots and state transfers; restore() takes it back and refuses
  // (returns false, leaving the store unchanged) bytes that are not an image.
  [[nodiscard]] std::string image() const;
  bool restore(std::string_view image);

  friend bool operator==(const KvStore&, const KvStore&) = default;

 private:
  struct Session {
    std::uint64_t seq = 0;
    KvResult result;
    friend bool operator==(const Session&, const Session&) = default;
  };
  KvResult execute(const Operation& op);

  std::map<std::string, std::string, std::less<>> data_;
  std::map<std::uint32_t, Session> sessions_;
  std::uint64_t applied_ = 0;
};

}  // namespace ry
