// Integrity (docs/trains.md section 7): no duplicate delivery at a node, and everything delivered
// was broadcast. A node's deliveries are counted over all its incarnations: a restarted node
// recovers its log (trains.md section 6), so delivering an id again after a restart is a
// duplicate too. "Broadcast" means a client handed the id to some node (on_client) with the same
// content: the digest of a delivery must equal fnv1a(data) of the request, or the delivery is
// spurious. Delivering one id at several different nodes is of course fine.
//
// The simulator reports a client request before the effects of the step that handles it, so a
// core that delivers its own broadcast in the same step is seen in the right order.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "invariants/checker.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/node_table.hpp"

namespace ry {

class IntegrityChecker final : public Checker {
 public:
  explicit IntegrityChecker(Verdict& verdict) noexcept : Checker(verdict) {}

  [[nodiscard]] std::string_view name() const override { return "integrity"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;

 private:
  struct Broadcast {
    std::uint64_t digest = 0;
    NodeRef node;
    std::uint64_t step = 0;
  };
  struct FirstDelivery {
    std::uint64_t position = 0;  // counts from 1, over all incarnations
    std::uint32_t incarnation = 0;
    std::uint64_t step = 0;
  };
  struct NodeLog {
    std::uint64_t length = 0;
    // Probed only, never iterated (no hash order reaches an output).
    std::unordered_map<MsgId, FirstDelivery, MsgIdHash> delivered;
  };

  // Both return true if they found a violation (and recorded it).
  bool check_broadcast(const Step& step, NodeRef node, const Delivery& delivery,
                       std::uint64_t position);
  bool check_duplicate(const Step& step, NodeRef node, const Delivery& delivery, const NodeLog& log,
                       std::uint64_t position);

  // The first request seen for each id; a client retry repeats the same id and data.
  std::unordered_map<MsgId, Broadcast, MsgIdHash> broadcasts_;
  NodeTable<NodeLog> logs_;
};

}  // namespace ry
