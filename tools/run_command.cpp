// `railyard run`: one seeded simulation, a readable summary, a trace if asked.
#include <chrono>
#include <cstdio>
#include <string>

#include "tools/commands.hpp"
#include "tools/simulation.hpp"

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

void print_summary(const RunOptions& o, const RunResult& r, double wall_s) {
  const auto& s = r.stats;
  std::printf("railyard run: protocol %s, %u nodes, seed %llu, faults %s\n", o.protocol.c_str(),
              o.nodes, static_cast<unsigned long long>(o.seed), o.faults.c_str());
  std::printf(
      "  network          loss %u ppm, duplication %u ppm, latency %lld-%lld us%s, "
      "clock drift up to %lld ppm\n",
      o.loss_ppm.value_or(0), o.dup_ppm.value_or(0), static_cast<long long>(o.latency_min_us),
      static_cast<long long>(o.latency_max_us), o.fifo ? " (fifo)" : "",
      static_cast<long long>(o.drift_ppm_max.value_or(0)));
  std::printf("  faults injected  %llu crashes, %llu pauses, %llu link cuts, %llu clock jumps\n",
              static_cast<unsigned long long>(r.faults.crashes),
              static_cast<unsigned long long>(r.faults.pauses),
              static_cast<unsigned long long>(r.faults.cuts),
              static_cast<unsigned long long>(r.faults.clock_jumps));
  std::printf("  simulated time   %s (%s wall, %.0fx real time)\n", seconds(r.sim_end.ns).c_str(),
              seconds(static_cast<Nanos>(wall_s * 1e9)).c_str(),
              wall_s > 0 ? static_cast<double>(r.sim_end.ns) / 1e9 / wall_s : 0.0);
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

int command_run(RunOptions options) {
  resolve(options);
  if (auto error = validate(options)) return usage_error(*error);

  std::optional<TraceFile> file;
  std::optional<TraceTarget> target;
  if (!options.trace.empty()) {
    file.emplace(options.trace);
    if (!file->ok()) {
      std::fprintf(stderr, "railyard: error: %s\n", file->error().c_str());
      return static_cast<int>(Outcome::environment);
    }
    target.emplace(
        TraceTarget{[&file](std::string_view line) { return file->write(line); }, &*file});
  }

  const auto start = std::chrono::steady_clock::now();
  RunResult result = simulate_any(options, target ? &*target : nullptr);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!options.quiet) print_summary(options, result, wall_s);
  print_outcome(options, result);
  if (file) {
    if (!file->commit()) {
      std::fprintf(stderr, "railyard: error: %s\n", file->error().c_str());
      return static_cast<int>(Outcome::environment);
    }
    std::printf("  trace            %s (%llu events, stream hash %s)\n", options.trace.c_str(),
                static_cast<unsigned long long>(result.trace_events),
                hex64(result.trace_hash).c_str());
  }
  return static_cast<int>(result.outcome);
}

}  // namespace ry
