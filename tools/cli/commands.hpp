// The subcommands of `railyard`. Each returns the process exit code (README.md table).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/engine/run_options.hpp"

namespace CLI {
class App;
}

namespace ry {

// The protocol options given on a command line, by flag, as text: which protocol they belong to
// is known only once every flag is read.
struct ParamFlags {
  std::map<std::string, std::string> given;
};

// Binds every run option, and every protocol's own options, to `app` (used by run and soak, so
// both accept the same flags).
void add_run_options(CLI::App& app, RunOptions& options, ParamFlags& params);
// Puts the given protocol options into `options`, or says which one the protocol does not have.
std::optional<std::string> apply_params(const ParamFlags& params, RunOptions& options);

int command_run(RunOptions options);
// Runs a scenario file; `seed_from`, if set, overrides the scenario's seed with its seed.
// `outputs` gives the trace, history, save_schedule and quiet of the run. With `as_schedule`
// the file must be a recorded schedule (tools/engine/schedule_file.hpp): the run replays it and
// says whether it had the recorded outcome; its exit code is the run's own.
int command_run_scenario(const std::string& path, const RunOptions* seed_from,
                         const RunOptions& outputs, bool as_schedule = false);
// Shrinks the failing run `input` (tools/engine/shrink.hpp), prints the report and writes
// OUT/schedule.json and OUT/trace.jsonl. Returns the exit code.
int shrink_run(const RunOptions& input, const std::string& out, double budget_s, bool quiet);
// Adds `railyard shrink` to `app`; the returned function runs it if it was parsed.
std::function<int()> add_shrink_command(CLI::App& app);
int command_replay(const std::string& path, bool quiet);

struct SoakOptions {
  std::string seeds = "1..100";
  int jobs = 2;
  bool stop_on_failure = false;
  std::string summary = "soak-summary.json";
  std::string trace_dir;  // traces of failing seeds, re-run with tracing
  std::string shard;      // "I/N" (tools/cli/shard.hpp); empty: every seed
  std::string junit;      // write a JUnit XML report here too
  std::string shrink;     // shrink each failing seed into this folder (DIR/seed-N/)
  double shrink_budget_s = 60;
};
int command_soak(RunOptions options, const SoakOptions& soak);

struct SoakMergeOptions {
  std::vector<std::string> summaries;
  std::string output = "soak-summary.json";
  std::string junit;
  bool partial = false;  // merge without missing shards, marked partial
};
int command_soak_merge(const SoakMergeOptions& merge);

struct BenchOptions {
  std::string sizes = "3,5,16,64";
  std::uint64_t messages = 1'000'000;
  int repeats = 3;
  std::uint32_t big_ring = 100'000;
};
int command_bench(const BenchOptions& bench);

// `protocol` empty: every protocol's bugs.
int command_bugs(const std::string& protocol);
// `bugs --measure`: each planted bug's share of failing swarm seeds, and the clean seeds a fix
// needs at 95% confidence (tools/cli/bugs_measure.cpp).
int command_bugs_measure(const std::string& protocol, const std::string& seeds,
                         std::int64_t time_ms);
int command_protocols();

// Adds `railyard export` to `app`; the returned function runs it if it was parsed (its exit
// code), or returns -1.
std::function<int()> add_export_command(CLI::App& app);
// "FIRST..LAST" (step numbers) for export and view --steps; the error names the flag.
std::optional<std::string> parse_step_window(const std::string& text, std::uint64_t& first,
                                             std::uint64_t& last);
// Adds `railyard view` (an HTML page of a trace, traces/view/) the same way.
std::function<int()> add_view_command(CLI::App& app);

// Prints "railyard: error: <what>" to stderr; returns 2.
int usage_error(const std::string& what);

}  // namespace ry
