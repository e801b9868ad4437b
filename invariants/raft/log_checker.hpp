// Raft's log properties (protocol/raft/README.md, "Simulation checkers"), read from the cores'
// state at the moments that matter (a commit, an election, an accepted AppendEntries):
//  - state_machine_safety: every node that commits index i holds the same chain hash at i
//    (equal chain hashes mean equal prefixes, so equal applied sequences);
//  - commit_current_term: a leader raises its commit only to an entry of its own term;
//  - commit_has_quorum: when a leader raises its commit to N, a quorum of the voters of its
//    configuration hold the leader's entry N, synced (a voter that is down, or whose disk lost
//    state since, is counted: its disk cannot be read);
//  - leader_completeness: a new leader holds the highest index committed anywhere, with the
//    committed chain hash;
//  - log_matching: two nodes holding an entry of the same index and term hold the same chain
//    hash there (checked at the last entry of each accepted AppendEntries batch).
// Cost: commits are compared index by index once per node (O(1) amortised per committed entry
// and node); commit_has_quorum looks at each voter once per commit rise; memory is bounded by
// pruning what every node has committed past.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "invariants/checker.hpp"
#include "protocol/raft/core.hpp"

namespace ry::raft {

// How a Raft checker reads a node's core: nullptr while the node is down.
using CoreOf = std::function<const Core*(NodeId)>;

class LogChecker final : public Checker, public MessageObserver<Message> {
 public:
  LogChecker(Verdict& verdict, std::uint32_t nodes, CoreOf core_of)
      : Checker(verdict), core_of_(std::move(core_of)), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "state_machine_safety"; }

  void on_note(const Step& step, NodeRef node, const Note& note) override;
  void on_restart(const Step& step, NodeRef node) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from, const Message& m) override;
  void after_step(const Step& step) override;

 private:
  struct Node {
    Index checked = 0;  // committed indices below this were compared
    bool pending_append = false;
  };
  void on_commit(const Step& step, NodeId node, Index index);
  void on_elected(const Step& step, NodeId node);
  void check_quorum(const Step& step, const Core& leader, Index index);
  void check_matching(const Step& step, NodeId node);
  void prune();

  CoreOf core_of_;
  std::vector<Node> nodes_;
  std::map<Index, std::uint64_t> committed_;                        // index -> chain hash committed
  std::map<std::pair<Index, Term>, std::uint64_t> chain_;           // (index, term) -> chain hash
  std::vector<std::pair<NodeId, std::pair<Index, Term>>> appends_;  // this step's batches
  Index floor_ = 0;  // indices at or below it are no longer tracked
};

}  // namespace ry::raft
