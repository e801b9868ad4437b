#include "invariants/trains/clock_bound_checker.hpp"

#include <algorithm>
#include <utility>

#include "invariants/describe.hpp"
#include "invariants/trains/wire.hpp"

namespace ry::trains {

ClockBoundChecker::ClockBoundChecker(Verdict& verdict, std::uint32_t nodes, std::uint32_t slots,
                                     CoreAccess cores)
    : Checker(verdict), nodes_(nodes), slots_(slots), cores_(std::move(cores)) {}

std::uint64_t ClockBoundChecker::created(std::uint32_t issuer) const noexcept {
  const auto it = created_.find(issuer);
  return it == created_.end() ? 0 : it->second;
}

void ClockBoundChecker::touch(NodeRef node) {
  if (std::find_if(touched_.begin(), touched_.end(), [&](NodeRef n) {
        return n.id == node.id && n.incarnation == node.incarnation;
      }) == touched_.end()) {
    touched_.push_back(node);
  }
}

void ClockBoundChecker::on_timer(const Step&, NodeRef node, TimerId) { touch(node); }
void ClockBoundChecker::on_restart(const Step&, NodeRef node) { touch(node); }

void ClockBoundChecker::on_send_message(const Step& step, NodeRef from, NodeId /*to*/,
                                        const Message& message) {
  const auto* train = std::get_if<Train>(&message);
  if (train == nullptr) return;
  touch(from);
  if (from.id == train->issuer) {
    std::uint64_t& created = created_[train->issuer.value];
    ++checks_;
    if (train->clock > created) {
      // A view change may skip clocks an issuer reserved but never created (a restarted issuer
      // continues above its durable reservation, protocol/trains/README.md section 5): its floor
      // says so.
      const Core* core = cores_ ? cores_(from.id) : nullptr;
      const std::uint64_t floor =
          core != nullptr && train->issuer.value < slots_ ? core->floor(train->issuer.value) : 0;
      if (train->clock > std::max(created, floor) + 1) {
        report(step, {from.id},
               ry::describe(from) + " created train " + describe_key(train->key()) +
                   " but the last clock it created was " + std::to_string(created) +
                   ": an issuer's clocks rise by exactly 1");
      }
      created = train->clock;
    }
  }
  check_wire(step, from, *train, "sent");
}

void ClockBoundChecker::on_receive_message(const Step& step, NodeRef to, NodeId /*from*/,
                                           const Message& message) {
  const auto* train = std::get_if<Train>(&message);
  if (train == nullptr) return;
  touch(to);
  check_wire(step, to, *train, "received");
}

void ClockBoundChecker::check_wire(const Step& step, NodeRef node, const Train& train,
                                   const char* how) {
  ++checks_;
  const std::uint64_t created = this->created(train.issuer.value);
  if (train.clock <= created) return;
  report(step, {node.id, train.issuer},
         ry::describe(node) + " " + how + " train " + describe_key(train.key()) + " but issuer " +
             std::to_string(train.issuer.value) + " has created clocks only up to " +
             std::to_string(created));
}

void ClockBoundChecker::after_step(const Step& step) {
  if (cores_) {
    for (NodeRef node : touched_) {
      if (node.id.value >= nodes_) continue;  // odd input: not a configured node
      const Core* core = cores_(node.id);
      if (core != nullptr) check_state(step, node, *core);
    }
  }
  touched_.clear();
}

void ClockBoundChecker::check_state(const Step& step, NodeRef node, const Core& core) {
  Watermarks& marks = watermarks_.at(node.id);
  if (marks.incarnation != node.incarnation || marks.done_upto.size() != slots_) {
    marks = Watermarks{node.incarnation, std::vector<std::uint64_t>(slots_, 0)};
  }
  // Built only on a violation: this runs after every step.
  const auto who = [&] { return ry::describe(node); };
  // Per slot bounds, and the largest done key D.
  bool any_done = false;
  Key largest;
  for (std::uint32_t q = 0; q < slots_; ++q) {
    const std::uint64_t seen = core.seen(q);
    const std::uint64_t done = core.done_upto(q);
    const std::uint64_t stable = core.stable(q);
    // An issuer's own clock counts as created once it is in its state: its send may wait for the
    // disk sync of its clock reservation (protocol/trains/clock_reservation.hpp).
    // Keys at or below the floor were decided by a view change (delivered or skipped), created
    // or not: a restarted issuer's unused reservation is skipped that way.
    const std::uint64_t made = std::max(
        node.id.value == q ? std::max(created(q), core.issued()) : created(q), core.floor(q));
    checks_ += 4;
    if (seen > made) {
      report(step, {node.id, NodeId{q}},
             who() + " has seen clock " + std::to_string(seen) + " of issuer " + std::to_string(q) +
                 ", which has created clocks only up to " + std::to_string(made));
      return;
    }
    if (done > seen || stable > seen) {
      report(step, {node.id},
             who() + " has done_upto " + std::to_string(done) + " and stable " +
                 std::to_string(stable) + " for issuer " + std::to_string(q) +
                 " above the highest clock it has seen, " + std::to_string(seen));
      return;
    }
    if (done < marks.done_upto[q]) {
      report(step, {node.id},
             who() + " lowered done_upto of issuer " + std::to_string(q) + " from " +
                 std::to_string(marks.done_upto[q]) + " to " + std::to_string(done));
      return;
    }
    marks.done_upto[q] = done;
    // Keys at or below the floor were decided by a view change's plan (protocol/trains/README.md
    // section 5) and are done at every member; each slot restarts above its own boundary, so key
    // order binds only the keys created in the current view.
    if (done > core.floor(q) && (!any_done || Key{done, q} > largest)) {
      largest = Key{done, q};
      any_done = true;
    }
  }
  for (const Key& key : core.parked()) {
    ++checks_;
    if (key.issuer >= slots_) continue;  // odd state; the core asserts against it itself
    if (key.clock <= core.done_upto(key.issuer) || key.clock > core.seen(key.issuer)) {
      report(step, {node.id},
             who() + " has key " + describe_key(key) + " parked, but done_upto of issuer " +
                 std::to_string(key.issuer) + " is " + std::to_string(core.done_upto(key.issuer)) +
                 " and it has seen clocks up to " + std::to_string(core.seen(key.issuer)));
      return;
    }
  }
  if (!any_done) return;
  // Downward closure: every key below `largest` that this node knows to exist is done.
  for (std::uint32_t q = 0; q < slots_; ++q) {
    ++checks_;
    const std::uint64_t below = q < largest.issuer ? largest.clock : largest.clock - 1;
    const std::uint64_t known = std::min(core.seen(q), below);
    const std::uint64_t done = core.done_upto(q);
    if (done >= known) continue;
    const Key hole{done + 1, q};
    report(step, {node.id, NodeId{q}},
           who() + " has done key " + describe_key(largest) + " but not the smaller key " +
               describe_key(hole) + ", which it knows exists (it has seen clock " +
               std::to_string(core.seen(q)) + " of issuer " + std::to_string(q) +
               "): done keys are not downward closed (delivery out of key order)");
    return;
  }
}

void ClockBoundChecker::report(const Step& step, std::vector<NodeId> nodes,
                               const std::string& what) {
  std::vector<NodeId> unique;
  for (NodeId n : nodes) {
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
  }
  verdict_.violate(std::string(name()), step.index, std::move(unique), what);
}

}  // namespace ry::trains
