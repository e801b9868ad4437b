// Raft's snapshot_safety (protocol/raft/README.md, "Simulation checkers"): a snapshot, taken or
// installed, replaces a committed prefix of the log, so it must name that prefix: at its index,
// every node that has committed that index holds the snapshot's chain hash (equal chain hashes,
// equal prefixes), and the node holding the snapshot has committed its index. Checked at each
// `snapshot` and `snapshot_installed` note against every up node: O(nodes) per snapshot, no
// memory beyond the cores.
#pragma once

#include <cstdint>

#include "invariants/raft/log_checker.hpp"

namespace ry::raft {

class SnapshotChecker final : public Checker {
 public:
  SnapshotChecker(Verdict& verdict, std::uint32_t nodes, CoreOf core_of)
      : Checker(verdict), core_of_(std::move(core_of)), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "snapshot_safety"; }

  void on_note(const Step& step, NodeRef node, const Note& note) override;

 private:
  CoreOf core_of_;
  std::uint32_t nodes_;
};

}  // namespace ry::raft
