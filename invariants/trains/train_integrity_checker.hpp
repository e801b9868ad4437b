// Train integrity (docs/trains.md section 7): a train only carries broadcast payloads, and its
// content never changes after it is closed. Checked on every train that is sent or received:
//
// - Every payload (sender, seq, data) must have been handed to some node by a client
//   (Observer::on_client) with the same id, and fnv1a(data) must equal that request's. A client
//   retry repeats id and data; the first request fixes the data hash.
// - The first closed train seen on the wire with key (clock, issuer) fixes its closed content
//   (closed_content_digest: view, byte count, payloads; `holders` is left out since it grows on
//   the propagation lap). Any later closed train with that key and other content is a violation.
//
// Memory: the closed keys of an issuer are forgotten once they are more than `margin` clocks
// below the highest clock of that issuer seen on the wire, and a closed train that far below is
// not checked (counted in unchecked_closed()). A correct run holds at most a couple of closed keys
// per slot in flight, so a run of a million broadcasts keeps O(slots * margin) closed keys. The
// broadcast table grows with the number of distinct broadcast ids, as IntegrityChecker's does.
//
// Cost: O(payloads) per train sent or received while open, and O(payload bytes) for a closed one
// (its content digest); a closed train whose content was already verified is not re-verified.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "invariants/checker.hpp"
#include "invariants/msg_id_hash.hpp"
#include "protocol/trains/messages.hpp"
#include "sim/observer.hpp"

namespace ry::trains {

class TrainIntegrityChecker final : public Checker, public MessageObserver<Message> {
 public:
  static constexpr std::uint64_t default_margin = 64;

  // `margin` >= 1: how many clocks below an issuer's highest clock closed keys are remembered.
  explicit TrainIntegrityChecker(Verdict& verdict, std::uint64_t margin = default_margin) noexcept;

  [[nodiscard]] std::string_view name() const override { return "train_integrity"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_send_message(const Step& step, NodeRef from, NodeId to, const Message& message) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from,
                          const Message& message) override;

  // Closed keys currently remembered, over all issuers (bounded memory, see above).
  [[nodiscard]] std::size_t remembered_keys() const noexcept;
  // Closed trains seen too far below their issuer's clock to be checked.
  [[nodiscard]] std::uint64_t unchecked_closed() const noexcept { return unchecked_closed_; }

 private:
  struct Fixed {
    std::uint64_t digest = 0;
    NodeRef node;
    std::uint64_t step = 0;
  };
  struct Slot {
    std::uint64_t max_clock = 0;
    std::map<std::uint64_t, Fixed> closed;  // by clock
  };
  struct Broadcast {
    std::uint64_t digest = 0;
    NodeRef node;
  };

  void observe(const Step& step, NodeRef node, const Train& train, const char* how);
  // True if a violation was found (and recorded).
  bool check_payloads(const Step& step, NodeRef node, const Train& train, const char* how);
  void check_closed(const Step& step, NodeRef node, const Train& train, const char* how,
                    Slot& slot);
  void report(const Step& step, NodeRef node, const Train& train, const char* how,
              std::vector<NodeId> others, const std::string& what);

  std::uint64_t margin_;
  std::uint64_t unchecked_closed_ = 0;
  // Probed only, never iterated (no hash order reaches an output).
  std::unordered_map<MsgId, Broadcast, MsgIdHash> broadcasts_;
  std::map<std::uint32_t, Slot> slots_;  // by issuer
};

}  // namespace ry::trains
