// Test support for the checkers' own tests (README.md, "Checkers": each checker is fed a
// hand-made violation and must fire). A History feeds one hand-written run, event by event, to
// observers; every event is its own step, so a test can name the step a violation must cite.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "protocol/common/hash.hpp"
#include "sim/observer.hpp"

namespace ry::test {

constexpr MsgId msg(std::uint32_t sender, std::uint64_t seq) { return MsgId{NodeId{sender}, seq}; }

// The payload a client broadcasts for `id`, and the digest a correct delivery of it carries.
inline std::string payload(MsgId id) {
  return "payload " + std::to_string(id.sender.value) + "." + std::to_string(id.seq);
}
inline std::uint64_t digest(MsgId id) { return fnv1a(payload(id)); }

constexpr NodeRef ref(std::uint32_t node, std::uint32_t incarnation = 0) {
  return NodeRef{NodeId{node}, incarnation};
}

class History {
 public:
  History(std::initializer_list<Observer*> observers) : observers_(observers) {}

  // The step the next event will have.
  [[nodiscard]] std::uint64_t next_step() const { return step_ + 1; }
  [[nodiscard]] std::uint64_t last_step() const { return step_; }

  void broadcast(NodeRef node, MsgId id) { broadcast(node, id, payload(id)); }
  void broadcast(NodeRef node, MsgId id, std::string data) {
    const ClientRequest request{request_of(id), std::move(data)};
    each([&](Observer& o, const Step& s) { o.on_client(s, node, request); });
  }
  void reply(NodeRef node, MsgId id, ReplyStatus status = ReplyStatus::accepted) {
    each([&](Observer& o, const Step& s) {
      o.on_reply(s, node, ClientReply{request_of(id), status});
    });
  }
  void deliver(NodeRef node, MsgId id) { deliver(node, id, digest(id)); }
  void deliver(NodeRef node, MsgId id, std::uint64_t digest_value) {
    each([&](Observer& o, const Step& s) { o.on_deliver(s, node, Delivery{id, digest_value}); });
  }
  // Delivers `ids` at `node` in order, one step each.
  void deliver_all(NodeRef node, std::initializer_list<MsgId> ids) {
    for (const MsgId id : ids) deliver(node, id);
  }
  void note(NodeRef node, Note n) {
    each([&](Observer& o, const Step& s) { o.on_note(s, node, n); });
  }
  void transfer(NodeRef node, std::uint64_t position, std::uint64_t log_digest_value = 0) {
    const StateTransfer t{position, log_digest_value};
    each([&](Observer& o, const Step& s) { o.on_state_transfer(s, node, t); });
  }
  void crash(NodeRef node) {
    each([&](Observer& o, const Step& s) { o.on_crash(s, node); });
  }
  void restart(NodeRef node) {
    each([&](Observer& o, const Step& s) { o.on_restart(s, node); });
  }

 private:
  template <class F>
  void each(F&& f) {
    const Step s{++step_, Time{static_cast<Nanos>(step_) * ms_ns}};
    for (Observer* o : observers_) {
      f(*o, s);
      o->after_step(s);
    }
  }

  std::vector<Observer*> observers_;
  std::uint64_t step_ = 0;
};

}  // namespace ry::test
