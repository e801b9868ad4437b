// One seeded run of any protocol: the Harness builds the world, the checkers (through the
// protocol's Driver), the clients, the trace and history writers and the nemesis; runs the safety
// phase (faults on), then the liveness phase (everything healed, no new faults, clients stopped,
// convergence required within a budget); and sums up. A protocol supplies a Driver:
//
//   struct Driver {
//     using Core = ...;
//     explicit Driver(const RunOptions&);
//     typename Core::Config config() const;
//     void attach(World<Core>&, CheckerSuite<Core>&);  // its checkers
//     void begin_liveness(World<Core>&);               // the cluster is healed now
//     bool live(World<Core>&);                         // has the liveness goal been reached?
//     std::optional<std::string> expected_halt(World<Core>&);  // a halt its spec allows, or none
//     std::string liveness_failure(World<Core>&);      // why not live, one line
//     void summarize(World<Core>&, RunResult&);        // its summary lines
//   };
//
// World tests use the Harness too (world(), run_until()), so a test sees every checker a run has.
#pragma once

#include <memory>
#include <optional>

#include "invariants/history/linearizability_checker.hpp"
#include "sim/clients.hpp"
#include "sim/nemesis.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/engine/fault_log.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"
#include "tools/engine/schedule.hpp"
#include "traces/history_writer.hpp"
#include "traces/trace_writer.hpp"

namespace ry {

// Where the trace goes: lines to `sink`; `file`, if set, gets an "aborted" footer if an
// assertion kills the process mid-run. `history`, if set, receives the client history's lines.
struct TraceTarget {
  LineSink sink;
  class TraceFile* file = nullptr;
  LineSink history;
};

WorldOptions world_options(const RunOptions& options);
NemesisOptions nemesis_options(const RunOptions& options);
ClientOptions client_options(const RunOptions& options);
// Offsets and drifts for every node, drawn from the clocks stream.
void set_clocks(Cluster& cluster, const RunOptions& options);
std::string footer_extra(const RunResult& result);
// The generic halt: a node crashed for good, so a protocol that needs every node cannot go on.
std::optional<std::string> nodes_down_for_good(const Cluster& cluster);
// The clients' summary line.
std::string describe(const ClientStats& stats);
// "view 3, members 5, frozen 0, out 0".
std::string describe(const Status& status);

template <class Driver>
class Harness {
 public:
  using Core = typename Driver::Core;

  explicit Harness(const RunOptions& options, const TraceTarget* trace = nullptr)
      : options_(options),
        trace_(trace),
        driver_(options),
        world_(world_options(options), driver_.config()),
        suite_(world_, verdict_),
        nemesis_(world_, nemesis_options(options)) {
    assert_context().seed = options.seed;
    set_clocks(world_, options);
    driver_.attach(world_, suite_);
    world_.add_observer(&fault_log_);
    if (options.scripted) {
      script_.emplace(options.network);
    } else if (options.record) {
      script_.emplace();
    }
    if (script_) world_.network().set_script(&*script_);
    if (options.record) nemesis_.player().record_to(&result_.recorded_faults);
    if (trace_ != nullptr) {
      writer_.emplace(trace_->sink);
      writer_->write_header(options.protocol, options.seed, to_json(options));
      world_.add_observer(&*writer_);
      if (trace_->file != nullptr) {
        trace_->file->set_abort_footer(
            [this] { writer_->write_footer("aborted", world_.stats().steps, ""); });
      }
      if (trace_->history) {
        history_.emplace(trace_->history);
        world_.add_observer(&*history_);
      }
    }
    if (options.workload == "kv") linearizability_ = &suite_.template add<LinearizabilityChecker>();
    if (!options.workload.empty()) {
      // Last, so that a client's completion follows the node's reply in the trace.
      clients_ = std::make_unique<Clients>(world_, client_options(options));
      world_.add_observer(clients_.get());
    }
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  [[nodiscard]] World<Core>& world() noexcept { return world_; }
  [[nodiscard]] Verdict& verdict() noexcept { return verdict_; }
  [[nodiscard]] Driver& driver() noexcept { return driver_; }
  [[nodiscard]] Clients* clients() noexcept { return clients_.get(); }
  [[nodiscard]] const CheckerSuite<Core>& checkers() const noexcept { return suite_; }

  // Time zero: the cores, the nemesis, the scripted schedule and the clients start.
  void start() {
    if (clients_) clients_->start();  // first: their fibers run before the cores' first events
    world_.start();
    nemesis_.start();
    if (!options_.schedule.empty()) {
      world_.spawn([this](Fiber& fiber) {
        play_schedule(options_.schedule, world_, nemesis_.player(), fiber);
      });
    }
  }

  // Runs until `deadline` or until a violation (or a stopped trace sink). False if stopped.
  bool run_until(Time deadline) {
    world_.run_until(deadline, [this] { return stopped(); });
    return !stopped();
  }

  [[nodiscard]] bool stopped() const {
    return verdict_.violated() || (writer_ && writer_->sink_stopped());
  }

  // The whole run: safety phase, heal, liveness phase, summary. The safety profile
  // (--faults safety) has no liveness phase: its faults never let up, so only safety is judged.
  RunResult run() {
    start();
    const Time safety_end{options_.time_ms * ms_ns};
    if (run_until(safety_end) && options_.faults == "safety") {
      result_.summary.emplace_back("liveness", "not checked (--faults safety)");
    } else if (!stopped()) {
      nemesis_.stop_and_heal();
      if (clients_) clients_->stop();
      driver_.begin_liveness(world_);
      const Time liveness_end = safety_end + options_.liveness_ms * ms_ns;
      world_.run_until(liveness_end, [this] { return stopped() || driver_.live(world_); });
      if (!verdict_.violated() && !driver_.live(world_)) {
        const auto halt = driver_.expected_halt(world_);
        result_.outcome = halt ? Outcome::halted : Outcome::no_liveness;
        result_.liveness_detail = halt ? *halt : driver_.liveness_failure(world_);
      }
    }
    return finish();
  }

 private:
  RunResult finish() {
    if (clients_) clients_->finish();
    // The run's own history, once it is complete (a kv workload): a violation fails the run.
    if (linearizability_ != nullptr && !verdict_.violated()) {
      result_.summary.emplace_back("linearizability",
                                   linearizability_->check(world_.stats().steps));
      if (verdict_.violated()) result_.outcome = Outcome::violation;
    }
    if (verdict_.violated()) {
      result_.outcome = Outcome::violation;
      result_.violation = verdict_.first();
    }
    result_.stats = world_.stats();
    result_.faults = nemesis_.stats();
    result_.fault_counts = fault_log_.counts();
    result_.fault_list = fault_log_.list();
    result_.checks = suite_.checks();
    result_.sim_end = world_.now();
    if (script_) {
      if (options_.record) result_.recorded_network = script_->record();
      result_.divergence = script_->divergence();
    }
    if (options_.scripted) {
      result_.summary.emplace_back("schedule", result_.divergence
                                                   ? "left it at " + describe(*result_.divergence)
                                                   : "followed to the end");
    }
    if (clients_) {
      result_.operations = clients_->stats().invoked;
      result_.summary.emplace_back("client operations", describe(clients_->stats()));
    }
    driver_.summarize(world_, result_);
    if constexpr (requires(const Core& c) { c.telemetry(); }) {
      for (std::uint32_t i = 0; i < world_.node_count(); ++i) {
        const Core* core = world_.core(NodeId{i});
        result_.summary.emplace_back(
            i == 0 ? "node status" : "",
            std::to_string(i) + ": " + (core != nullptr ? describe(core->telemetry()) : "down"));
      }
    }
    if (writer_) {
      if (trace_->file != nullptr) trace_->file->set_abort_footer(nullptr);
      writer_->write_footer(to_string(result_.outcome), world_.stats().steps,
                            footer_extra(result_));
      result_.trace_events = writer_->events();
      result_.trace_hash = writer_->stream_hash();
    }
    return result_;
  }

  RunOptions options_;
  const TraceTarget* trace_;
  Verdict verdict_;
  Driver driver_;
  // Before the world: destroyed after it, so that a client fiber still waiting when a violation
  // ends the run, resumed by ~World to return, does not touch freed client state.
  std::unique_ptr<Clients> clients_;
  World<Core> world_;
  CheckerSuite<Core> suite_;
  Nemesis nemesis_;
  FaultLog fault_log_;
  std::optional<NetworkScript> script_;  // a scripted or recorded run's network decisions
  std::optional<TraceWriter> writer_;
  std::optional<HistoryWriter> history_;
  LinearizabilityChecker* linearizability_ = nullptr;
  RunResult result_;
};

template <class Driver>
RunResult simulate(const RunOptions& options, const TraceTarget* trace) {
  Harness<Driver> harness(options, trace);
  return harness.run();
}

// Runs the protocol named by options.protocol (its descriptor's simulate).
RunResult simulate_any(const RunOptions& options, const TraceTarget* trace);

}  // namespace ry
