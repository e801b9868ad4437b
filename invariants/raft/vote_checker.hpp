// Raft's election and replication-state properties (protocol/raft/README.md, "Simulation
// checkers"):
//  - vote_integrity: a voter grants at most one candidate per term, across all its restarts
//    (seen on the granted RequestVoteResponses it sends);
//  - pre_vote_freshness: an election without `transfer` follows a quorum of pre-vote grants for
//    its term, all received after the node last accepted an AppendEntries, InstallSnapshot or
//    TimeoutNow;
//  - match_monotonic: for one leader and term, the match index a leader holds for a peer never
//    falls (unless the peer reported a new recovery epoch: its disk lost state, section 9) and
//    never exceeds the leader's last index (a peer that a configuration drops and a later one
//    adds again starts over).
// O(log n) per message; memory: grants of the terms some node may still vote in, one grant set
// per node, one match per peer of each current leader.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "invariants/raft/log_checker.hpp"

namespace ry::raft {

class VoteChecker final : public Checker, public MessageObserver<Message> {
 public:
  VoteChecker(Verdict& verdict, std::uint32_t nodes, CoreOf core_of)
      : Checker(verdict), core_of_(std::move(core_of)), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "vote_integrity"; }

  void on_send_message(const Step& step, NodeRef from, NodeId to, const Message& m) override;
  void on_receive_message(const Step& step, NodeRef to, NodeId from, const Message& m) override;
  void on_note(const Step& step, NodeRef node, const Note& note) override;
  void on_restart(const Step& step, NodeRef node) override;
  void after_step(const Step& step) override;

 private:
  struct Node {
    Term grants_round = 0;    // the round term of the pre-vote grants below
    std::set<NodeId> grants;  // fresh pre-vote grants for grants_round
    Term leader_term = 0;     // the term of the match indices below (0: not leading)
    std::map<NodeId, std::pair<std::uint32_t, Index>> match;  // peer -> (epoch, match)
  };
  void check_match(const Step& step, NodeId leader, NodeId peer);

  CoreOf core_of_;
  std::vector<Node> nodes_;
  std::map<std::pair<Term, NodeId>, NodeId> votes_;   // (term, voter) -> candidate
  std::vector<std::pair<NodeId, NodeId>> responses_;  // this step: (leader, peer)
};

}  // namespace ry::raft
