#include "tools/trains_driver.hpp"

#include <cstdio>
#include <unordered_map>

#include "invariants/msg_id_hash.hpp"
#include "invariants/trains/clock_bound_checker.hpp"
#include "invariants/trains/key_uniqueness_checker.hpp"
#include "invariants/trains/train_integrity_checker.hpp"

namespace ry {

class TrainsDriver::Progress final : public Observer {
 public:
  explicit Progress(std::uint32_t nodes) : delivered_(nodes, 0) {}

  void on_reply(const Step& step, NodeRef, const ClientReply& reply) override {
    if (reply.status == ReplyStatus::accepted) {
      ++accepted_;
      pending_.emplace(reply.id, Pending{step.time, 0});
    } else if (reply.status == ReplyStatus::rejected) {
      ++rejected_;
    }
  }
  void on_deliver(const Step& step, NodeRef node, const Delivery& d) override {
    ++delivered_[node.id.value];
    auto it = pending_.find(d.id);
    if (it == pending_.end()) return;
    latency_.add(step.time - it->second.broadcast_at);
    if (++it->second.deliveries == delivered_.size()) {
      ++everywhere_;
      pending_.erase(it);  // memory follows in-flight work, not history
    }
  }

  [[nodiscard]] bool all_delivered_everywhere() const { return everywhere_ == accepted_; }
  [[nodiscard]] std::uint64_t accepted() const { return accepted_; }
  [[nodiscard]] std::uint64_t rejected() const { return rejected_; }
  [[nodiscard]] std::uint64_t everywhere() const { return everywhere_; }
  [[nodiscard]] const LatencyHistogram& latency() const { return latency_; }
  [[nodiscard]] const std::vector<std::uint64_t>& delivered() const { return delivered_; }

 private:
  struct Pending {
    Time broadcast_at;
    std::size_t deliveries;
  };
  std::vector<std::uint64_t> delivered_;
  std::unordered_map<MsgId, Pending, MsgIdHash> pending_;  // probed only, never iterated
  LatencyHistogram latency_;
  std::uint64_t accepted_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t everywhere_ = 0;
};

TrainsDriver::TrainsDriver(const RunOptions& options) : options_(options) {}
TrainsDriver::~TrainsDriver() = default;

trains::Config TrainsDriver::config() const {
  trains::Config c;
  c.nodes = options_.nodes;
  c.trains = options_.trains;
  c.mode = options_.mode == "uto" ? trains::Config::Mode::uto : trains::Config::Mode::to;
  c.link_retransmit_ns = options_.link_retransmit_us * us_ns;
  c.link_fifo = options_.fifo;
  c.bugs = bug_set(options_);
  if (options_.issuer_stagger_us > 0) {
    // Issuers start at different times (drawn from the workload stream): this is what exposes
    // bug B3 (docs/trains.md section 8).
    Prng prng(options_.seed, Stream::workload, 1);
    for (std::uint32_t t = 0; t < c.trains; ++t) {
      c.issuer_start_ns.push_back(prng.between(0, options_.issuer_stagger_us * us_ns));
    }
  }
  return c;
}

void TrainsDriver::attach(World<Core>& world, Verdict& verdict) {
  // Knowing N lets the ordering checkers forget what every node has delivered: their memory then
  // follows in-flight work, not the run's history.
  total_order_.emplace(verdict, bug_set(options_), options_.nodes);
  integrity_.emplace(verdict, options_.nodes);
  validity_.emplace(verdict, ValidityOptions{.accept_on_client = false, .nodes = options_.nodes});
  progress_ = std::make_unique<Progress>(options_.nodes);
  world.add_observer(&*total_order_);
  world.add_observer(&*integrity_);
  world.add_observer(&*validity_);
  world.add_observer(progress_.get());
  // TRAINS-specific checkers (docs/trains.md section 7) see typed trains too.
  auto add = [&world, this](auto checker) {
    world.add_observer(checker.get());
    world.add_message_observer(checker.get());
    extra_checkers_.push_back(std::move(checker));
  };
  add(std::make_unique<trains::TrainIntegrityChecker>(
      verdict, trains::TrainIntegrityChecker::default_margin, options_.nodes));
  add(std::make_unique<trains::KeyUniquenessChecker>(
      verdict, [&world, n = options_.nodes](std::uint32_t issuer) {
        std::uint64_t floor = 0;
        for (std::uint32_t i = 0; i < n; ++i) {
          if (const Core* core = world.core(NodeId{i}))
            floor = std::max(floor, core->floor(issuer));
        }
        return floor;
      }));
  add(std::make_unique<trains::ClockBoundChecker>(
      verdict, options_.nodes, options_.trains,
      [&world](NodeId node) { return world.core(node); }));
  WorkloadOptions w;
  for (std::uint32_t i = 0; i < std::min(options_.clients, options_.nodes); ++i) {
    w.clients.push_back(NodeId{i});
  }
  w.interval_ns = options_.interval_us * us_ns;
  w.payload_bytes = options_.payload_bytes;
  workload_.emplace(world, w);
  workload_->start();
}

std::uint64_t TrainsDriver::checks() const {
  std::uint64_t total = total_order_->checks() + integrity_->checks() + validity_->checks();
  for (const auto& c : extra_checkers_) total += c->checks();
  return total;
}

void TrainsDriver::begin_liveness(World<Core>&) {
  workload_->stop();
  healed_ = true;
}

bool TrainsDriver::live() const { return healed_ && progress_->all_delivered_everywhere(); }

std::string TrainsDriver::liveness_failure(World<Core>& world) {
  std::vector<NodeId> live;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    if (world.is_up(NodeId{i})) live.push_back(NodeId{i});
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
                                                std::to_string(p.rejected()) + " rejected, " +
                                                std::to_string(workload_->stats().node_down) +
                                                " refused (node down or paused)");
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
}

}  // namespace ry
