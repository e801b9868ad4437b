// The messages of `async-primary` (README.md beside this file). Two planes share one node:
// the data plane (a primary streams what it applied to its replicas: Sync, Stream) and the
// monitor plane (every node's monitor greets every other one and elects a failover leader:
// Hello, VoteRequest, VoteGrant).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "protocol/common/client.hpp"
#include "protocol/common/message_info.hpp"

namespace ry::async_primary {

using Epoch = std::uint64_t;
// The name of one primary's history (Redis's replication id): epoch + 1 of the epoch in which
// that primary was promoted; 0 is "no history" (a node that restarted and holds nothing).
using ReplId = std::uint64_t;

// One applied client request, as the primary streams it: the request id and its encoded
// operation. The offset of an entry is its index in the stream, from 0.
struct Entry {
  RequestId id;
  std::string data;
  friend bool operator==(const Entry&, const Entry&) = default;
};

// A monitor's periodic greeting to every other node (Sentinel's hello and ping in one): the
// configuration the sender follows, its role and replication position, and whether it sees
// that configuration's primary as down (its subjective down).
struct Hello {
  bool known = false;  // false: a restarted node that has not learned a configuration yet
  Epoch epoch = 0;
  NodeId primary;
  bool is_primary = false;
  ReplId replid = 0;
  std::uint64_t offset = 0;
  bool sdown = false;
};

// A monitor that sees the primary objectively down asks for the votes of epoch `epoch` to lead
// the failover of configuration `from_epoch`.
struct VoteRequest {
  Epoch epoch = 0;
  Epoch from_epoch = 0;
};
struct VoteGrant {
  Epoch epoch = 0;
};

// A replica's request to be streamed from `offset` of history `replid` (Redis's PSYNC, sent
// again at every tick, so it is also its acknowledgement).
struct Sync {
  ReplId replid = 0;
  std::uint64_t offset = 0;
};

enum class StreamMode : std::uint8_t {
  append,  // entries of history `replid` from `from`; the replica must be on that history
  cont,    // partial resync onto a new primary: the replica is on `base`, and its prefix up to
           // `from` is also a prefix of `replid`; it switches to `replid`
  full,    // full resync: the replica discards everything and takes `replid` from offset 0
};

struct Stream {
  Epoch epoch = 0;
  ReplId replid = 0;
  ReplId base = 0;  // cont only
  StreamMode mode = StreamMode::append;
  std::uint64_t from = 0;
  std::vector<Entry> entries;
};

using Message = std::variant<Hello, VoteRequest, VoteGrant, Sync, Stream>;

MessageInfo describe(const Message& message) noexcept;

}  // namespace ry::async_primary
