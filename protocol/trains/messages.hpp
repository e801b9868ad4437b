// The messages of TRAINS (README.md section 1, 5): the train, the link layer's ack, and the
// membership messages.
// Plain value types; `Message` is a std::variant dispatched with std::visit.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/common/ids.hpp"
#include "protocol/common/message_info.hpp"
#include "protocol/trains/link.hpp"
#include "protocol/trains/seq_filter.hpp"

namespace ry::trains {

// A train's key (README.md section 1): ordered by clock first, then issuer.
struct Key {
  std::uint64_t clock = 0;
  std::uint32_t issuer = 0;
  friend constexpr auto operator<=>(const Key&, const Key&) = default;
};

// One broadcast: (sender, seq) is unique, seq is the sender's own counter.
struct Payload {
  NodeId sender;
  std::uint64_t seq = 0;
  std::string data;

  [[nodiscard]] MsgId id() const noexcept { return MsgId{sender, seq}; }
  friend bool operator==(const Payload&, const Payload&) = default;
};

// The payloads a train carries. Shared and immutable: copying a train (for the link layer's
// retransmission buffer, or a holder keeping closed content, README.md section 2) copies one
// pointer, never the data. Appending builds a new list (copy on write), which only a node that
// appends pays for.
//
// Because a list never changes once built, it also keeps what is derived from its content,
// computed once when the list is built: the FNV-1a digest of each payload's data (every delivery
// and every checker needs it) and the digest of the whole list, which every digest of a train
// folds in (describe() on every send and receipt, the checkers' closed-content digest), so that
// none of them hashes the payload bytes again at every hop.
class PayloadList {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return block_ ? block_->items.size() : 0; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] const Payload* begin() const noexcept {
    return block_ ? block_->items.data() : nullptr;
  }
  [[nodiscard]] const Payload* end() const noexcept { return begin() + size(); }
  [[nodiscard]] const Payload& operator[](std::size_t i) const noexcept { return begin()[i]; }
  // fnv1a(data) of payload i.
  [[nodiscard]] std::uint64_t data_digest(std::size_t i) const noexcept {
    return block_->data_digests[i];
  }
  // True if both lists are one shared block (so their content is equal without comparing it).
  [[nodiscard]] bool shares(const PayloadList& other) const noexcept {
    return block_ != nullptr && block_ == other.block_;
  }

  void append(std::vector<Payload>&& more);

  // Digest of every payload (sender, seq, data size, data digest), in order, and the count.
  [[nodiscard]] std::uint64_t digest() const noexcept;

  friend bool operator==(const PayloadList& a, const PayloadList& b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!(a[i] == b[i])) return false;
    }
    return true;
  }

 private:
  struct Block {
    std::vector<Payload> items;
    std::vector<std::uint64_t> data_digests;  // fnv1a(items[i].data)
    std::uint64_t chain = 0;                  // every payload folded in, in order
    std::uint64_t digest = 0;                 // chain and the count
  };
  std::shared_ptr<const Block> block_;
};

// A set of node ids (ack bits, README.md section 1): inline for the first 64 ids, any N beyond.
class NodeSet {
 public:
  void insert(NodeId node) {
    const std::uint32_t word = node.value / 64;
    const std::uint64_t bit = std::uint64_t{1} << (node.value % 64);
    if (word == 0) {
      low_ |= bit;
      return;
    }
    if (high_.size() < word) high_.resize(word, 0);
    high_[word - 1] |= bit;
  }
  [[nodiscard]] bool contains(NodeId node) const noexcept {
    const std::uint32_t word = node.value / 64;
    const std::uint64_t bit = std::uint64_t{1} << (node.value % 64);
    if (word == 0) return (low_ & bit) != 0;
    return word <= high_.size() && (high_[word - 1] & bit) != 0;
  }
  [[nodiscard]] std::uint32_t count() const noexcept {
    auto n = static_cast<std::uint32_t>(__builtin_popcountll(low_));
    for (std::uint64_t w : high_) n += static_cast<std::uint32_t>(__builtin_popcountll(w));
    return n;
  }
  [[nodiscard]] std::uint64_t digest(std::uint64_t h) const noexcept;
  // Folds the set's words into `h` with `mix(h, word)`; trailing zero words do not change the
  // set, so they are left out.
  template <class Mix>
  [[nodiscard]] std::uint64_t fold(std::uint64_t h, Mix&& mix) const noexcept {
    h = mix(h, low_);
    std::size_t used = high_.size();
    while (used > 0 && high_[used - 1] == 0) --used;
    for (std::size_t i = 0; i < used; ++i) h = mix(h, high_[i]);
    return h;
  }

  friend bool operator==(const NodeSet& a, const NodeSet& b) noexcept;

 private:
  std::uint64_t low_ = 0;
  std::vector<std::uint64_t> high_;  // words 1.. (ids 64..)
};

// A train (README.md section 1). Its content (payloads) never changes once `closed`.
struct Train {
  LinkHeader link;
  ViewId view;  // the view it was created in (constant 0 until membership, README.md section 5)
  NodeId issuer;
  std::uint64_t clock = 0;
  bool closed = false;
  std::uint32_t holders = 0;  // members holding the closed content (README.md sections 2.3-2.4)
  std::uint64_t stable_clock = 0;  // keys of this slot up to here are stable (README.md section 4)
  NodeSet acks;
  PayloadList payloads;
  std::uint64_t bytes = 0;  // payload data bytes carried, bounded by train_bytes_max

  [[nodiscard]] Key key() const noexcept { return Key{clock, issuer.value}; }
  friend bool operator==(const Train&, const Train&) = default;
};

// --- Membership (README.md section 5)
// -------------------------------------------------------------
//
// The exclusion view change decides the successor of a view by single-decree Paxos among the
// view's members: a coordinator gathers reports from a majority at a ballot (phase 1), proposes
// one next view and plan (phase 2), and installs it once a majority accepted. A ballot round
// simply retried with a higher id, as README.md section 5 sketches it, is not enough: a member that
// reported to one coordinator may report to a second one at a higher id before the first
// coordinator's Install reaches it, and two successors of one view with different plans could
// then both be installed. Carrying the accepted proposal in reports makes the decision unique
// per view, so view ids stay consecutive (the decided successor of v is v + 1).
// These messages are sent directly (not round the ring: a dead member not yet suspected would
// stall a ring pass) and unreliably; the coordinator resends until it has its answers.

// Orders competing coordinators: round first, then the coordinator's id.
struct Ballot {
  std::uint64_t round = 0;
  NodeId coordinator;
  friend constexpr auto operator<=>(const Ballot&, const Ballot&) = default;
};

// One member's state, frozen when it reports (README.md section 5).
struct Report {
  std::uint64_t issued = 0;              // the last clock this node created itself
  std::vector<std::uint64_t> seen;       // per slot
  std::vector<std::uint64_t> done_upto;  // per slot
  std::vector<Train> have;               // closed content held (parked, or done not yet stable)
  friend bool operator==(const Report&, const Report&) = default;
};

// One key of the plan, in key order: deliver its closed content, or skip it (README.md section 5).
struct PlanStep {
  Key key;
  bool deliver = false;
  Train content;  // closed content when `deliver`
  friend bool operator==(const PlanStep&, const PlanStep&) = default;
};

struct Plan {
  std::vector<std::uint64_t> boundary;  // per slot: every key up to here is decided
  std::vector<PlanStep> steps;          // in key order
  friend bool operator==(const Plan&, const Plan&) = default;
};

// The successor of a view: its id is the base's + 1. `joiners` are members that were not in the
// base view (rejoining nodes, README.md section 5 "Rejoin"): they take a state transfer at the
// install.
struct Proposal {
  ViewId view;
  std::vector<NodeId> members;                     // sorted
  std::vector<NodeId> joiners;                     // sorted, a subset of members
  std::vector<std::uint32_t> joiner_incarnations;  // of each joiner, as its Join said
  Plan plan;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

struct AcceptedProposal {
  Ballot ballot;
  Proposal proposal;
  friend bool operator==(const AcceptedProposal&, const AcceptedProposal&) = default;
};

// The state a joiner takes over at the install (README.md section 5, "Rejoin"): every member's
// state right after applying the plan is the same, so any member can give it. The delivered log is
// a position and the digest of positions 1..position (protocol/common/log_digest.hpp); every slot's
// watermarks are the plan's boundary.
struct Snapshot {
  std::uint64_t position = 0;
  std::uint64_t log_digest = 0;
  SeqFilter delivered;  // ids delivered up to `position`: never deliver one again
  NodeId donor;
  // Per node, the latest incarnation a view admitted: a joiner that coordinates later must not
  // admit that incarnation again from a Join of it still in flight.
  std::vector<std::uint32_t> admitted;
  // The application's state at `position` (KvStore::image), when the nodes run one (Config::kv).
  std::string app_image;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// A node that learned it is not a member of the latest view asks to be re-admitted; `view` is the
// last view it installed, `issued` the last clock it created (the plan skips its slot up to there,
// so that its next train continues its clocks without a hole).
struct Join {
  ViewId view;
  std::uint64_t issued = 0;
  std::uint32_t incarnation = 0;  // a restarted joiner is not the one an older Install admitted
  // It restarted and has no state: a view that still lists it may admit it as a joiner at once
  // (one view change, not an exclusion and then a re-admission).
  bool restarted = false;
  friend bool operator==(const Join&, const Join&) = default;
};

// Failure detection: a member counts a heartbeat of its own view as a sign of life. `view` also
// tells a node that it is behind (it missed an Install, or was excluded).
struct Heartbeat {
  ViewId view;
  friend bool operator==(const Heartbeat&, const Heartbeat&) = default;
};
// Phase 1a: the coordinator (the sender) asks members of `base` for their reports.
struct Gather {
  ViewId base;
  Ballot ballot;
  friend bool operator==(const Gather&, const Gather&) = default;
};
// Phase 1b: a member promises `ballot`, freezes, and reports (with what it accepted before).
struct ReportMsg {
  ViewId base;
  Ballot ballot;
  Report report;
  std::optional<AcceptedProposal> accepted;
  friend bool operator==(const ReportMsg&, const ReportMsg&) = default;
};
// Phase 2a and 2b.
struct Accept {
  ViewId base;
  Ballot ballot;
  Proposal proposal;
  friend bool operator==(const Accept&, const Accept&) = default;
};
struct Accepted {
  ViewId base;
  Ballot ballot;
  friend bool operator==(const Accepted&, const Accepted&) = default;
};
// The decision: members of `proposal` apply its plan and install its view (README.md section 5);
// joiners take `snapshot` instead.
struct Install {
  ViewId base;
  Proposal proposal;
  std::optional<Snapshot> snapshot;
  friend bool operator==(const Install&, const Install&) = default;
};

using Message =
    std::variant<Train, LinkAck, Heartbeat, Join, Gather, ReportMsg, Accept, Accepted, Install>;

// The link layer's hook (link.hpp): trains travel reliably, nothing else does.
inline LinkHeader* link_header(Message& message) noexcept {
  if (auto* train = std::get_if<Train>(&message)) return &train->link;
  return nullptr;
}

// Folds one word into a message digest, a word at a time: digests are taken at every send and
// receipt, and FNV's byte at a time (hash_u64) costs eight dependent multiplies per word. Pure
// integer arithmetic, so every platform and compiler gets the same value.
constexpr std::uint64_t digest_mix(std::uint64_t h, std::uint64_t v) noexcept {
  h ^= v * 0x9e3779b97f4a7c15ULL;
  h = (h << 27) | (h >> 37);
  return h * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
}

// Hash of what a train carries and means (key, closed, holders, stable, acks, payloads), without
// the link header: equal for every copy of one train state, wherever it travels.
std::uint64_t content_digest(const Train& train) noexcept;
// Folds a train's byte count and its payload list's digest (PayloadList::digest: sender, seq
// and data of every payload) into `h`: the part of its content that every digest of a train
// covers.
std::uint64_t payloads_digest(const Train& train, std::uint64_t h) noexcept;

// For observers (checkers, traces). train: issuer, clock, closed, payloads, holders, lseq;
// ack: cumulative, lseq. `digest` hashes the complete message, link header included.
MessageInfo describe(const Message& message) noexcept;

}  // namespace ry::trains
