// Reliable point-to-point links over the simulated network, inside the core.
//
// TRAINS assumes a reliable link from each member to its successor (TCP in real deployments,
// README.md section 1); the simulated network loses, duplicates and reorders. `Links` restores what
// the protocol needs and nothing more:
//   - the sender stamps a per-peer sequence number (`lseq`, from 1) on every reliable message and
//     keeps it until the receiver acknowledges it, resending after `retransmit_ns` (a timer per
//     peer, re-armed lazily so a failure-free hop costs no timer traffic beyond the first);
//   - the receiver acks every data message it gets (duplicates too: the earlier ack may have been
//     lost) with its cumulative watermark plus the lseq itself (a one-entry selective ack, so a
//     reordered message is not resent), and filters duplicates;
//   - with `fifo` it hands messages to the protocol in lseq order, buffering early arrivals;
//     without it, each message exactly once in arrival order (trains of different issuers can
//     then overtake each other on a link, which bug B3 needs, README.md section 8).
// Failure-free, one hop costs the data message plus one ack.
//
// It is generic in the protocol's message variant: reliable alternatives expose a LinkHeader via
// an ADL `link_header(Message&)` returning nullptr for unreliable ones, and the variant must be
// constructible from `LinkAck`.
//
// Sessions: a restarted node starts its links afresh, so every header and ack names the incarnation
// of its sender and of the receiver the sender believes in. A message from a newer incarnation of
// a peer resets what this node receives from it (the new incarnation counts from lseq 1) and what
// it sends to it; a message addressed to an older incarnation of this node is answered by an ack
// naming this incarnation and not handed over, so the sender learns of the restart and starts a
// new session from lseq 1, into which it renumbers (and resends at once, marked `renumbered`)
// what it still has unacked: among it may be trains of a view the restarted node has just been
// admitted to. Messages of older incarnations are ignored.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "protocol/common/assert.hpp"
#include "protocol/common/effects.hpp"
#include "protocol/common/hash.hpp"
#include "protocol/common/ids.hpp"

namespace ry::trains {

// Carried by every reliable message; 0 means "not sent through a link yet".
struct LinkHeader {
  std::uint64_t lseq = 0;
  std::uint32_t from_inc = 0;  // the sender's incarnation
  std::uint32_t to_inc = 0;    // the receiver's incarnation, as the sender knows it
  bool renumbered = false;     // resent into a new session after the receiver restarted
  friend bool operator==(const LinkHeader&, const LinkHeader&) = default;
};

// Everything below `cumulative` (inclusive) and `lseq` itself arrived at the receiver.
struct LinkAck {
  std::uint64_t cumulative = 0;
  std::uint64_t lseq = 0;
  std::uint32_t from_inc = 0;  // the acking node's incarnation
  std::uint32_t to_inc = 0;    // the incarnation of the data's sender it acks
  friend bool operator==(const LinkAck&, const LinkAck&) = default;
};

template <class Message>
class Links {
 public:
  Links() = default;
  Links(std::uint32_t peers, Nanos retransmit_ns, bool fifo, std::uint64_t timer_base,
        std::uint32_t incarnation = 0)
      : incarnation_(incarnation),
        peers_(peers),
        retransmit_ns_(retransmit_ns),
        fifo_(fifo),
        timer_base_(timer_base),
        table_(peers) {
    RY_ASSERT(retransmit_ns > 0);
  }

  // Planted bug P1 (README.md section 8): each resend doubles the peer's retransmission timeout
  // (capped at `p1_backoff_cap` times the base) and nothing resets it after an ack, so on a lossy
  // link every loss costs more and more time. Safety is intact and the liveness phase (no loss)
  // still converges; only a progress bound sees the stall.
  static constexpr std::int64_t p1_backoff_cap = 100;
  void set_backoff_bug(bool on) noexcept { backoff_bug_ = on; }

  // Sends `message` reliably to `to`: stamps the next lseq and keeps a copy until acked.
  void send(NodeId to, Message message, Time now, Effects<Message>& fx) {
    Peer& peer = at(to);
    LinkHeader* header = link_header(message);
    RY_ASSERT(header != nullptr);
    header->lseq = peer.next_lseq++;
    header->from_inc = incarnation_;
    header->to_inc = peer.remote_inc;
    header->renumbered = false;  // a forwarded train keeps the header it arrived with
    peer.unacked.push_back(Unacked{header->lseq, now, message});
    fx.send(to, std::move(message));
    if (!peer.timer_armed) arm(to, peer, now + rto(peer), now, fx);
  }

  // Handles a reliable message from `from`: acks it, drops duplicates, and calls
  // `handle(Message&&)` for every message that may now go to the protocol, in link order.
  template <class Handle>
  void receive(NodeId from, Message message, Effects<Message>& fx, Handle&& handle) {
    Peer& peer = at(from);
    const LinkHeader* header = link_header(message);
    RY_ASSERT(header != nullptr);
    const std::uint64_t lseq = header->lseq;
    if (lseq == 0) return;  // never sent through a link: not ours to handle
    if (header->from_inc < peer.remote_inc) return;  // an older incarnation of the peer
    if (header->from_inc > peer.remote_inc) restarted(from, peer, header->from_inc, fx);
    if (header->to_inc != incarnation_) {
      // Sent to an earlier incarnation of this node: tell the sender who is here now.
      fx.send(from, Message{LinkAck{0, 0, incarnation_, header->from_inc}});
      return;
    }
    const bool fresh =
        lseq >= peer.recv_next && !peer.early.contains(lseq) && !peer.early_set.contains(lseq);
    if (fresh) {
      if (lseq == peer.recv_next) {
        ++peer.recv_next;
        handle(std::move(message));
        release(peer, handle);
      } else if (fifo_) {
        peer.early.emplace(lseq, std::move(message));
      } else {
        peer.early_set.insert(lseq);
        handle(std::move(message));
        release(peer, handle);
      }
    }
    fx.send(from, Message{LinkAck{peer.recv_next - 1, lseq, incarnation_, header->from_inc}});
  }

  // Handles an ack from `from`: forgets what it covers. Stale or duplicate acks are harmless.
  void on_ack(NodeId from, const LinkAck& ack, Effects<Message>& fx) {
    Peer& peer = at(from);
    if (ack.from_inc < peer.remote_inc || ack.to_inc != incarnation_) return;  // stale
    if (ack.from_inc > peer.remote_inc) {
      restarted(from, peer, ack.from_inc, fx);
      return;
    }
    while (!peer.unacked.empty() && peer.unacked.front().lseq <= ack.cumulative) {
      peer.unacked.pop_front();
    }
    for (auto it = peer.unacked.begin(); it != peer.unacked.end(); ++it) {
      if (it->lseq == ack.lseq) {
        peer.unacked.erase(it);
        break;
      }
    }
  }

  // Returns false when `timer` is not a link timer. Resends what has waited `retransmit_ns`.
  bool on_timer(TimerId timer, Time now, Effects<Message>& fx) {
    if (timer.value < timer_base_ || timer.value >= timer_base_ + peers_) return false;
    const NodeId to{static_cast<std::uint32_t>(timer.value - timer_base_)};
    Peer& peer = at(to);
    peer.timer_armed = false;
    const Nanos timeout = rto(peer);
    Time oldest = now + timeout;
    bool resent = false;
    for (auto& entry : peer.unacked) {
      if (entry.sent_at + timeout <= now) {
        entry.sent_at = now;
        fx.send(to, entry.message);
        resent = true;
      }
      if (entry.sent_at < oldest) oldest = entry.sent_at;
    }
    if (resent && backoff_bug_) {
      peer.backoff = std::min<std::int64_t>(peer.backoff * 2, p1_backoff_cap);
    }
    if (!peer.unacked.empty()) arm(to, peer, oldest + rto(peer), now, fx);
    return true;
  }

  [[nodiscard]] TimerId timer_of(NodeId peer) const noexcept {
    return TimerId{timer_base_ + peer.value};
  }
  // In-flight work: what waits for an ack, and what arrived early (bounded by the sender's).
  [[nodiscard]] std::size_t unacked(NodeId peer) const { return at(peer).unacked.size(); }
  [[nodiscard]] std::size_t early(NodeId peer) const {
    return at(peer).early.size() + at(peer).early_set.size();
  }

  // Peers with an entry: the ones this node sent to or heard from, not every configured one.
  [[nodiscard]] std::size_t peers_in_use() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(table_.begin(), table_.end(), [](const auto& p) { return p != nullptr; }));
  }

  [[nodiscard]] std::uint64_t digest(std::uint64_t h) const noexcept {
    // Every configured peer in id order, a peer never talked to with its initial values: the
    // digest does not depend on which peers have an entry.
    for (std::uint32_t i = 0; i < peers_; ++i) {
      const Peer& peer = at(NodeId{i});
      h = hash_u64(h, peer.next_lseq);
      h = hash_u64(h, peer.recv_next);
      h = hash_u64(h, peer.remote_inc);
      h = hash_u64(h, peer.unacked.size());
      for (const auto& entry : peer.unacked) h = hash_u64(h, entry.lseq);
      for (const auto& [lseq, message] : peer.early) h = hash_u64(h, lseq);
      for (std::uint64_t lseq : peer.early_set) h = hash_u64(h, lseq);
    }
    return h;
  }

 private:
  struct Unacked {
    std::uint64_t lseq = 0;
    Time sent_at;
    Message message;
  };
  struct Peer {
    // Sender side.
    std::uint64_t next_lseq = 1;
    std::deque<Unacked> unacked;  // in lseq order
    bool timer_armed = false;
    // Receiver side: every lseq below recv_next arrived; `early` (fifo) buffers messages above
    // it, `early_set` (not fifo) remembers lseqs above it already handed over.
    std::uint64_t recv_next = 1;
    std::uint32_t remote_inc = 0;  // the peer's incarnation this session is with
    std::map<std::uint64_t, Message> early;
    std::set<std::uint64_t> early_set;
    std::int64_t backoff = 1;  // the retransmission timeout's multiple: 1 but under bug P1
  };

  [[nodiscard]] Nanos rto(const Peer& peer) const noexcept { return retransmit_ns_ * peer.backoff; }

  // A peer's entry is made at its first use: a node talks to a few peers (its successor, its
  // predecessor, a coordinator), and an entry per configured peer made every node O(N), a
  // cluster O(N^2) (800 bytes a pair: 80 GB for 10,000 nodes). A slot per peer (8 bytes) keeps
  // the lookup on every message a vector index; the entries are heap objects, so references
  // stay valid while a handler sends.
  Peer& at(NodeId peer) {
    RY_ASSERT(peer.value < peers_);
    std::unique_ptr<Peer>& slot = table_[peer.value];
    if (!slot) slot = std::make_unique<Peer>();
    return *slot;
  }
  const Peer& at(NodeId peer) const {
    RY_ASSERT(peer.value < peers_);
    const std::unique_ptr<Peer>& slot = table_[peer.value];
    return slot ? *slot : never_used_;
  }

  void arm(NodeId to, Peer& peer, Time due, Time now, Effects<Message>& fx) {
    peer.timer_armed = true;
    const Nanos after = due - now;
    fx.set_timer(timer_of(to), after > 0 ? after : 1);
  }

  // `peer` restarted as `incarnation`: a new session both ways; what is still unacked is
  // renumbered from lseq 1 and resent.
  void restarted(NodeId to, Peer& peer, std::uint32_t incarnation, Effects<Message>& fx) {
    peer.remote_inc = incarnation;
    peer.recv_next = 1;
    peer.early.clear();
    peer.early_set.clear();
    peer.next_lseq = 1;
    for (auto& entry : peer.unacked) {
      entry.lseq = peer.next_lseq++;
      LinkHeader* header = link_header(entry.message);
      header->lseq = entry.lseq;
      header->from_inc = incarnation_;
      header->to_inc = incarnation;
      header->renumbered = true;
      fx.send(to, entry.message);
    }
  }

  // Moves recv_next over everything that arrived early, handing buffered messages over in order.
  template <class Handle>
  void release(Peer& peer, Handle& handle) {
    if (fifo_) {
      for (auto it = peer.early.begin(); it != peer.early.end() && it->first == peer.recv_next;
           it = peer.early.erase(it)) {
        ++peer.recv_next;
        handle(std::move(it->second));
      }
    } else {
      for (auto it = peer.early_set.begin(); it != peer.early_set.end() && *it == peer.recv_next;
           it = peer.early_set.erase(it)) {
        ++peer.recv_next;
      }
    }
  }

  std::uint32_t incarnation_ = 0;
  std::uint32_t peers_ = 0;
  Nanos retransmit_ns_ = 1;
  bool fifo_ = true;
  bool backoff_bug_ = false;  // planted bug P1
  std::uint64_t timer_base_ = 0;
  // By peer id; null: never used. Copying a core copies the entries (cores are values).
  struct PeerTable {
    explicit PeerTable(std::size_t peers) : slots(peers) {}
    PeerTable(const PeerTable& other) : slots(other.slots.size()) {
      for (std::size_t i = 0; i < slots.size(); ++i) {
        if (other.slots[i]) slots[i] = std::make_unique<Peer>(*other.slots[i]);
      }
    }
    PeerTable& operator=(const PeerTable& other) {
      PeerTable copy(other);
      slots.swap(copy.slots);
      return *this;
    }
    PeerTable(PeerTable&&) noexcept = default;
    PeerTable& operator=(PeerTable&&) noexcept = default;
    ~PeerTable() = default;
    std::unique_ptr<Peer>& operator[](std::size_t i) { return slots[i]; }
    const std::unique_ptr<Peer>& operator[](std::size_t i) const { return slots[i]; }
    [[nodiscard]] auto begin() const { return slots.begin(); }
    [[nodiscard]] auto end() const { return slots.end(); }
    std::vector<std::unique_ptr<Peer>> slots;
  };
  PeerTable table_;
  inline static const Peer never_used_{};  // how a peer never talked to reads
};

}  // namespace ry::trains
