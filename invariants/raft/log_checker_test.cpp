// The Raft log and vote checkers fire on hand-made violations (cores with scripted disks, or
// messages the checker is shown) and stay quiet on the legal variants.
#include "invariants/raft/log_checker.hpp"

#include <gtest/gtest.h>

#include "invariants/raft/vote_checker.hpp"
#include "protocol/raft/durable.hpp"
#include "protocol/raft/test_cluster.hpp"

namespace ry::raft {
namespace {

using testing::Cluster;

Config config(std::uint32_t nodes, BugSet bugs = {}) {
  Config c;
  c.nodes = nodes;
  c.bugs = bugs;
  return c;
}

// A disk at `term` holding one command entry per (term, payload).
std::vector<std::string> disk(Term term, const std::vector<std::pair<Term, std::string>>& log) {
  std::vector<Record> records = {TermVoteRecord{term, std::nullopt}};
  Index i = 0;
  for (const auto& [t, value] : log) {
    ++i;
    const std::string op = encode(Operation{OpKind::put, "x", value, ""});
    records.emplace_back(
        EntryRecord{i, t, EntryKind::command, encode_command(RequestId{ClientId{9}, i}, op)});
  }
  return encode_all(records);
}

struct Fixture {
  explicit Fixture(std::uint32_t nodes, BugSet bugs = {}) : c(config(nodes, bugs)) { c.start(); }
  Cluster c;
  Verdict verdict;
  CoreOf core_of = [this](NodeId n) -> const Core* {
    return c.up(n.value) ? &c.core(n.value) : nullptr;
  };
  LogChecker log{verdict, c.size(), core_of};
  VoteChecker votes{verdict, c.size(), core_of};
  std::uint64_t step = 0;

  Step next() { return Step{++step, Time{}}; }
  void note(std::uint32_t n, const char* kind, std::int64_t a, std::int64_t b = 0) {
    const Step s = next();
    log.on_note(s, NodeRef{NodeId{n}, 0}, Note{kind, a, b, 0});
    votes.on_note(s, NodeRef{NodeId{n}, 0}, Note{kind, a, b, 0});
  }
  // Shows the checkers a receipt, lets the core handle it, then ends the step.
  void receive(std::uint32_t to, std::uint32_t from, const Message& m) {
    const Step s = next();
    log.on_receive_message(s, NodeRef{NodeId{to}, 0}, NodeId{from}, m);
    votes.on_receive_message(s, NodeRef{NodeId{to}, 0}, NodeId{from}, m);
    c.inject(to, from, m);
    c.drop();
    log.after_step(s);
    votes.after_step(s);
  }
  [[nodiscard]] std::string violated() const {
    return verdict.violated() ? std::string(verdict.first().property) : "";
  }
};

TEST(RaftLogChecker, TwoEntriesCommittedAtOneIndexViolateStateMachineSafety) {
  Fixture f(3);
  f.c.set_disk(0, disk(1, {{1, "a"}}));
  f.c.set_disk(1, disk(1, {{1, "b"}}));
  f.note(0, "commit", 1);
  EXPECT_EQ(f.violated(), "");
  f.note(2, "commit", 1);  // holds nothing there: nothing to compare
  f.note(1, "commit", 1);
  EXPECT_EQ(f.violated(), "state_machine_safety");
}

TEST(RaftLogChecker, OneIndexAndTermWithTwoPrefixesViolatesLogMatching) {
  Fixture f(3);
  f.c.set_disk(0, disk(1, {{1, "a"}}));
  f.c.set_disk(1, disk(1, {{1, "b"}}));
  AppendEntries m;
  m.term = 0;  // stale: the core rejects it, the checker reads the log it already holds
  m.entries.push_back(Entry{1, 1, EntryKind::command, "", 0});
  f.receive(0, 2, m);
  EXPECT_EQ(f.violated(), "");
  f.receive(1, 2, m);
  EXPECT_EQ(f.violated(), "log_matching");
}

TEST(RaftLogChecker, ALeaderWithoutTheHighestCommittedEntryViolatesLeaderCompleteness) {
  Fixture f(3);
  f.c.set_disk(0, disk(1, {{1, "a"}, {1, "b"}}));
  f.c.set_disk(1, disk(1, {{1, "a"}}));
  f.note(0, "commit", 2);
  f.note(1, "elected", 2, 1);
  EXPECT_EQ(f.violated(), "leader_completeness");
}

TEST(RaftLogChecker, ALeaderHoldingTheCommittedEntryIsComplete) {
  Fixture f(3);
  f.c.set_disk(0, disk(1, {{1, "a"}, {1, "b"}}));
  f.c.set_disk(1, disk(1, {{1, "a"}, {1, "b"}}));
  f.note(0, "commit", 2);
  f.note(1, "elected", 2, 2);
  EXPECT_EQ(f.violated(), "");
}

TEST(RaftLogChecker, CommittingAnOlderTermsEntryViolatesCommitCurrentTerm) {
  Fixture f(3);
  f.c.set_disk(1, disk(1, {{1, "a"}}));
  f.c.tick(1);
  f.c.stabilize();
  ASSERT_EQ(f.c.leader(), 1U);
  ASSERT_EQ(f.c.core(1).term(), 2U);
  f.note(1, "commit", 2);  // its own noop, held by all: fine
  EXPECT_EQ(f.violated(), "");
  // As if leader 1 of term 2 had committed its index 1 (term 1) by counting: bug R4's commit.
  f.note(1, "commit", 1);
  EXPECT_EQ(f.violated(), "commit_current_term");
}

TEST(RaftLogChecker, ACommitHeldByTooFewVotersViolatesCommitHasQuorum) {
  Fixture f(3);
  f.c.tick(0);
  f.c.stabilize();
  f.note(0, "commit", 1);  // the noop, held by all three
  EXPECT_EQ(f.violated(), "");
  f.c.propose(0, Operation{OpKind::put, "k", "v", ""});
  f.c.drop();  // nobody else holds index 2
  f.note(0, "commit", 2);
  EXPECT_EQ(f.violated(), "commit_has_quorum");
}

TEST(RaftVoteChecker, TwoGrantsOfOneTermViolateVoteIntegrity) {
  Fixture f(3);
  f.votes.on_send_message(f.next(), NodeRef{NodeId{1}, 0}, NodeId{0}, RequestVoteResponse{1, true});
  f.votes.on_send_message(f.next(), NodeRef{NodeId{1}, 1}, NodeId{0}, RequestVoteResponse{1, true});
  f.votes.on_send_message(f.next(), NodeRef{NodeId{1}, 1}, NodeId{2},
                          RequestVoteResponse{1, false});
  EXPECT_EQ(f.violated(), "");
  f.votes.on_send_message(f.next(), NodeRef{NodeId{1}, 2}, NodeId{2}, RequestVoteResponse{1, true});
  EXPECT_EQ(f.violated(), "vote_integrity");
}

TEST(RaftVoteChecker, GrantsFromBeforeALeaderWasHeardAreStale) {
  Fixture f(5);
  f.receive(0, 1, PreVoteResponse{0, 1, true});
  f.receive(0, 2, PreVoteResponse{0, 1, true});
  AppendEntries heartbeat;
  heartbeat.term = 0;
  f.receive(0, 4, heartbeat);  // accepted (its term is the node's)
  f.receive(0, 3, PreVoteResponse{0, 1, true});
  f.note(0, "campaign", 1, 0);
  EXPECT_EQ(f.violated(), "pre_vote_freshness");
}

TEST(RaftVoteChecker, FreshGrantsOrATransferMayStartAnElection) {
  Fixture f(5);
  f.receive(0, 1, PreVoteResponse{0, 1, true});
  f.receive(0, 2, PreVoteResponse{0, 1, true});
  f.note(0, "campaign", 1, 0);
  f.note(3, "campaign", 1, 1);  // transfer: no pre-vote
  EXPECT_EQ(f.violated(), "");
}

TEST(RaftVoteChecker, AStaleResponseLoweringMatchViolatesMatchMonotonic) {
  BugSet r2;
  r2.add(Bug::R2);
  Fixture f(3, r2);
  f.c.tick(0);
  f.c.stabilize();
  f.c.propose(0, Operation{OpKind::put, "k", "v", ""});
  f.c.stabilize();
  f.receive(0, 1, AppendEntriesResponse{1, true, 2, 0, 0, 0});
  EXPECT_EQ(f.violated(), "");
  f.receive(0, 1, AppendEntriesResponse{1, true, 1, 0, 0, 0});  // a stale duplicate
  EXPECT_EQ(f.violated(), "match_monotonic");
}

TEST(RaftVoteChecker, WithoutR2AStaleResponseLeavesMatch) {
  Fixture f(3);
  f.c.tick(0);
  f.c.stabilize();
  f.c.propose(0, Operation{OpKind::put, "k", "v", ""});
  f.c.stabilize();
  f.receive(0, 1, AppendEntriesResponse{1, true, 2, 0, 0, 0});
  f.receive(0, 1, AppendEntriesResponse{1, true, 1, 0, 0, 0});
  EXPECT_EQ(f.violated(), "");
}

// Section 8: a peer that a configuration drops loses its replication state at the leader; added
// again, its match starts over from 0, which is no fall.
TEST(RaftVoteChecker, APeerDroppedAndAddedAgainStartsItsMatchOver) {
  Fixture f(5);
  f.c.tick(0);
  f.c.stabilize();
  f.c.tick(0, Core::heartbeat_timer);
  f.c.stabilize();
  f.c.propose(0, Operation{OpKind::put, "k", "v", ""});
  f.c.stabilize();
  const Index match = f.c.core(0).match_of(NodeId{4}).value_or(0);
  ASSERT_GT(match, 1U);
  f.receive(0, 4, AppendEntriesResponse{1, true, match, 0, 0, 0});
  f.c.admin(0, encode_membership_change({ChangeKind::remove, NodeId{4}}));
  f.note(0, "config", 4);
  f.c.stabilize();
  f.c.tick(0, Core::heartbeat_timer);
  f.c.stabilize();
  f.c.admin(0, encode_membership_change({ChangeKind::add_learner, NodeId{4}}));
  f.note(0, "config", 4, 1);
  ASSERT_TRUE(f.c.core(0).membership().is_learner(NodeId{4}));
  f.receive(0, 4, AppendEntriesResponse{1, true, 1, 0, 0, 0});
  EXPECT_EQ(f.violated(), "");
}

}  // namespace
}  // namespace ry::raft
