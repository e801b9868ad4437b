// One seeded run of any protocol: builds the world, the checkers, the trace writer and the
// nemesis; runs the safety phase (faults on), then the liveness phase (everything healed, no
// new faults, convergence required within a budget). Protocol specifics come from a Driver:
//
//   struct Driver {
//     using Core = ...;
//     explicit Driver(const RunOptions&);
//     typename Core::Config config() const;
//     void attach(World<Core>&, Verdict&);   // add checkers and workloads
//     std::uint64_t checks() const;          // checks performed so far
//     void begin_liveness(World<Core>&);     // the cluster is healed now
//     bool live() const;                     // has the liveness goal been reached?
//     std::string liveness_failure(World<Core>&); // why not, one line
//     void summarize(World<Core>&, RunResult&);
//   };
#pragma once

#include <optional>

#include "sim/nemesis.hpp"
#include "sim/world.hpp"
#include "tools/engine/fault_log.hpp"
#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"
#include "tools/engine/schedule.hpp"
#include "traces/trace_writer.hpp"

namespace ry {

// Where the trace goes: lines to `sink`; `file`, if set, gets an "aborted" footer if an
// assertion kills the process mid-run.
struct TraceTarget {
  LineSink sink;
  class TraceFile* file = nullptr;
};

WorldOptions world_options(const RunOptions& options);
NemesisOptions nemesis_options(const RunOptions& options);
// Offsets and drifts for every node, drawn from the clocks stream.
void set_clocks(Cluster& cluster, const RunOptions& options);
std::string footer_extra(const RunResult& result);
// Why the run halted rather than failed liveness, or nothing: a node crashed for good (no
// protocol here makes progress without every node before TRAINS membership, docs/trains.md 5).
std::optional<std::string> expected_halt(const Cluster& cluster);

template <class Driver>
RunResult simulate(const RunOptions& options, const TraceTarget* trace) {
  using Core = typename Driver::Core;
  assert_context().seed = options.seed;
  Driver driver(options);
  World<Core> world(world_options(options), driver.config());
  Verdict verdict;
  set_clocks(world, options);
  driver.attach(world, verdict);
  FaultLog fault_log;
  world.add_observer(&fault_log);

  std::optional<TraceWriter> writer;
  RunResult result;
  if (trace != nullptr) {
    writer.emplace(trace->sink);
    writer->write_header(options.protocol, options.seed, to_json(options));
    world.add_observer(&*writer);
    if (trace->file != nullptr) {
      trace->file->set_abort_footer([&] {
        result.stats = world.stats();
        writer->write_footer("aborted", world.stats().steps, "");
      });
    }
  }
  auto stop = [&] { return verdict.violated() || (writer && writer->sink_stopped()); };

  Nemesis nemesis(world, nemesis_options(options));
  world.start();
  nemesis.start();
  if (!options.schedule.empty()) {
    world.spawn([&](Fiber& fiber) { play_schedule(options.schedule, world, fiber); });
  }
  const Time safety_end{options.time_ms * ms_ns};
  world.run_until(safety_end, stop);

  if (!stop()) {
    nemesis.stop_and_heal();
    driver.begin_liveness(world);
    const Time liveness_end = safety_end + options.liveness_ms * ms_ns;
    world.run_until(liveness_end, [&] { return stop() || driver.live(); });
    if (!verdict.violated() && !driver.live()) {
      const auto halt = [&] {
        if constexpr (requires { driver.expected_halt(world); }) {
          return driver.expected_halt(world);
        } else {
          return expected_halt(world);
        }
      }();
      result.outcome = halt ? Outcome::halted : Outcome::no_liveness;
      result.liveness_detail = halt ? *halt : driver.liveness_failure(world);
    }
  }
  if (verdict.violated()) {
    result.outcome = Outcome::violation;
    result.violation = verdict.first();
  }
  result.stats = world.stats();
  result.faults = nemesis.stats();
  result.fault_counts = fault_log.counts();
  result.fault_list = fault_log.list();
  result.checks = driver.checks();
  result.sim_end = world.now();
  driver.summarize(world, result);
  if (writer) {
    if (trace->file != nullptr) trace->file->set_abort_footer(nullptr);
    writer->write_footer(to_string(result.outcome), world.stats().steps, footer_extra(result));
    result.trace_events = writer->events();
    result.trace_hash = writer->stream_hash();
  }
  return result;
}

// Runs the protocol named by options.protocol.
RunResult simulate_any(const RunOptions& options, const TraceTarget* trace);

}  // namespace ry
