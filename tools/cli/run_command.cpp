// `railyard run`: one seeded simulation, a readable summary, a trace if asked.
#include <chrono>
#include <cstdio>
#include <string>

#include "tools/cli/commands.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/engine/scenario.hpp"
#include "tools/engine/schedule_file.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/engine/swarm.hpp"

namespace ry {

namespace {

std::string seconds(Nanos ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Counts per kind, then the faults themselves with their times and targets.
void print_faults(const RunResult& r) {
  std::string counts;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < r.fault_counts.size(); ++i) {
    if (r.fault_counts[i] == 0) continue;
    total += r.fault_counts[i];
    const std::string_view kind = i < fault_kinds.size() ? fault_kinds[i] : "other";
    counts +=
        (counts.empty() ? "" : ", ") + std::to_string(r.fault_counts[i]) + " " + std::string(kind);
  }
  std::printf("  faults injected  %s\n", total == 0 ? "none" : counts.c_str());
  constexpr std::size_t shown = 12;
  for (std::size_t i = 0; i < r.fault_list.size() && i < shown; ++i) {
    std::printf("    %s\n", r.fault_list[i].c_str());
  }
  if (total > shown) {
    std::printf("    ... %llu more (every fault is in the trace)\n",
                static_cast<unsigned long long>(total - shown));
  }
}

void print_summary(const RunOptions& o, const RunResult& r, double wall_s) {
  const auto& s = r.stats;
  std::string what = o.protocol;
  if (!o.mode.empty()) what += " " + o.mode;
  if (!o.workload.empty()) what += ", " + o.workload + " workload";
  std::printf("railyard run: protocol %s, %u nodes, seed %llu, faults %s\n", what.c_str(), o.nodes,
              static_cast<unsigned long long>(o.seed), o.swarm ? "swarm" : o.faults.c_str());
  if (o.swarm) {
    std::printf("  swarm mix        %s\n", describe(draw_swarm(o)).c_str());
  } else {
    std::printf(
        "  network          loss %u ppm, duplication %u ppm, latency %lld-%lld us%s, "
        "clock drift up to %lld ppm\n",
        o.loss_ppm.value_or(0), o.dup_ppm.value_or(0), static_cast<long long>(o.latency_min_us),
        static_cast<long long>(o.latency_max_us), o.fifo ? " (fifo)" : "",
        static_cast<long long>(o.drift_ppm_max.value_or(0)));
  }
  for (const FaultStep& step : o.schedule) {
    std::printf("  scheduled        %s\n", describe(step).c_str());
  }
  print_faults(r);
  // Two significant digits either side of 1: "0.21x" on a slow debug build, "35x" in release.
  const double speed = wall_s > 0 ? static_cast<double>(r.sim_end.ns) / 1e9 / wall_s : 0.0;
  std::printf("  simulated time   %s (%s wall, %.*fx real time)\n", seconds(r.sim_end.ns).c_str(),
              seconds(static_cast<Nanos>(wall_s * 1e9)).c_str(), speed >= 10 ? 0 : 2, speed);
  std::printf("  steps            %llu\n", static_cast<unsigned long long>(s.steps));
  std::printf("  messages         %llu sent, %llu received, %llu dropped, %llu duplicated\n",
              static_cast<unsigned long long>(s.sends), static_cast<unsigned long long>(s.arrivals),
              static_cast<unsigned long long>(s.drops),
              static_cast<unsigned long long>(s.duplicates));
  for (const auto& [label, value] : r.summary) {
    std::printf("  %-16s %s\n", label.c_str(), value.c_str());
  }
  std::printf("  checks performed %llu\n", static_cast<unsigned long long>(r.checks));
}

}  // namespace

// Prints the outcome line (and what to do about a failure) for one run.
void print_outcome(const RunOptions& o, const RunResult& r) {
  switch (r.outcome) {
    case Outcome::passed: std::printf("  outcome          passed\n"); break;
    case Outcome::halted:
      std::printf("  outcome          halted, as the protocol must: %s\n",
                  r.liveness_detail.c_str());
      break;
    case Outcome::violation: {
      std::string nodes;
      for (NodeId n : r.violation.nodes)
        nodes += (nodes.empty() ? "" : ",") + std::to_string(n.value);
      std::printf("  outcome          VIOLATION of %s at step %llu (nodes %s): %s\n",
                  r.violation.property.c_str(), static_cast<unsigned long long>(r.violation.step),
                  nodes.c_str(), r.violation.detail.c_str());
      std::printf("  reproduce        %s --trace failure.jsonl\n", reproduce_command(o).c_str());
      break;
    }
    case Outcome::no_liveness:
      std::printf("  outcome          NO LIVENESS within %lld ms after the heal: %s\n",
                  static_cast<long long>(o.liveness_ms), r.liveness_detail.c_str());
      std::printf("  reproduce        %s --trace failure.jsonl\n", reproduce_command(o).c_str());
      break;
    default: std::printf("  outcome          %s\n", to_string(r.outcome)); break;
  }
}

namespace {

// "trains-to-seed-7": a name for a recorded schedule.
std::string run_name(const RunOptions& o) {
  return o.protocol + (o.mode.empty() ? "" : "-" + o.mode) + "-seed-" + std::to_string(o.seed);
}

// Runs `options`, prints the summary and the outcome, commits the trace (and the schedule).
// Returns the result, or nothing after an I/O error (already reported).
std::optional<RunResult> run_and_report(RunOptions options, const std::string& name = {}) {
  if (!options.save_schedule.empty()) {
    options.record = true;
    if (auto problem = check_output_path(options.save_schedule)) {
      std::fprintf(stderr, "railyard: error: %s\n", problem->c_str());
      return std::nullopt;
    }
  }
  std::optional<TraceFile> file;
  std::optional<TraceFile> history;
  std::optional<TraceTarget> target;
  if (!options.trace.empty() || !options.history.empty()) {
    target.emplace();
    if (!options.trace.empty()) {
      file.emplace(options.trace);
      if (!file->ok()) {
        std::fprintf(stderr, "railyard: error: %s\n", file->error().c_str());
        return std::nullopt;
      }
      target->sink = [&file](std::string_view line) { return file->write(line); };
      target->file = &*file;
    } else {
      target->sink = [](std::string_view) { return true; };  // the history alone
    }
    if (!options.history.empty()) {
      history.emplace(options.history);
      if (!history->ok()) {
        std::fprintf(stderr, "railyard: error: %s\n", history->error().c_str());
        return std::nullopt;
      }
      target->history = [&history](std::string_view line) { return history->write(line); };
    }
  }
  if (options.swarm && !options.quiet) {
    // Printed first, so that a run that never returns still shows its world.
    std::printf("railyard run: seed %llu, swarm mix: %s\n",
                static_cast<unsigned long long>(options.seed),
                describe(draw_swarm(options)).c_str());
    std::fflush(stdout);
  }

  const auto start = std::chrono::steady_clock::now();
  RunResult result = simulate_any(options, target ? &*target : nullptr);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Outputs are committed first: a run whose trace could not be written reports that, not an
  // outcome whose evidence is missing.
  if (file && !file->commit()) {
    std::fprintf(stderr, "railyard: error: %s\n", file->error().c_str());
    return std::nullopt;
  }
  if (history && !history->commit()) {
    std::fprintf(stderr, "railyard: error: %s\n", history->error().c_str());
    return std::nullopt;
  }
  if (!options.quiet) print_summary(options, result, wall_s);
  print_outcome(options, result);
  if (file) {
    std::printf("  trace            %s (%llu events, stream hash %s)\n", options.trace.c_str(),
                static_cast<unsigned long long>(result.trace_events),
                hex64(result.trace_hash).c_str());
  }
  if (history) std::printf("  history          %s\n", options.history.c_str());
  if (!options.save_schedule.empty()) {
    const RunOptions scripted = scripted_options(options, result);
    const std::string text =
        schedule_file_text(scripted, result, name.empty() ? run_name(options) : name,
                           "recorded from: " + reproduce_command(options));
    std::string error;
    if (!write_output_file(options.save_schedule, text, "schedule", error)) {
      std::fprintf(stderr, "railyard: error: %s\n", error.c_str());
      return std::nullopt;
    }
    std::printf(
        "  schedule         %s (%zu faults, %zu network decisions; replay it with "
        "railyard run --schedule %s)\n",
        options.save_schedule.c_str(), scripted.schedule.size(), scripted.network.size(),
        options.save_schedule.c_str());
  }
  return result;
}

}  // namespace

int command_run(RunOptions options) {
  resolve(options);
  if (auto error = validate(options)) return usage_error(*error);
  const auto result = run_and_report(options);
  if (!result) return static_cast<int>(Outcome::environment);
  return exit_code(result->outcome);
}

int command_run_scenario(const std::string& path, const RunOptions* seed_from,
                         const RunOptions& outputs, bool as_schedule) {
  const bool quiet = outputs.quiet;
  std::string error;
  bool io_error = false;
  auto scenario = load_scenario(path, error, io_error);
  if (!scenario) {
    std::fprintf(stderr, "railyard: error: %s\n", error.c_str());
    return static_cast<int>(io_error ? Outcome::environment : Outcome::usage);
  }
  RunOptions& options = scenario->options;
  if (as_schedule && !options.scripted) {
    return usage_error(path +
                       ": not a recorded schedule (its options lack \"scripted\": true); "
                       "run it with --scenario");
  }
  if (seed_from != nullptr) options.seed = seed_from->seed;
  options.trace = outputs.trace;
  options.history = outputs.history;
  options.save_schedule = outputs.save_schedule;
  options.quiet = quiet;
  if (!quiet) {
    std::printf("%s %s: %s\n", as_schedule ? "schedule" : "scenario", scenario->name.c_str(),
                scenario->description.c_str());
  }
  const auto result = run_and_report(options, scenario->name);
  if (!result) return static_cast<int>(Outcome::environment);
  if (as_schedule) {
    const auto differs = mismatch(scenario->expect, *result);
    std::printf(
        "  replay           %s\n",
        differs
            ? ("not the recorded outcome (" + describe(scenario->expect) + "): " + *differs).c_str()
            : ("the recorded outcome: " + describe(scenario->expect)).c_str());
    return exit_code(result->outcome);
  }
  if (auto differs = mismatch(scenario->expect, *result)) {
    std::printf("  scenario         FAILED: %s\n", differs->c_str());
    // A run that went wrong keeps its own exit code; one that passed where a violation (or a
    // halt) was expected fails with 1: the checker or the fault did not do its job.
    const int code = exit_code(result->outcome);
    return code != 0 ? code : static_cast<int>(Outcome::violation);
  }
  std::printf("  scenario         ok: %s, as expected\n", describe(scenario->expect).c_str());
  return 0;
}

}  // namespace ry
