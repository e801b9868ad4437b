#include "invariants/trains/key_uniqueness_checker.hpp"

#include <algorithm>

#include "invariants/describe.hpp"
#include "invariants/trains/wire.hpp"

namespace ry::trains {

KeyUniquenessChecker::KeyUniquenessChecker(Verdict& verdict, FloorFn floor)
    : Checker(verdict), floor_(std::move(floor)) {}

std::size_t KeyUniquenessChecker::in_flight() const noexcept {
  std::size_t n = 0;
  for (const auto& [issuer, flights] : flights_) n += flights.size();
  return n;
}

std::uint64_t KeyUniquenessChecker::created(std::uint32_t issuer) const noexcept {
  const auto it = created_.find(issuer);
  return it == created_.end() ? 0 : it->second;
}

bool KeyUniquenessChecker::is_new(NodeRef from, NodeId to, const LinkHeader& link) {
  const std::uint64_t lseq = link.lseq;
  if (lseq == 0) return true;  // not sent through a link: every send is its own transmission
  Outgoing& out = outgoing_[{from.id.value, to.value}];
  // A new link session (either end restarted, protocol/trains/link.hpp) counts lseqs from 1.
  if (out.incarnation != from.incarnation || out.to_inc != link.to_inc) {
    out = Outgoing{from.incarnation, link.to_inc, 0};
  }
  if (lseq <= out.max_lseq) return false;
  out.max_lseq = lseq;
  return true;
}

std::vector<KeyUniquenessChecker::Flight>::iterator KeyUniquenessChecker::find(
    std::vector<Flight>& flights, NodeId from, NodeId to, std::uint64_t lseq, const Key& key) {
  return std::find_if(flights.begin(), flights.end(), [&](const Flight& f) {
    return f.from.id == from && f.to == to && f.lseq == lseq && f.key == key;
  });
}

KeyUniquenessChecker::Received& KeyUniquenessChecker::received(NodeRef node) {
  Received& r = received_.at(node.id);
  if (r.incarnation != node.incarnation) r = Received{node.incarnation, {}};
  return r;
}

void KeyUniquenessChecker::on_send_message(const Step& step, NodeRef from, NodeId to,
                                           const Message& message) {
  const auto* train = std::get_if<Train>(&message);
  if (train == nullptr) return;
  ++checks_;
  if (train->link.renumbered) {
    // Resent into a new link session after the receiver restarted, or a retransmission of such a
    // resend (protocol/trains/link.hpp): the same train again. Its flight moves to the new session;
    // one that already landed, or that on_restart ended, is not started again (a duplicate copy
    // there goes unchecked rather than reported falsely).
    (void)is_new(from, to, train->link);
    auto& flights = flights_[train->issuer.value];
    const auto same = [&](const Flight& f) {
      return f.from.id == from.id && f.to == to && f.key == train->key();
    };
    // A retransmission within the new session: the lseq names it (a slot may have an open and a
    // closed copy of one key on a link).
    const auto again = std::find_if(flights.begin(), flights.end(), [&](const Flight& f) {
      return same(f) && f.to_inc == train->link.to_inc && f.lseq == train->link.lseq;
    });
    if (again != flights.end()) {
      ++again->copies;
      return;
    }
    const auto moved = std::find_if(flights.begin(), flights.end(), [&](const Flight& f) {
      return same(f) && f.to_inc < train->link.to_inc;
    });
    if (moved != flights.end()) {
      moved->lseq = train->link.lseq;
      moved->to_inc = train->link.to_inc;
      moved->copies = 1;
    }
    return;
  }
  if (!is_new(from, to, train->link)) {
    // A retransmission: one more copy of its logical transmission on the wire, if that is still
    // in flight (a copy of one already received is filtered by the receiver's link).
    auto& flights = flights_[train->issuer.value];
    const auto it = find(flights, from.id, to, train->link.lseq, train->key());
    if (it != flights.end() && it->from.incarnation == from.incarnation) ++it->copies;
    return;
  }
  check_origin(step, from, to, *train);
  check_in_flight(step, from, to, *train);
}

// (a) and (b) of the header.
void KeyUniquenessChecker::check_origin(const Step& step, NodeRef from, NodeId to,
                                        const Train& train) {
  const Key key = train.key();
  ClockSet& clocks = received(from).clocks[key.issuer];
  ++checks_;
  if (clocks.contains(key.clock)) {
    // A forward. Copies of older keys still waiting here were stale: forget them too.
    clocks.erase_upto(key.clock);
    return;
  }
  ++checks_;
  if (from.id.value == key.issuer) {
    std::uint64_t& created = created_[key.issuer];
    if (key.clock <= created) {
      report(step, {from.id, to},
             ry::describe(from) + " sent train " + describe_key(key) + " to node " +
                 std::to_string(to.value) +
                 " without holding a received copy of it, but its issuer already created clocks "
                 "up to " +
                 std::to_string(created) + ": a second train with key " + describe_key(key));
    }
    created = std::max(created, key.clock);
    clocks.erase_upto(key.clock);
    return;
  }
  report(step, {from.id, to},
         ry::describe(from) + " sent train " + describe_key(key) + " to node " +
             std::to_string(to.value) +
             " without having received it since it last forwarded it (only issuer " +
             std::to_string(key.issuer) + " creates trains of its slot): a second train with key " +
             describe_key(key));
}

// (c) of the header.
void KeyUniquenessChecker::check_in_flight(const Step& step, NodeRef from, NodeId to,
                                           const Train& train) {
  const Key key = train.key();
  auto& flights = flights_[key.issuer];
  // Asked only when there is something to compare with (the slot's previous hop has usually
  // landed by now): it visits every node's core.
  const std::uint64_t floor = flights.empty() || !floor_ ? 0 : floor_(key.issuer);
  for (const Flight& f : flights) {
    ++checks_;
    if (std::min(f.key.clock, key.clock) <= floor) continue;  // an older view's train
    const std::string what =
        f.key == key ? "two trains with key " + describe_key(key)
                     : "two trains of slot " + std::to_string(key.issuer) + " in flight";
    report(step, {from.id, f.from.id, to, f.to},
           ry::describe(from) + " sent train " + describe_key(key) + " to node " +
               std::to_string(to.value) + " while train " + describe_key(f.key) + " sent by " +
               ry::describe(f.from) + " to node " + std::to_string(f.to.value) + " at step " +
               std::to_string(f.step) + " (lseq " + std::to_string(f.lseq) +
               ") is still in flight: " + what);
    break;
  }
  flights.push_back(
      Flight{from, to, train.link.lseq, key, 1, false, step.index, train.link.to_inc});
}

void KeyUniquenessChecker::on_receive_message(const Step& /*step*/, NodeRef to, NodeId from,
                                              const Message& message) {
  const auto* train = std::get_if<Train>(&message);
  if (train == nullptr) return;
  ++checks_;
  // Addressed to an earlier incarnation of the receiver: its link rejects it unread (on_restart
  // ended that flight already).
  if (train->link.to_inc < to.incarnation) return;
  const Key key = train->key();
  auto& flights = flights_[key.issuer];
  const auto it = find(flights, from, to.id, train->link.lseq, key);
  if (it != flights.end()) flights.erase(it);  // the first copy received ends the flight
  // Any copy counts as received: after a restart the receiver's link no longer filters a
  // retransmission of what its earlier incarnation already had.
  received(to).clocks[key.issuer].insert(key.clock);
}

void KeyUniquenessChecker::on_drop(const Step& /*step*/, NodeId from, NodeId to,
                                   const MessageInfo& info, DropReason /*reason*/) {
  const auto wire = wire_train(info);
  if (!wire) return;
  ++checks_;
  const auto slot = flights_.find(wire->key.issuer);
  if (slot == flights_.end()) return;
  auto& flights = slot->second;
  const auto it = find(flights, from, to, wire->lseq, wire->key);
  if (it == flights.end()) return;
  if (it->copies > 0) --it->copies;
  // A live sender resends a dropped copy: only a dead sender's transmission can die.
  if (it->copies == 0 && it->sender_dead) flights.erase(it);
}

void KeyUniquenessChecker::on_crash(const Step& /*step*/, NodeRef node) {
  for (auto& [issuer, flights] : flights_) {
    for (Flight& f : flights) {
      if (f.from.id == node.id && f.from.incarnation == node.incarnation) f.sender_dead = true;
    }
    std::erase_if(flights, [](const Flight& f) { return f.sender_dead && f.copies == 0; });
  }
  Received& r = received_.at(node.id);
  r.clocks.clear();  // what it held died with it
}

// A restarted node's links reject whatever was addressed to its earlier incarnation: those copies
// are gone; what its peers still have unacked comes again, renumbered (on_send_message).
void KeyUniquenessChecker::on_restart(const Step& /*step*/, NodeRef node) {
  for (auto& [issuer, flights] : flights_) {
    std::erase_if(flights, [&](const Flight& f) { return f.to == node.id; });
  }
}

void KeyUniquenessChecker::report(const Step& step, std::vector<NodeId> nodes,
                                  const std::string& what) {
  std::vector<NodeId> unique;
  for (NodeId n : nodes) {
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
  }
  verdict_.violate(std::string(name()), step.index, std::move(unique), what);
}

}  // namespace ry::trains
