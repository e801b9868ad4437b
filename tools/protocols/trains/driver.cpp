#include "tools/protocols/trains/driver.hpp"

#include <cstdio>
#include <unordered_map>

#include "invariants/log_positions.hpp"
#include "invariants/membership/no_redelivery_checker.hpp"
#include "invariants/membership/primary_component_checker.hpp"
#include "invariants/membership/rejoin_consistency_checker.hpp"
#include "invariants/membership/view_agreement_checker.hpp"
#include "invariants/membership/virtual_synchrony_checker.hpp"
#include "invariants/msg_id_hash.hpp"
#include "invariants/retired_ids.hpp"
#include "invariants/trains/clock_bound_checker.hpp"
#include "invariants/trains/key_uniqueness_checker.hpp"
#include "invariants/trains/train_integrity_checker.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/protocols/trains/abstract_state.hpp"
#include "tools/protocols/trains/progress_bounds.hpp"

namespace ry {

class TrainsDriver::Progress final : public Observer {
 public:
  // `retries`: the same id can be accepted again after it was delivered everywhere (the kv
  // workload retries a request at another node), so retired ids are remembered.
  Progress(std::uint32_t nodes, bool retries) : delivered_(nodes, 0), retries_(retries) {}

  void on_reply(const Step& step, NodeRef node, const ClientReply& reply) override {
    if (reply.status == ReplyStatus::accepted) {
      // A kv client's retry at another node broadcasts the same id again: count it once.
      const MsgId id = payload_id(reply.id);
      if ((retries_ && retired_.contains(id)) ||
          !pending_.emplace(id, Pending{step.time, {}, 0}).second) {
        return;
      }
      ++accepted_;
      undelivered_.emplace(id, node);
    } else if (reply.status == ReplyStatus::rejected) {
      ++rejected_;
    }
  }
  void on_deliver(const Step& step, NodeRef node, const Delivery& d) override {
    ++delivered_[node.id.value];
    const std::uint64_t position = positions_.deliver(node.id);
    undelivered_.erase(d.id);
    auto it = pending_.find(d.id);
    if (it == pending_.end()) return;
    latency_.add(step.time - it->second.broadcast_at);
    positions_.place_first(it->second.position, position, d.id);
    hold(it, node.id);
  }

  // A node re-admitted by a state transfer to X holds the messages at positions 1..X without
  // delivering them (invariants/log_positions.hpp): they count as being there, with no latency.
  void on_state_transfer(const Step&, NodeRef node, const StateTransfer& transfer) override {
    positions_.on_transfer(node.id, transfer, [&](std::uint64_t, MsgId id) {
      const auto it = pending_.find(id);
      if (it != pending_.end()) hold(it, node.id);
    });
  }

  // A broadcast accepted by an incarnation that crashed before it was delivered anywhere is lost
  // with that incarnation's memory (TRAINS keeps no durable client queue): no longer required.
  void on_crash(const Step&, NodeRef node) override {
    std::erase_if(undelivered_, [&](const auto& entry) {
      return entry.second.id == node.id && entry.second.incarnation == node.incarnation;
    });
  }

  [[nodiscard]] bool all_delivered_everywhere() const { return everywhere_ == accepted_; }
  [[nodiscard]] bool all_delivered_somewhere() const { return undelivered_.empty(); }
  [[nodiscard]] std::size_t undelivered() const { return undelivered_.size(); }
  [[nodiscard]] std::uint64_t accepted() const { return accepted_; }
  [[nodiscard]] std::uint64_t rejected() const { return rejected_; }
  [[nodiscard]] std::uint64_t everywhere() const { return everywhere_; }
  [[nodiscard]] const LatencyHistogram& latency() const { return latency_; }
  [[nodiscard]] const std::vector<std::uint64_t>& delivered() const { return delivered_; }

 private:
  struct Pending {
    Time broadcast_at;
    NodeBits holders;            // nodes that delivered it or got it by transfer
    std::uint64_t position = 0;  // of its first delivery anywhere; 0 before
  };
  using PendingTable = std::unordered_map<MsgId, Pending, MsgIdHash>;

  void hold(PendingTable::iterator it, NodeId node) {
    it->second.holders.insert(node);
    if (it->second.holders.count() < delivered_.size()) return;
    ++everywhere_;
    if (retries_) retired_.insert(it->first, [&](MsgId id) { return pending_.contains(id); });
    positions_.forget(it->second.position, it->first);
    pending_.erase(it);  // memory follows in-flight work, not history
  }

  std::vector<std::uint64_t> delivered_;
  PendingTable pending_;  // probed only, never iterated
  LogPositions positions_;
  bool retries_;
  RetiredIds retired_;  // delivered everywhere: a late acceptance of one is a retry
  std::map<MsgId, NodeRef> undelivered_;  // accepted, not yet delivered by any node
  LatencyHistogram latency_;
  std::uint64_t accepted_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t everywhere_ = 0;
};

namespace {
// What a node holding a stalled request waits for: its view and every link in the cluster that
// still has messages unacknowledged (the stalled hop need not be the node's own).
std::string explain_stall(World<trains::Core>& world, std::uint32_t n, NodeId node) {
  const trains::Core* core = world.core(node);
  std::string out =
      "node " + std::to_string(node.value) +
      (core == nullptr ? std::string(" is down") : ": " + describe(core->telemetry()));
  std::string links;
  for (std::uint32_t from = 0; from < n; ++from) {
    const trains::Core* sender = world.core(NodeId{from});
    if (sender == nullptr) continue;
    for (std::uint32_t to = 0; to < n; ++to) {
      if (to == from) continue;
      const std::size_t unacked = sender->links().unacked(NodeId{to});
      if (unacked == 0) continue;
      links += (links.empty() ? "" : ", ") + std::to_string(from) + "->" + std::to_string(to) +
               " (" + std::to_string(unacked) + ")";
    }
  }
  return out + "; unacked links: " + (links.empty() ? "none" : links);
}
}  // namespace

TrainsDriver::TrainsDriver(const RunOptions& options) : options_(options) {}
TrainsDriver::~TrainsDriver() = default;

trains::Config TrainsDriver::config() const {
  trains::Config c;
  c.nodes = options_.nodes;
  c.trains = static_cast<std::uint32_t>(options_.param("trains"));
  c.mode = options_.mode == "uto" ? trains::Config::Mode::uto : trains::Config::Mode::to;
  c.link_retransmit_ns = options_.param("link_retransmit_us") * us_ns;
  c.link_fifo = options_.fifo;
  for (const std::string& name : options_.bugs) {
    if (const auto bug = trains::bug_from_name(name)) c.bugs.add(*bug);
  }
  c.kv = options_.workload == "kv";
  if (const std::int64_t stagger = options_.param("issuer_stagger_us"); stagger > 0) {
    // Issuers start at different times (drawn from the workload stream): this is what exposes
    // bug B3 (protocol/trains/README.md, "Planted bugs").
    Prng prng(options_.seed, Stream::workload, 1);
    for (std::uint32_t t = 0; t < c.trains; ++t) {
      c.issuer_start_ns.push_back(prng.between(0, stagger * us_ns));
    }
  }
  return c;
}

void TrainsDriver::attach(World<Core>& world, CheckerSuite<Core>& checkers) {
  world_ = &world;
  verdict_ = &checkers.verdict();
  const std::uint32_t n = options_.nodes;
  // Knowing N lets the ordering checkers forget what every node has delivered: their memory then
  // follows in-flight work, not the run's history.
  checkers.add<TotalOrderChecker>(options_.has_bug("B2"), n);
  checkers.add<IntegrityChecker>(n);
  validity_ =
      &checkers.add<ValidityChecker>(ValidityOptions{.accept_on_client = false, .nodes = n});
  progress_ = std::make_unique<Progress>(n, options_.workload == "kv");
  world.add_observer(progress_.get());
  uniform_ = &checkers.add<membership::UniformAgreementChecker>(n);
  // Membership (protocol/trains/README.md): views, deliveries and state transfers.
  checkers.add<membership::ViewAgreementChecker>(n);
  checkers.add<membership::PrimaryComponentChecker>(n);
  checkers.add<membership::VirtualSynchronyChecker>(n);
  checkers.add<membership::RejoinConsistencyChecker>(n);
  checkers.add<membership::NoRedeliveryChecker>(n);
  // TRAINS's own checkers see typed trains too.
  checkers.add<trains::TrainIntegrityChecker>(trains::TrainIntegrityChecker::default_margin, n);
  checkers.add<trains::KeyUniquenessChecker>([&world, n](std::uint32_t issuer) {
    std::uint64_t floor = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (const Core* core = world.core(NodeId{i})) floor = std::max(floor, core->floor(issuer));
    }
    return floor;
  });
  checkers.add<trains::ClockBoundChecker>(n, static_cast<std::uint32_t>(options_.param("trains")),
                                          [&world](NodeId node) { return world.core(node); });
  if (options_.workload == "kv") replicas_ = &checkers.add<ReplicaStateChecker>();
  bounded_ = std::make_unique<ProgressChecker>(
      checkers.verdict(), n, trains_progress_bounds(config(), world_options(options_)),
      [&world, n](NodeId node) { return explain_stall(world, n, node); });
  if (options_.progress_check) world.add_observer(bounded_.get());
  if (options_.reference) reference_ = &checkers.add<trains::ReferenceCheck>(config());
  coverage_ = std::make_unique<CoverageTracker>(n, trains_abstract_state);
  world.add_observer(coverage_.get());
}

void TrainsDriver::begin_liveness(World<Core>&) {
  healed_ = true;
  bounded_->stop();  // the liveness phase has its own budget (live())
}

bool TrainsDriver::live(World<Core>&) {
  if (!healed_) return false;
  if (!to_mode()) {
    if (!progress_->all_delivered_everywhere()) return false;
  } else if (!progress_->all_delivered_somewhere() || !membership_converged()) {
    return false;
  }
  if (!converged_checked_) check_converged();
  return true;
}

// Once, when quiet. A message delivered by anyone (a crashed incarnation too) must be held by
// every member (`to`); the members' key-value stores must hold every acknowledged write and be
// equal. A miss is a safety violation, which stops the run.
void TrainsDriver::check_converged() {
  converged_checked_ = true;
  std::vector<NodeId> up;
  std::vector<NodeId> replicas;  // up and holding the converged state
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* core = world_->core(NodeId{i});
    if (core == nullptr) continue;
    up.push_back(NodeId{i});
    if (!core->clock_lost() && !core->excluded()) replicas.push_back(NodeId{i});
  }
  const std::uint64_t step = world_->stats().steps;
  if (to_mode()) (void)uniform_->check_converged(step, up);
  if (replicas_ != nullptr && !verdict_->violated()) {
    (void)replicas_->check_converged(step, replicas, [this](NodeId node) -> const KvStore* {
      const Core* core = world_->core(node);
      return core != nullptr ? &core->kv() : nullptr;
    });
  }
}

std::optional<std::string> TrainsDriver::uniform_agreement(std::uint64_t step,
                                                           const std::vector<NodeId>& live) const {
  return uniform_->check_converged(step, live);
}

// Every up node that can rejoin is a member of the highest view, has installed it and is not
// frozen, and the members' logs are equal.
bool TrainsDriver::membership_converged() const {
  const Core* top = nullptr;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* core = world_->core(NodeId{i});
    if (core != nullptr && (top == nullptr || core->view().id > top->view().id)) top = core;
  }
  if (top == nullptr) return false;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* core = world_->core(NodeId{i});
    if (core == nullptr || core->clock_lost()) continue;
    if (core->view().id != top->view().id || !core->member() || core->frozen()) return false;
    if (core->delivered_count() != top->delivered_count() ||
        core->log_digest() != top->log_digest()) {
      return false;
    }
  }
  return true;
}

// uto halts whenever a node is down for good (protocol/trains/README.md section 2); to only when no
// majority of the highest view is up with its state: a minority never installs a view (it stays
// frozen), and a restarted node has no state to report until a view change re-admits it, which
// takes a majority of the view (TRAINS keeps neither its log nor its view-change promises on disk,
// section 6).
std::optional<std::string> TrainsDriver::expected_halt(World<Core>& world) const {
  std::string down;
  std::uint32_t up_members = 0;
  std::uint32_t stateful = 0;
  const Core* top = nullptr;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* core = world.core(NodeId{i});
    if (core == nullptr) down += (down.empty() ? "" : ",") + std::to_string(i);
    if (core != nullptr && (top == nullptr || core->view().id > top->view().id)) top = core;
  }
  if (!to_mode()) {
    if (down.empty()) return std::nullopt;
    return "node(s) " + down + " crashed for good; safety held";
  }
  if (top == nullptr) return "every node is down; safety held";
  for (NodeId m : top->view().members) {
    const Core* core = world.core(m);
    up_members += core != nullptr ? 1U : 0U;
    stateful += core != nullptr && !core->excluded() ? 1U : 0U;
  }
  const std::size_t size = top->view().members.size();
  if (2 * up_members > size && 2 * stateful <= size) {
    return "a majority of view " + std::to_string(top->view().id.value) +
           " restarted without its state before being re-admitted, so no view change can reach "
           "a quorum; safety held";
  }
  if (2 * up_members > size) return std::nullopt;
  return "node(s) " + down + " down for good, so no majority of view " +
         std::to_string(top->view().id.value) + " is up; safety held";
}

std::string TrainsDriver::liveness_failure(World<Core>& world) {
  std::vector<NodeId> live;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    if (world.is_up(NodeId{i})) live.push_back(NodeId{i});
  }
  if (to_mode()) {
    std::string line;
    if (!progress_->all_delivered_somewhere()) {
      line = std::to_string(progress_->undelivered()) +
             " accepted broadcasts of live incarnations delivered nowhere";
    }
    if (!membership_converged()) {
      std::string views;
      for (NodeId n : live) {
        const Core* core = world.core(n);
        views += (views.empty() ? "" : ", ") + std::to_string(n.value) + ": view " +
                 std::to_string(core->view().id.value) +
                 (core->excluded() ? " (out, rejoining)"
                  : core->frozen() ? " (frozen)"
                                   : "") +
                 " log " + std::to_string(core->delivered_count());
      }
      line += (line.empty() ? "" : "; ") + std::string("members did not converge: ") + views;
    }
    return line;
  }
  auto missing = validity_->check_converged(live);
  return std::to_string(progress_->accepted() - progress_->everywhere()) + " of " +
         std::to_string(progress_->accepted()) + " accepted broadcasts not delivered everywhere" +
         (missing ? "; first: " + *missing : "");
}

void TrainsDriver::summarize(World<Core>& world, RunResult& result) {
  const Progress& p = *progress_;
  const double sim_s = static_cast<double>(world.now().ns) / 1e9;
  char buf[160];
  result.summary.emplace_back("broadcasts", std::to_string(p.accepted()) + " accepted, " +
                                                std::to_string(p.rejected()) + " rejected");
  std::uint64_t min_delivered = UINT64_MAX;
  for (auto d : p.delivered()) min_delivered = std::min(min_delivered, d);
  result.summary.emplace_back("delivered", std::to_string(p.everywhere()) + " at every node (" +
                                               std::to_string(min_delivered) +
                                               " at the slowest node)");
  std::snprintf(buf, sizeof buf, "p50 %.3f ms, p99 %.3f ms (simulated, %llu samples)",
                static_cast<double>(p.latency().percentile(50)) / 1e6,
                static_cast<double>(p.latency().percentile(99)) / 1e6,
                static_cast<unsigned long long>(p.latency().count()));
  result.summary.emplace_back("latency", buf);
  std::snprintf(buf, sizeof buf, "%.0f messages per simulated second",
                sim_s > 0 ? static_cast<double>(p.everywhere()) / sim_s : 0.0);
  result.summary.emplace_back("throughput", buf);
  const ProgressBounds& b = bounded_->bounds();
  std::snprintf(buf, sizeof buf,
                "worst %.3f ms past max(accepted, recovered) over %llu requests; bound "
                "%.3f ms, recovery at most %.3f ms",
                static_cast<double>(bounded_->worst_ns()) / 1e6,
                static_cast<unsigned long long>(bounded_->completed()),
                static_cast<double>(b.latency_ns) / 1e6,
                static_cast<double>(b.recovery_max_ns) / 1e6);
  result.summary.emplace_back("bounded progress", buf);
  if (reference_ != nullptr) result.summary.emplace_back("reference", reference_->describe());
  result.coverage = coverage_->coverage();
  result.summary.emplace_back(
      "coverage", std::to_string(result.coverage.states.size()) + " abstract states, " +
                      std::to_string(result.coverage.transitions.size()) + " transitions");
}

}  // namespace ry
