// Raft properties seen through each node's telemetry (protocol/raft/core.hpp, telemetry()):
//  - election_safety: at most one leader per term, over the whole run (crashes included);
//  - term_monotonicity: within one life a node's term never goes down; across a restart it
//    never falls below a term the node sent in a message (what it sends it has synced), except
//    at a restart whose telemetry says the disk lost the term record ("suspect" bit 1);
//  - commit_monotonic: within one incarnation, a node's commit index never goes down.
// O(1) per status change; memory: one entry per term that elected a leader, kept until a later
// term's leader is seen by everyone (terms only rise, so the map stays short).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "invariants/checker.hpp"

namespace ry::raft {

class TermChecker final : public Checker {
 public:
  TermChecker(Verdict& verdict, std::uint32_t nodes) : Checker(verdict), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "election_safety"; }

  void on_status(const Step& step, NodeRef node, const ry::Status& status) override;
  void on_crash(const Step& step, NodeRef node) override;
  void on_send(const Step& step, NodeRef from, NodeId to, const MessageInfo& info) override;

 private:
  struct Node {
    std::int64_t term = 0;
    std::int64_t sent = 0;  // the highest term of a message it sent (since its term was lost)
    std::int64_t commit = 0;
    bool commit_known = false;
  };
  static std::int64_t field(const ry::Status& status, std::string_view name);

  std::vector<Node> nodes_;
  std::map<std::int64_t, std::uint32_t> leaders_;  // term -> the node that led it
};

}  // namespace ry::raft
