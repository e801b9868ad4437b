// Test support for the membership checkers' own tests: a hand-written run fed event by event to
// observers, every event its own step (as invariants/test_history.hpp, plus view installs and
// state transfers, which that history does not feed).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "invariants/test_history.hpp"
#include "protocol/common/log_digest.hpp"
#include "sim/observer.hpp"

namespace ry::membership::test {

using ry::test::digest;
using ry::test::msg;
using ry::test::ref;

// The log digest of `ids` delivered in order with their correct content.
inline std::uint64_t log_of(std::initializer_list<MsgId> ids) {
  std::uint64_t d = log_digest_empty;
  for (const MsgId id : ids) d = log_digest(d, Delivery{id, digest(id)});
  return d;
}

// The log digest of (sender,1)..(sender,n) delivered in order, the one at `wrong_at` (if not 0)
// replaced by (9,9).
inline std::uint64_t log_of_seqs(std::uint32_t sender, std::uint64_t n,
                                 std::uint64_t wrong_at = 0) {
  std::uint64_t d = log_digest_empty;
  for (std::uint64_t seq = 1; seq <= n; ++seq) {
    const MsgId id = seq == wrong_at ? msg(9, 9) : msg(sender, seq);
    d = log_digest(d, Delivery{id, digest(id)});
  }
  return d;
}

inline std::vector<NodeId> nodes(std::initializer_list<std::uint32_t> ids) {
  std::vector<NodeId> out;
  for (const std::uint32_t id : ids) out.push_back(NodeId{id});
  return out;
}

class Script {
 public:
  Script(std::initializer_list<Observer*> observers) : observers_(observers) {}

  // The step the next event will have.
  [[nodiscard]] std::uint64_t next_step() const { return step_ + 1; }
  [[nodiscard]] std::uint64_t last_step() const { return step_; }

  void deliver(NodeRef node, MsgId id) { deliver(node, id, digest(id)); }
  void deliver(NodeRef node, MsgId id, std::uint64_t digest_value) {
    each([&](Observer& o, const Step& s) { o.on_deliver(s, node, Delivery{id, digest_value}); });
  }
  void deliver_all(NodeRef node, std::initializer_list<MsgId> ids) {
    for (const MsgId id : ids) deliver(node, id);
  }
  void view(NodeRef node, std::uint64_t view_id, std::initializer_list<std::uint32_t> members) {
    const ViewInstall install{ViewId{view_id}, nodes(members)};
    each([&](Observer& o, const Step& s) { o.on_view(s, node, install); });
  }
  // Installs one view at each of `members`, in id order, one step each.
  void view_everywhere(std::uint64_t view_id, std::initializer_list<std::uint32_t> members,
                       std::uint32_t incarnation = 0) {
    for (const std::uint32_t m : members) view(ref(m, incarnation), view_id, members);
  }
  void transfer(NodeRef node, std::uint64_t position, std::uint64_t log_digest_value,
                std::int64_t donor = -1) {
    const StateTransfer t{position, log_digest_value, donor};
    each([&](Observer& o, const Step& s) { o.on_state_transfer(s, node, t); });
  }
  void note(NodeRef node, Note n) {
    each([&](Observer& o, const Step& s) { o.on_note(s, node, n); });
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

}  // namespace ry::membership::test
