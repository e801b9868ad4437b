// The async-primary core (README.md beside this file): a primary that applies and acknowledges
// client requests at once and streams them to its replicas afterwards, and a monitor on every
// node that fails the primary over when a quorum of monitors sees it down. An I/O-free state
// machine satisfying ry::ProtocolCore. Memory only: it writes nothing to its disk, and a
// restarted node comes back empty (README.md section 5).
//
// Timers (ids): 1 the tick (hello to every node, a replica's Sync, the failure detector).
//
// Trace notes (observation only; fields a, b):
//   "sdown" (epoch, primary)          this monitor sees the primary of `epoch` down
//   "failover" (epoch, votes needed)  this monitor asked for the votes of `epoch`
//   "elected" (epoch, promoted)       it won them and chose the replica to promote
//   "config" (epoch, primary)         a newer configuration was adopted
//   "promote" (epoch, offset)         this node became the primary
//   "demote" (epoch, offset)          this primary learned of a newer epoch and became a replica
//   "full_resync" (replid, discarded) this replica dropped its data (`discarded` entries) to take
//                                     the primary's history from offset 0
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/async_primary/messages.hpp"
#include "protocol/common/effects.hpp"
#include "protocol/common/kv_store.hpp"
#include "protocol/common/prng.hpp"
#include "protocol/common/protocol_core.hpp"
#include "protocol/common/status.hpp"

namespace ry::async_primary {

struct Config {
  std::uint32_t nodes = 5;
  Nanos tick_ns = 5 * ms_ns;                // hello, sync and failure-detector period
  Nanos down_after_ns = 50 * ms_ns;         // Sentinel's down-after-milliseconds
  Nanos failover_timeout_ns = 100 * ms_ns;  // a failover that did not finish is retried after
  std::uint32_t quorum = 0;                 // monitors that must see the primary down (0: majority)
  std::uint32_t batch_max = 128;            // entries per Stream message
  [[nodiscard]] std::uint32_t majority() const noexcept { return nodes / 2 + 1; }
  [[nodiscard]] std::uint32_t down_quorum() const noexcept {
    return quorum == 0 ? majority() : quorum;
  }
};

enum class Role : std::uint8_t { replica, primary };

class Core {
 public:
  using Config = async_primary::Config;
  using Message = async_primary::Message;

  Core(const Config& config, NodeId self, std::uint64_t seed, const Recovery& recovery);

  void on_start(Time now, Effects<Message>& fx) noexcept;
  void on_message(NodeId from, const Message& message, Time now, Effects<Message>& fx) noexcept;
  void on_timer(TimerId timer, Time now, Effects<Message>& fx) noexcept;
  void on_disk_synced(Time now, Effects<Message>& fx) noexcept;
  void on_client(const ClientRequest& request, Time now, Effects<Message>& fx) noexcept;
  [[nodiscard]] std::uint64_t state_digest() const noexcept;
  [[nodiscard]] ry::Status telemetry() const noexcept;

  [[nodiscard]] NodeId self() const noexcept { return self_; }
  [[nodiscard]] Role role() const noexcept { return role_; }
  [[nodiscard]] Epoch epoch() const noexcept { return epoch_; }
  // The primary of the configuration this node follows (nothing before it learned one).
  [[nodiscard]] std::optional<NodeId> primary() const noexcept {
    return known_ ? std::optional<NodeId>{primary_} : std::nullopt;
  }
  [[nodiscard]] ReplId replid() const noexcept { return replid_; }
  [[nodiscard]] std::uint64_t offset() const noexcept { return stream_.size(); }
  [[nodiscard]] const std::vector<Entry>& stream() const noexcept { return stream_; }
  [[nodiscard]] const KvStore& kv() const noexcept { return kv_; }

 private:
  static constexpr TimerId tick_timer{1};

  struct Peer {
    bool heard = false;
    Time heard_at;
    Hello hello;
  };

  void tick(Time now, Effects<Message>& fx);
  void on_hello(NodeId from, const Hello& m, Time now, Effects<Message>& fx);
  void on_vote_request(NodeId from, const VoteRequest& m, Effects<Message>& fx);
  void on_vote_grant(const VoteGrant& m, Time now, Effects<Message>& fx);
  void on_sync(NodeId from, const Sync& m, Effects<Message>& fx);
  void on_stream(NodeId from, const Stream& m, Time now, Effects<Message>& fx);

  [[nodiscard]] Hello hello(Time now) const;
  void greet_all(Time now, Effects<Message>& fx) const;
  [[nodiscard]] bool sdown(Time now) const;
  [[nodiscard]] bool recent(const Peer& p, Time now) const;
  void maybe_fail_over(Time now, Effects<Message>& fx);
  void win(Time now, Effects<Message>& fx);
  void adopt(Epoch epoch, NodeId primary, Time now, Effects<Message>& fx);
  void promote(Effects<Message>& fx);
  void push(const Entry& entry, Effects<Message>& fx);
  KvResult apply_entry(const Entry& entry);

  Config config_;
  NodeId self_;
  Prng prng_;

  // The configuration followed: (epoch_, primary_), once known_.
  bool known_ = false;
  Epoch epoch_ = 0;
  NodeId primary_;
  Role role_ = Role::replica;
  // Restarted with nothing: never takes the primary's role from an old configuration naming it,
  // until a full resync has given it data again.
  bool amnesiac_ = false;

  // Data plane.
  KvStore kv_;
  std::vector<Entry> stream_;
  ReplId replid_ = 0;
  ReplId replid2_ = 0;  // the history this primary continued (Redis's second replication id)
  std::uint64_t replid2_offset_ = 0;                // ... up to this offset
  std::vector<std::optional<std::uint64_t>> sent_;  // primary: next offset pushed to each node

  // Monitor plane.
  std::vector<Peer> peers_;
  Time primary_ok_at_;  // last time the primary of epoch_ greeted us as that primary
  bool sdown_noted_ = false;
  Epoch vote_epoch_ = 0;      // highest epoch voted or campaigned in
  Epoch campaign_epoch_ = 0;  // the epoch this monitor is collecting votes for (0: none)
  std::uint32_t votes_ = 0;
  Time next_failover_at_;
};

}  // namespace ry::async_primary
