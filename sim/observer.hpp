// The one observer interface through which checkers and the trace writer see a run: sends,
// receipts, drops, deliveries, view installs, state transfers, log truncations, notes, crashes,
// restarts and injected faults. Callbacks arrive in simulation order, after the step's effects are
// applied. Observers never change the run; a checker that finds a violation records it in the run's
// Verdict.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/common/effects.hpp"
#include "protocol/common/message_info.hpp"
#include "protocol/common/status.hpp"
#include "sim/history.hpp"

namespace ry {

struct Step {
  std::uint64_t index = 0;  // counts handled events from 1
  Time time;                // global simulated time
};

// A node as it is in this life: deliveries of a node before and after a restart are told apart.
struct NodeRef {
  NodeId id;
  std::uint32_t incarnation = 0;
};

enum class DropReason : std::uint8_t { loss, cut, dead, paused_overflow };
constexpr std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::loss: return "loss";
    case DropReason::cut: return "cut";
    case DropReason::dead: return "dead";
    case DropReason::paused_overflow: return "overflow";
  }
  return "?";
}

// One injected fault or heal, for the trace and the run summary (kinds in traces/SCHEMA.md).
// A constructor rather than an aggregate, so FaultInfo{"cut", 0, 1, hold} needs no detail
// (-Wmissing-field-initializers).
struct FaultInfo {
  FaultInfo() = default;
  FaultInfo(const char* kind_, std::int64_t node_ = -1, std::int64_t peer_ = -1,
            std::int64_t value_ = 0, std::string detail_ = {})
      : kind(kind_), node(node_), peer(peer_), value(value_), detail(std::move(detail_)) {}

  const char* kind = "";  // a string literal: "crash", "restart", "cut", "heal", "pause", ...
  std::int64_t node = -1;
  std::int64_t peer = -1;
  std::int64_t value = 0;  // a duration, a drift, a count: meaning depends on kind
  std::string detail;      // free text: a partition's shape, "at <moment>"; empty if none
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_send(const Step&, NodeRef /*from*/, NodeId /*to*/, const MessageInfo&) {}
  virtual void on_receive(const Step&, NodeRef /*to*/, NodeId /*from*/, const MessageInfo&) {}
  virtual void on_drop(const Step&, NodeId /*from*/, NodeId /*to*/, const MessageInfo&,
                       DropReason) {}
  virtual void on_timer(const Step&, NodeRef, TimerId) {}
  virtual void on_client(const Step&, NodeRef, const ClientRequest&) {}
  virtual void on_reply(const Step&, NodeRef, const ClientReply&) {}
  virtual void on_deliver(const Step&, NodeRef, const Delivery&) {}
  virtual void on_view(const Step&, NodeRef, const ViewInstall&) {}
  // The node replaced its delivered log by a state transfer (protocol/common/effects.hpp),
  // reported after the step's deliveries.
  virtual void on_state_transfer(const Step&, NodeRef, const StateTransfer&) {}
  // The node removed the undelivered entries of its log from an index on.
  virtual void on_truncate(const Step&, NodeRef, const LogTruncation&) {}
  virtual void on_note(const Step&, NodeRef, const Note&) {}
  virtual void on_crash(const Step&, NodeRef) {}
  virtual void on_restart(const Step&, NodeRef) {}
  virtual void on_fault(const Step&, const FaultInfo&) {}
  // A node's status (protocol/common/status.hpp) changed in this step, or it (re)started.
  virtual void on_status(const Step&, NodeRef, const Status&) {}
  // A client invoked an operation or saw it complete (sim/clients.hpp).
  virtual void on_history(const Step&, const HistoryEvent&) {}
  // After every step, once all its effects have been reported.
  virtual void after_step(const Step&) {}
};

}  // namespace ry

namespace ry {

// For protocol-specific checkers that must see the typed message (TRAINS's train integrity and
// key uniqueness read a train's key and content). Called right after the generic callbacks.
template <class Message>
class MessageObserver {
 public:
  virtual ~MessageObserver() = default;
  virtual void on_send_message(const Step&, NodeRef /*from*/, NodeId /*to*/, const Message&) {}
  virtual void on_receive_message(const Step&, NodeRef /*to*/, NodeId /*from*/, const Message&) {}
};

}  // namespace ry
