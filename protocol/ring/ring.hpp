// `ring`: a token passed round N nodes, the workload of ../shared/bench/sg_ring.cpp. It exercises
// the kernel (network, timers, disk, crash and restart) and is the speed benchmark against
// SimGrid. Node 0 sends hop 1 to node 1; hop h is accepted at node h % N, in lap h / N.
//
// Over a lossy, duplicating network each hop is acknowledged and retransmitted until acked
// (set retransmit_ns = 0 for the bare benchmark ring). With `persist`, a node writes the hop it
// accepts and syncs before acking and forwarding, so a crash never loses the token: on restart
// it resumes forwarding from its disk. Without `persist`, a crash can make a node accept a hop
// twice: the ring_token checker then reports two tokens.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <variant>

#include "protocol/common/protocol_core.hpp"

namespace ry::ring {

struct Config {
  std::uint32_t nodes = 3;
  Nanos retransmit_ns = 1 * ms_ns;  // 0: no acks, no retransmission
  bool persist = true;
  std::uint64_t laps_max = 0;  // 0: the token circulates until the run ends
};

struct Token {
  std::uint64_t hop = 0;
};
struct Ack {
  std::uint64_t hop = 0;
};
using Message = std::variant<Token, Ack>;

MessageInfo describe(const Message& message) noexcept;

// The record a node writes for each hop it accepts: the hop and a checksum of it.
std::string encode_hop(std::uint64_t hop);
// The hop of a record that verifies, or 0 for a torn or corrupted one.
std::uint64_t decode_hop(const std::string& record) noexcept;

class Core {
 public:
  using Config = ring::Config;
  using Message = ring::Message;

  Core(const Config& config, NodeId self, std::uint64_t seed, const Recovery& recovery);

  void on_start(Time now, Effects<Message>& fx) noexcept;
  void on_message(NodeId from, const Message& message, Time now, Effects<Message>& fx) noexcept;
  void on_timer(TimerId timer, Time now, Effects<Message>& fx) noexcept;
  void on_disk_synced(Time now, Effects<Message>& fx) noexcept;
  void on_client(const ClientRequest& request, Time now, Effects<Message>& fx) noexcept;
  [[nodiscard]] std::uint64_t state_digest() const noexcept;

  [[nodiscard]] std::uint64_t last_hop() const noexcept { return last_hop_; }

 private:
  static constexpr TimerId retransmit_timer{1};

  void accept(std::uint64_t hop, Effects<Message>& fx);
  void forward(std::uint64_t hop, Effects<Message>& fx);
  void note_accept(std::uint64_t hop, Effects<Message>& fx) const;
  [[nodiscard]] NodeId successor() const noexcept {
    return NodeId{(self_.value + 1) % config_.nodes};
  }
  [[nodiscard]] bool acks() const noexcept { return config_.retransmit_ns > 0; }

  Config config_;
  NodeId self_;
  std::uint64_t last_hop_ = 0;     // highest hop accepted (durable once its sync completes)
  std::uint64_t durable_hop_ = 0;  // highest hop whose write is durable (or last_hop_ if no disk)
  std::uint64_t out_hop_ = 0;      // hop forwarded and not yet acked; 0 if none
  std::deque<std::uint64_t> syncing_;  // accepted hops whose sync is in flight, oldest first
};

}  // namespace ry::ring
