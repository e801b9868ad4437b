#include "tools/protocols/raft/driver.hpp"

#include <cstdio>

#include "invariants/raft/config_checker.hpp"
#include "invariants/raft/lease_checker.hpp"
#include "invariants/raft/log_checker.hpp"
#include "invariants/raft/snapshot_checker.hpp"
#include "invariants/raft/term_checker.hpp"
#include "invariants/raft/vote_checker.hpp"
#include "invariants/total_order_checker.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/protocols/raft/abstract_state.hpp"
#include "tools/protocols/raft/progress_bounds.hpp"

namespace ry {

raft::Config RaftDriver::config() const {
  raft::Config c;
  c.nodes = options_.nodes;
  c.reads = static_cast<raft::Reads>(options_.param("raft_reads"));
  c.snapshot_threshold = static_cast<std::uint64_t>(options_.param("snapshot_entries"));
  c.snapshot_cooldown_ns = options_.param("snapshot_cooldown_ms") * ms_ns;
  c.batch_entries_max = static_cast<std::uint32_t>(options_.param("batch_entries"));
  for (const std::string& name : options_.bugs) {
    if (const auto bug = raft::bug_from_name(name)) c.bugs.add(*bug);
  }
  return c;
}

void RaftDriver::attach(World<Core>& world, CheckerSuite<Core>& checkers) {
  verdict_ = &checkers.verdict();
  const std::uint32_t n = options_.nodes;
  // Every node applies the committed commands in log order: one global sequence. A restarted
  // node rebuilds its store by applying the log again from its snapshot (its StateTransfer
  // effect says where), so "never delivered twice across restarts" (the integrity checker's rule
  // for TRAINS, whose delivered log is durable) does not hold by design; the total order checker
  // still catches a command applied twice within a life, or out of place.
  checkers.add<TotalOrderChecker>(false, n);
  checkers.add<raft::TermChecker>(n);
  // The log and vote checkers read the cores (protocol/raft/core.hpp's inspection methods).
  const raft::CoreOf core_of = [&world](NodeId node) { return world.core(node); };
  checkers.add<raft::LogChecker>(n, core_of);
  checkers.add<raft::VoteChecker>(n, core_of);
  checkers.add<raft::SnapshotChecker>(n, core_of);
  checkers.add<raft::ConfigChecker>(n, core_of);
  const raft::ClockOf clock_of = [&world](NodeId node) -> const NodeClock& {
    return world.clock(node);
  };
  checkers.add<raft::LeaseChecker>(n, clock_of, config().drift_ppm);
  replicas_ = &checkers.add<ReplicaStateChecker>();
  coverage_ = std::make_unique<CoverageTracker>(n, raft_abstract_state);
  world.add_observer(coverage_.get());
  if (options_.progress_check) {
    bounded_ = std::make_unique<ProgressChecker>(
        checkers.verdict(), n, raft_progress_bounds(config(), world_options(options_)));
    world.add_observer(bounded_.get());
  }
  if (options_.param("membership_ms") > 0) {
    world.spawn([this, &world](Fiber& fiber) { churn(fiber, world); });
  }
}

// Section 8's changes in a run: a voter other than the leader is removed, added back as a
// learner, then promoted, over and over, so that changes meet crashes, partitions and elections.
// The requests come from a client id no workload client has; their answers are ignored (a
// refused change is simply asked again at the next interval, from the membership then in force).
void RaftDriver::churn(Fiber& fiber, World<Core>& world) const {
  constexpr ClientId admin{1'000'000};
  std::uint64_t seq = 0;
  const Nanos interval = options_.param("membership_ms") * ms_ns;
  while (fiber.sleep(interval) && !healed_) {
    const Core* l = leader(world);
    if (l == nullptr) continue;
    const raft::Membership& m = l->membership();
    std::optional<raft::MembershipChange> change;
    for (std::uint32_t i = options_.nodes; i-- > 0 && !change;) {
      const NodeId node{i};
      if (node == l->self()) continue;
      if (m.is_learner(node)) {
        change = raft::MembershipChange{raft::ChangeKind::promote, node};
      } else if (!m.is_member(node)) {
        change = raft::MembershipChange{raft::ChangeKind::add_learner, node};
      }
    }
    // Everyone is a voter: remove the highest one but the leader, keeping at least three.
    if (!change && m.voters.size() > 3) {
      for (std::uint32_t i = options_.nodes; i-- > 0 && !change;) {
        if (NodeId{i} != l->self()) {
          change = raft::MembershipChange{raft::ChangeKind::remove, NodeId{i}};
        }
      }
    }
    if (!change) continue;
    (void)world.client_request(
        l->self(), ClientRequest{RequestId{admin, ++seq}, raft::encode_membership_change(*change)});
  }
}

const raft::Core* RaftDriver::leader(World<Core>& world) const {
  const Core* best = nullptr;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* c = world.core(NodeId{i});
    if (c == nullptr || c->role() != raft::Role::leader) continue;
    if (best == nullptr || c->term() > best->term()) best = c;
  }
  return best;
}

// A leader whose whole log is committed, and every up voter applied up to it.
bool RaftDriver::converged(World<Core>& world) const {
  const Core* l = leader(world);
  if (l == nullptr || l->commit_index() < l->last_index()) return false;
  for (NodeId v : l->voters()) {
    const Core* c = world.core(v);
    if (c == nullptr) continue;
    if (c->term() != l->term() || c->applied_index() != l->commit_index()) return false;
  }
  return true;
}

bool RaftDriver::live(World<Core>& world) {
  if (!healed_ || !converged(world)) return false;
  if (!converged_checked_) {
    converged_checked_ = true;
    const Core* l = leader(world);
    std::vector<NodeId> replicas;
    for (NodeId v : l->voters()) {
      if (world.core(v) != nullptr) replicas.push_back(v);
    }
    (void)replicas_->check_converged(world.stats().steps, replicas,
                                     [&world](NodeId node) -> const KvStore* {
                                       const Core* c = world.core(node);
                                       return c != nullptr ? &c->kv() : nullptr;
                                     });
  }
  return true;
}

// Raft needs a majority of its voters: with fewer up, nothing can commit (README.md section 1).
std::optional<std::string> RaftDriver::expected_halt(World<Core>& world) const {
  std::uint32_t up = 0;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) up += world.is_up(NodeId{i}) ? 1U : 0U;
  if (2 * up > options_.nodes) return std::nullopt;
  return std::to_string(options_.nodes - up) + " of " + std::to_string(options_.nodes) +
         " nodes down for good: no majority; safety held";
}

std::string RaftDriver::liveness_failure(World<Core>& world) {
  const Core* l = leader(world);
  if (l == nullptr) return "no leader after the heal";
  std::string line = "leader " + std::to_string(l->self().value) + " of term " +
                     std::to_string(l->term()) + ", commit " + std::to_string(l->commit_index()) +
                     " of " + std::to_string(l->last_index()) + "; applied:";
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* c = world.core(NodeId{i});
    line += " " + std::to_string(i) + "=" + (c ? std::to_string(c->applied_index()) : "down");
  }
  return line;
}

void RaftDriver::summarize(World<Core>& world, RunResult& result) {
  const Core* l = leader(world);
  result.summary.emplace_back("leader", l == nullptr
                                            ? "none"
                                            : std::to_string(l->self().value) + " of term " +
                                                  std::to_string(l->term()) + ", commit " +
                                                  std::to_string(l->commit_index()));
  result.summary.emplace_back("acknowledged", std::to_string(replicas_->acknowledged()) +
                                                  " writes, each applied at every voter");
  if (bounded_) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "worst %.3f ms past max(accepted, recovered) over %llu requests; bound %.3f ms",
                  static_cast<double>(bounded_->worst_ns()) / 1e6,
                  static_cast<unsigned long long>(bounded_->completed()),
                  static_cast<double>(bounded_->bounds().latency_ns) / 1e6);
    result.summary.emplace_back("bounded progress", buf);
  }
  result.coverage = coverage_->coverage();
  result.summary.emplace_back(
      "coverage", std::to_string(result.coverage.states.size()) + " abstract states, " +
                      std::to_string(result.coverage.transitions.size()) + " transitions");
}

}  // namespace ry
