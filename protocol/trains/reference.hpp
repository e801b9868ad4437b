// A deliberately naive second implementation of TRAINS sections 2-3
// (protocol/trains/reference.hpp), for differential testing of Core: plain sets and maps, full
// scans, no watermarks, no garbage collection, no membership, no link layer (it takes trains
// directly) and no planted bugs. Its outputs for one input must equal Core's: trains forwarded,
// deliveries, clock-gap hints and client replies.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "protocol/common/effects.hpp"
#include "protocol/trains/config.hpp"
#include "protocol/trains/messages.hpp"

namespace ry::trains {

struct ReferenceOutput {
  std::vector<Train> forwarded;  // to the successor, link header zero
  std::vector<Delivery> deliveries;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> clock_gaps;  // (issuer, clock)
  std::vector<ClientReply> replies;
};

class Reference {
 public:
  Reference(const Config& config, NodeId self);

  // The issuer creates its first train (at start, or when its start delay has elapsed).
  void start_issuer(ReferenceOutput& out);
  void broadcast(const ClientRequest& request, ReferenceOutput& out);
  void on_train(Train train, ReferenceOutput& out);

 private:
  [[nodiscard]] std::uint64_t seen(std::uint32_t issuer) const;
  [[nodiscard]] std::uint64_t stable(std::uint32_t issuer) const;
  [[nodiscard]] bool deliverable(const Key& key) const;
  void create(ReferenceOutput& out);
  void load(Train& train);
  void close_if_acked(Train& train);
  void drain(ReferenceOutput& out);
  void deliver(const Key& key, ReferenceOutput& out);

  Config config_;
  NodeId self_;
  std::map<std::uint32_t, std::set<std::uint64_t>> clocks_seen_;  // every clock ever seen
  std::map<std::uint32_t, std::uint64_t> stable_;
  std::set<Key> done_;
  std::map<Key, Train> held_;  // kept forever
  std::map<Key, std::uint32_t> holders_seen_;
  std::set<Key> parked_;
  std::vector<Payload> pending_;
  std::set<MsgId> known_;
  std::set<MsgId> delivered_;
  std::uint64_t issued_ = 0;
};

}  // namespace ry::trains
