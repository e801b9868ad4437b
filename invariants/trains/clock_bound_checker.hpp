// Clock bound (protocol/trains/README.md section 7): no node has seen a clock its issuer has not
// created, and done keys form a downward-closed set (the state form of "delivery follows key
// order").
//
// On the wire: `created[i]` is the highest clock of slot i that node i itself has sent. A train
// (c, i) sent or received anywhere with c > created[i] is a clock nobody created. An issuer's
// clocks are contiguous (protocol/trains/README.md section 1): a train of its own slot that node i
// sends with a clock above created[i] + 1 skips keys.
//
// In the cores' state, after every step, for each node the step touched (sent or received a
// train, fired a timer, restarted) and that is up, through the Core's read-only getters, for
// every slot q (steps that only move link acks or take a client request leave every value below
// unchanged, protocol/trains/README.md section 2, so they are not re-checked: that halves the
// checks of a hop):
//   - seen(q) <= created[q], and stable(q) <= seen(q), done_upto(q) <= seen(q): nothing seen,
//     known stable or done that was not created;
//   - done_upto(q) never falls within an incarnation;
//   - every parked key (c, q) is not done and was seen: done_upto(q) < c <= seen(q);
//   - downward closure: let D be the largest done key at the node above its slot's floor (the
//     largest (done_upto(q), q) with done_upto(q) > floor(q): a view change decides every key up
//     to the floors at once and each slot restarts above its own floor, protocol/trains/README.md
//     section 5); every key below D that the node knows to exist is done: for every q, done_upto(q)
//     >= min(seen(q), largest clock c' with (c', q) < D). G2 gives this at the moment D is
//     delivered, and G3 keeps it: every issuer had reached D's clock then, so keys created later
//     are above D. Bug B3 (G3 skips issuers never heard from) breaks it as soon as the late
//     issuer's first train arrives.
// The done set per issuer is a watermark in this core (done_upto), so per issuer it is downward
// closed by construction; the cross-issuer check above is the meaningful one.
//
// O(slots + parked) per touched node per step.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/node_table.hpp"
#include "protocol/trains/core.hpp"
#include "protocol/trains/messages.hpp"
#include "sim/observer.hpp"

namespace ry::trains {

class ClockBoundChecker final : public Checker, public MessageObserver<Message> {
 public:
  // The core of a node, or nullptr while it is down (World::core).
  using CoreAccess = std::function<const Core*(NodeId)>;

  // `nodes`: N; `slots`: K (Config::trains). Without `cores` only the wire is checked.
  ClockBoundChecker(Verdict& verdict, std::uint32_t nodes, std::uint32_t slots,
                    CoreAccess cores = {});

  [[nodiscard]] std::string_view name() const override { return "clock_bound"; }

  void on_send_message(const Step& step, NodeRef from, NodeId to, const Message& message) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from,
                          const Message& message) override;
  void on_timer(const Step& step, NodeRef node, TimerId timer) override;
  void on_restart(const Step& step, NodeRef node) override;
  void after_step(const Step& step) override;

  [[nodiscard]] std::uint64_t created(std::uint32_t issuer) const noexcept;

 private:
  struct Watermarks {
    std::uint32_t incarnation = 0;
    std::vector<std::uint64_t> done_upto;  // per slot, as last checked
  };

  void touch(NodeRef node);
  void check_wire(const Step& step, NodeRef node, const Train& train, const char* how);
  void check_state(const Step& step, NodeRef node, const Core& core);
  void report(const Step& step, std::vector<NodeId> nodes, const std::string& what);

  std::uint32_t nodes_;
  std::uint32_t slots_;
  CoreAccess cores_;
  std::map<std::uint32_t, std::uint64_t> created_;  // by issuer
  std::vector<NodeRef> touched_;                    // this step, a handful
  NodeTable<Watermarks> watermarks_;
};

}  // namespace ry::trains
