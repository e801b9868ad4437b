// Integrity (docs/trains.md section 7): no duplicate delivery at a node, and everything delivered
// was broadcast. A node's deliveries are counted over all its incarnations: a restarted node
// recovers its log (trains.md section 6), so delivering an id again after a restart is a
// duplicate too. "Broadcast" means a client handed the id to some node (on_client) with the same
// content: the digest of a delivery must equal fnv1a(data) of the request, or the delivery is
// spurious. Delivering one id at several different nodes is of course fine.
//
// The simulator reports a client request before the effects of the step that handles it, so a
// core that delivers its own broadcast in the same step is seen in the right order.
//
// Memory follows in-flight work: each broadcast id is tracked (its digest, and which nodes
// delivered it where) until it has been delivered at every one of the `nodes` nodes; then it
// retires into per-sender seq intervals (retired_ids.hpp). Any later delivery of a retired id is a
// duplicate (every node has it already), reported without the first delivery's position, which
// is forgotten by then. With `nodes` = 0 (unknown) nothing retires. A node that is down keeps the
// ids it has not delivered tracked (it may restart and deliver them). O(1) amortised per delivery.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "invariants/checker.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/node_table.hpp"
#include "invariants/retired_ids.hpp"

namespace ry {

class IntegrityChecker final : public Checker {
 public:
  // `nodes`: the cluster's node count N (ids 0..N-1), or 0 if unknown.
  explicit IntegrityChecker(Verdict& verdict, std::uint32_t nodes = 0) noexcept
      : Checker(verdict), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "integrity"; }

  void on_client(const Step& step, NodeRef node, const ClientRequest& request) override;
  void on_deliver(const Step& step, NodeRef node, const Delivery& delivery) override;

  // Broadcast ids tracked (not yet delivered everywhere), and retired seq intervals.
  [[nodiscard]] std::size_t tracked() const noexcept { return tracked_.size(); }
  [[nodiscard]] std::size_t retired_intervals() const { return retired_.intervals(); }

 private:
  struct FirstDelivery {
    NodeId node;
    std::uint64_t position = 0;  // counts from 1, over all incarnations
    std::uint32_t incarnation = 0;
    std::uint64_t step = 0;
  };
  struct Broadcast {
    std::uint64_t digest = 0;
    NodeRef node;
    std::uint64_t step = 0;
    std::vector<FirstDelivery> deliveries;  // one per node that delivered it
    NodeBits everywhere;                    // which of nodes 0..N-1 delivered it
  };
  using Table = std::unordered_map<MsgId, Broadcast, MsgIdHash>;

  // Both return true if they found a violation (and recorded it).
  bool check_content(const Step& step, NodeRef node, const Delivery& delivery,
                     const Broadcast& broadcast, std::uint64_t position);
  bool check_duplicate(const Step& step, NodeRef node, const Delivery& delivery,
                       const Broadcast& broadcast, std::uint64_t position);
  void record(const Step& step, NodeRef node, const Delivery& delivery, Table::iterator it,
              std::uint64_t position);

  std::uint32_t nodes_;
  // The first request seen for each id not yet retired; a client retry repeats the same id and
  // data. Probed only, never iterated (no hash order reaches an output).
  Table tracked_;
  RetiredIds retired_;
  NodeTable<std::uint64_t> lengths_;  // deliveries per node, over all incarnations
};

}  // namespace ry
