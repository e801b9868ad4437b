// The one interface between a protocol core and the simulator (README.md): every entry
// point of a core is synchronous and noexcept and appends its effects here, as data. The
// simulator applies them in a fixed order: disk writes (and the sync, if asked), then sends
// (held back until the sync completes when one was asked, so nothing is sent that depends on
// a write that a crash could still lose), then timers; deliveries, replies, views, a state
// transfer, a log truncation and notes are reported to the observers at once, in that order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/common/assert.hpp"
#include "protocol/common/client.hpp"
#include "protocol/common/ids.hpp"

namespace ry {

// One message of the ordered output. `digest` is a hash of its content, so checkers can tell
// two deliveries of one id with different content apart.
// `data` is the message itself, filled only by cores configured to hand their deliveries to an
// application (a replicated state machine); checkers need only the id and the digest.
struct Delivery {
  Delivery() = default;
  Delivery(MsgId id_, std::uint64_t digest_, std::string data_ = {})
      : id(id_), digest(digest_), data(std::move(data_)) {}

  MsgId id;
  std::uint64_t digest = 0;
  std::string data;
};

struct ViewInstall {
  ViewId view;
  std::vector<NodeId> members;  // sorted by node id
};

// The core replaced its delivered log by a state transfer: a snapshot at some position plus
// the delivered tail after it, from one donor (a rejoining TRAINS node, a restarted or lagging
// Raft node). The membership and ordering checkers rely on exactly this:
//   position  X, the length of its log right after the transfer: positions 1..X are now the
//             donor's (not reported as deliveries: the transfer stands for them), and its next
//             delivery is at position X + 1;
//   digest    D, the log digest of positions 1..X (log_digest.hpp, folded from log_digest_empty
//             over positions 1..X in order);
//   donor     the node the transfer came from, or -1 (for a violation's detail only).
// A core that wants the tail reported as deliveries announces X = the snapshot's position and
// delivers the tail in later steps: the simulator reports a step's deliveries before its
// transfer, so a delivery in that same step would count at the position before it. Without a
// transfer, a node's log continues across its restarts (it recovers its log from its disk).
// Why a digest rather than the log: a core keeps D as a running fold over its own deliveries
// (one hash each) and ships it with the snapshot, so nobody ever compares logs.
struct StateTransfer {
  std::uint64_t position = 0;
  std::uint64_t digest = 0;
  std::int64_t donor = -1;
};

// The core removed the entries of its own log from index `from` on: entries it had stored but
// never delivered (Raft's truncation of a conflicting, uncommitted suffix). A checker that
// follows each node's log drops its copy of them.
struct LogTruncation {
  std::uint64_t from = 0;
};

// A trace note: observation only, never behaviour. `kind` must be a string literal.
struct Note {
  const char* kind = "";
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int64_t c = 0;
};

struct TimerSet {
  TimerId id;
  Nanos after_ns = 0;  // measured on the node's own clock
};

template <class Message>
struct Effects {
  struct Send {
    NodeId to;
    Message message;
  };

  std::vector<Send> sends;
  std::vector<TimerSet> timers_set;
  std::vector<TimerId> timers_cancelled;
  std::vector<std::string> disk_appends;  // records appended to the node's disk, in order
  bool disk_rewrite = false;              // the appends of this step replace everything on the disk
  bool disk_sync = false;  // make all writes so far durable; this step's sends wait for it
  std::vector<Delivery> deliveries;
  std::vector<ClientReply> replies;
  std::vector<ViewInstall> views;
  std::vector<Note> notes;
  std::optional<StateTransfer> transfer;    // at most one per step
  std::optional<LogTruncation> truncation;  // at most one per step

  void send(NodeId to, Message message) { sends.push_back(Send{to, std::move(message)}); }
  void set_timer(TimerId id, Nanos after_ns) { timers_set.push_back(TimerSet{id, after_ns}); }
  void cancel_timer(TimerId id) { timers_cancelled.push_back(id); }
  void deliver(MsgId id, std::uint64_t digest) { deliveries.push_back(Delivery{id, digest}); }
  void transfer_state(std::uint64_t position, std::uint64_t digest, std::int64_t donor = -1) {
    RY_ASSERT(!transfer);  // two transfers in one step would hide the first from the checkers
    transfer = StateTransfer{position, digest, donor};
  }
  void truncate_log(std::uint64_t from) {
    RY_ASSERT(!truncation);
    truncation = LogTruncation{from};
  }
  void note(const char* kind, std::int64_t a = 0, std::int64_t b = 0, std::int64_t c = 0) {
    notes.push_back(Note{kind, a, b, c});
  }

  // Keeps the vectors' capacity: the simulator reuses one Effects for every step.
  void clear() noexcept {
    sends.clear();
    timers_set.clear();
    timers_cancelled.clear();
    disk_appends.clear();
    disk_rewrite = false;
    disk_sync = false;
    deliveries.clear();
    replies.clear();
    views.clear();
    notes.clear();
    transfer.reset();
    truncation.reset();
  }
};

// What a restarted core finds on its disk: the records that survived the crash, oldest first.
// They may be torn or corrupted once disk faults are on: the core verifies its own checksums.
struct Recovery {
  std::vector<std::string> records;
  std::uint32_t incarnation = 0;  // 0 on the first start, then one more per restart
};

}  // namespace ry
