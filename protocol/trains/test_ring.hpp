// Test support (not part of the library): a lock-step driver for a ring of Cores. Every step
// delivers each train in flight one hop; link acks go back at once and do not count as hops.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/trains/core.hpp"

namespace ry::trains::testing {

struct Hop {
  NodeId from;
  NodeId to;
  Message message;
};

struct Event {
  std::uint64_t step = 0;
  NodeId node;
  Delivery delivery;
};

class LockStepRing {
 public:
  explicit LockStepRing(const Config& config) : config_(config) {
    for (std::uint32_t n = 0; n < config.nodes; ++n) {
      cores_.emplace_back(config, NodeId{n}, n, Recovery{});
    }
  }

  void start() {
    for (auto& core : cores_) {
      Core::Fx fx;
      core.on_start(now(), fx);
      apply(core.self(), fx);
    }
  }

  void broadcast(std::uint32_t node, std::uint64_t seq, std::string data) {
    broadcast_id(node, MsgId{NodeId{node}, seq}, std::move(data));
  }
  // A broadcast at `node` of a payload whose sender may be another node (a client retrying).
  void broadcast_id(std::uint32_t node, MsgId id, std::string data) {
    Core::Fx fx;
    cores_[node].on_client(ClientRequest{request_of(id), std::move(data)}, now(), fx);
    apply(NodeId{node}, fx);
  }

  void fire_timer(std::uint32_t node, TimerId timer) {
    Core::Fx fx;
    cores_[node].on_timer(timer, now(), fx);
    apply(NodeId{node}, fx);
  }

  // Moves every train in flight one hop.
  void step() {
    std::vector<Hop> hops = std::move(flight_);
    flight_.clear();
    for (auto& hop : hops) {
      Core::Fx fx;
      cores_[hop.to.value].on_message(hop.from, std::move(hop.message), now(), fx);
      apply(hop.to, fx);
    }
    ++step_;
  }

  [[nodiscard]] Time now() const { return Time{static_cast<Nanos>(step_) * 1000}; }
  [[nodiscard]] std::uint64_t steps() const { return step_; }
  std::vector<Core>& cores() { return cores_; }
  const std::vector<Event>& deliveries() const { return deliveries_; }
  const std::vector<Hop>& flight() const { return flight_; }
  const std::vector<std::pair<NodeId, Train>>& sent_trains() const { return sent_trains_; }
  const std::vector<std::pair<NodeId, Note>>& notes() const { return notes_; }
  const std::vector<ClientReply>& replies() const { return replies_; }
  std::vector<MsgId> log(std::uint32_t node) const {
    std::vector<MsgId> out;
    for (const auto& e : deliveries_) {
      if (e.node.value == node) out.push_back(e.delivery.id);
    }
    return out;
  }
  void keep_sent_trains(bool keep) { keep_sent_ = keep; }
  void clear_records() {
    deliveries_.clear();
    sent_trains_.clear();
    notes_.clear();
    replies_.clear();
  }

 private:
  void apply(NodeId node, Core::Fx& fx) {
    for (const auto& d : fx.deliveries) deliveries_.push_back(Event{step_, node, d});
    for (const auto& n : fx.notes) notes_.emplace_back(node, n);
    for (const auto& r : fx.replies) replies_.push_back(r);
    for (auto& send : fx.sends) {
      if (std::holds_alternative<LinkAck>(send.message)) {
        Core::Fx ack_fx;
        cores_[send.to.value].on_message(node, std::move(send.message), now(), ack_fx);
        continue;
      }
      if (keep_sent_) sent_trains_.emplace_back(node, std::get<Train>(send.message));
      flight_.push_back(Hop{node, send.to, std::move(send.message)});
    }
  }

  Config config_;
  std::vector<Core> cores_;
  std::vector<Hop> flight_;
  std::vector<Event> deliveries_;
  std::vector<std::pair<NodeId, Train>> sent_trains_;
  std::vector<std::pair<NodeId, Note>> notes_;
  std::vector<ClientReply> replies_;
  std::uint64_t step_ = 0;
  bool keep_sent_ = true;
};

}  // namespace ry::trains::testing
