// Key uniqueness (protocol/trains/README.md section 7): at most one train per key, and at most one
// train per slot above the floor in flight. A slot's train behaves like a token: only its issuer
// creates it, each key once, and every other send of it is the forward of a copy the sender
// received.
//
// Definitions. A *logical transmission* is one link-layer message: (sender node and incarnation,
// receiver, lseq, key). The link layer (protocol/trains/link.hpp) may put it on the wire many
// times (retransmissions, recognised by an lseq not above the highest lseq that sender
// incarnation already sent to that receiver) and the network may duplicate a copy; all of these
// are the one logical transmission, never a second train. It is *in flight* from its first send
// until a copy of it is received by the receiver (the link hands it to the protocol at most once,
// later copies are filtered), or until its sender has crashed and every copy known to be on the
// wire is gone (received or dropped: a live sender retransmits a dropped copy, so a drop alone
// does not end it; a network duplicate can make it end early, never late). The properties:
//
//  (a) creation: a send of a slot's train by its issuer that is not a forward (see (b)) creates
//      that key; a key is created at most once in the whole run (a clock at or below the highest
//      clock the issuer already created is a second train with that key);
//  (b) forward: a send by any other node, of key k, needs a copy of k received by the sender in
//      its current incarnation and not forwarded since (a node that never saw k, or that already
//      sent k on, is putting a second train with key k on the ring);
//  (c) in flight: when a new logical transmission of slot i starts, no other logical transmission
//      of slot i may be in flight, whatever its clock (same clock: a second train of that key;
//      other clock: two trains of one slot), unless the smaller of the two clocks is at or below
//      the slot's floor (`floor(i)`: an older view's train, protocol/trains/README.md section 5; 0
//      if not given).
//
// O(1) amortised per train sent, received or dropped (a slot has one logical transmission in
// flight in a correct run); memory is bounded by what is in flight, per link and per slot.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/node_table.hpp"
#include "protocol/trains/messages.hpp"
#include "sim/observer.hpp"

namespace ry::trains {

class KeyUniquenessChecker final : public Checker, public MessageObserver<Message> {
 public:
  // The highest floor of slot `issuer` at any live node (protocol/trains/README.md section 5), or
  // 0.
  using FloorFn = std::function<std::uint64_t(std::uint32_t issuer)>;

  explicit KeyUniquenessChecker(Verdict& verdict, FloorFn floor = {});

  [[nodiscard]] std::string_view name() const override { return "key_uniqueness"; }

  void on_send_message(const Step& step, NodeRef from, NodeId to, const Message& message) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from,
                          const Message& message) override;
  void on_drop(const Step& step, NodeId from, NodeId to, const MessageInfo& info,
               DropReason reason) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_restart(const Step& step, NodeRef node) override;

  // Logical transmissions in flight, over all slots.
  [[nodiscard]] std::size_t in_flight() const noexcept;
  // The highest clock created by `issuer` so far (0 before any).
  [[nodiscard]] std::uint64_t created(std::uint32_t issuer) const noexcept;

 private:
  struct Flight {
    NodeRef from;
    NodeId to;
    std::uint64_t lseq = 0;
    Key key;
    std::uint64_t copies = 0;  // sends minus drops; receipts end the flight
    bool sender_dead = false;
    std::uint64_t step = 0;    // of the first send
    std::uint32_t to_inc = 0;  // the receiver incarnation its link session is with
  };
  struct Outgoing {
    std::uint32_t incarnation = 0;
    std::uint32_t to_inc = 0;
    std::uint64_t max_lseq = 0;
  };
  // Clocks of one slot, sorted. A node holds one or two at a time, and one is added and one
  // dropped at every hop: a small vector, not a node-allocating set.
  struct ClockSet {
    std::vector<std::uint64_t> sorted;
    [[nodiscard]] bool contains(std::uint64_t clock) const {
      return std::binary_search(sorted.begin(), sorted.end(), clock);
    }
    void insert(std::uint64_t clock) {
      const auto it = std::lower_bound(sorted.begin(), sorted.end(), clock);
      if (it == sorted.end() || *it != clock) sorted.insert(it, clock);
    }
    // Drops every clock up to and including `clock`.
    void erase_upto(std::uint64_t clock) {
      sorted.erase(sorted.begin(), std::upper_bound(sorted.begin(), sorted.end(), clock));
    }
  };
  // What a node received of each slot and has not forwarded yet, in its current incarnation.
  struct Received {
    std::uint32_t incarnation = 0;
    std::map<std::uint32_t, ClockSet> clocks;  // by issuer
  };

  // True if this send starts a new logical transmission (not a retransmission).
  bool is_new(NodeRef from, NodeId to, const LinkHeader& link);
  std::vector<Flight>::iterator find(std::vector<Flight>& flights, NodeId from, NodeId to,
                                     std::uint64_t lseq, const Key& key);
  void check_origin(const Step& step, NodeRef from, NodeId to, const Train& train);
  void check_in_flight(const Step& step, NodeRef from, NodeId to, const Train& train);
  Received& received(NodeRef node);
  void report(const Step& step, std::vector<NodeId> nodes, const std::string& what);

  FloorFn floor_;
  std::map<std::uint32_t, std::vector<Flight>> flights_;                  // by issuer (slot)
  std::map<std::pair<std::uint32_t, std::uint32_t>, Outgoing> outgoing_;  // by (from, to)
  std::map<std::uint32_t, std::uint64_t> created_;                        // by issuer
  NodeTable<Received> received_;
};

}  // namespace ry::trains
