// `railyard shrink`: a failing run (a seed with its options, a trace, or a schedule file) becomes
// a minimal schedule that fails the same way (tools/engine/shrink.hpp). Prints its progress and
// a report, and writes the shrunk schedule (a scenario file too, for scenarios/) and its trace.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "tools/cli/commands.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/engine/json_source.hpp"
#include "tools/engine/options_json.hpp"
#include "tools/engine/scenario.hpp"
#include "tools/engine/schedule_file.hpp"
#include "tools/engine/shrink.hpp"
#include "tools/engine/simulation.hpp"
#include "traces/trace_reader.hpp"
#include "traces/trace_writer.hpp"

namespace ry {

namespace {

struct ShrinkCommand {
  CLI::App* sub = nullptr;
  RunOptions run;
  ParamFlags params;
  std::string trace;
  std::string schedule;
  std::string out = "shrunk";
  double budget_s = 120;
  bool quiet = false;
};

// The run to shrink, recorded: from a schedule or scenario file, a trace's header, or flags.
std::optional<RunOptions> input_run(ShrinkCommand& c, int& code) {
  code = static_cast<int>(Outcome::usage);
  std::string error;
  if (!c.schedule.empty()) {
    bool io_error = false;
    auto scenario = load_scenario(c.schedule, error, io_error);
    if (!scenario) {
      std::fprintf(stderr, "railyard: error: %s\n", error.c_str());
      if (io_error) code = static_cast<int>(Outcome::environment);
      return std::nullopt;
    }
    scenario->options.scenario.clear();
    return scenario->options;
  }
  if (!c.trace.empty()) {
    TraceReader reader(c.trace);
    if (!reader.error().empty()) {
      std::fprintf(stderr, "railyard: error: %s\n", reader.error().c_str());
      if (reader.io_error()) code = static_cast<int>(Outcome::environment);
      return std::nullopt;
    }
    auto options =
        options_from_json(reader.header()["config"], JsonSource(c.trace, 1), "/config", error);
    if (!options) usage_error(error);
    return options;
  }
  if (auto problem = apply_params(c.params, c.run)) {
    usage_error(*problem);
    return std::nullopt;
  }
  resolve(c.run);
  if (auto problem = validate(c.run)) {
    usage_error(*problem);
    return std::nullopt;
  }
  return c.run;
}

// Runs `o` with its trace written to `path` (or counted only, if empty); false after an I/O error.
bool traced_run(const RunOptions& o, const std::string& path, RunResult& result) {
  std::optional<TraceFile> file;
  TraceTarget target;
  if (path.empty()) {
    target.sink = [](std::string_view) { return true; };
  } else {
    file.emplace(path);
    if (!file->ok()) {
      std::fprintf(stderr, "railyard: error: %s\n", file->error().c_str());
      return false;
    }
    target.sink = [&file](std::string_view line) { return file->write(line); };
    target.file = &*file;
  }
  result = simulate_any(o, &target);
  if (file && !file->commit()) {
    std::fprintf(stderr, "railyard: error: %s\n", file->error().c_str());
    return false;
  }
  return true;
}

void print_size(const char* label, const RunSize& s, std::uint64_t events) {
  std::printf(
      "  %-9s %u nodes, %zu faults, %zu network decisions, %u clients, %llu operations, "
      "%lld ms, %llu steps, %llu trace events\n",
      label, s.nodes, s.faults, s.decisions, s.clients,
      static_cast<unsigned long long>(s.operations), static_cast<long long>(s.time_ms),
      static_cast<unsigned long long>(s.steps), static_cast<unsigned long long>(events));
}

}  // namespace

int shrink_run(const RunOptions& input, const std::string& out, double budget_s, bool quiet) {
  std::error_code fs_error;
  std::filesystem::create_directories(out, fs_error);
  if (fs_error || access(out.c_str(), W_OK | X_OK) != 0) {
    return usage_error("--output: cannot write into '" + out +
                       "': " + (fs_error ? fs_error.message() : std::strerror(errno)));
  }
  ShrinkOptions options;
  options.budget_s = budget_s;
  if (!quiet) {
    options.progress = [](const std::string& line) {
      std::printf("  shrink: %s\n", line.c_str());
      std::fflush(stdout);
    };
  }
  // A seed or a trace is recorded first; a schedule file is its own record.
  RunOptions scripted = input;
  if (!scripted.scripted) {
    scripted.record = true;
    const RunResult recorded = simulate_any(scripted, nullptr);
    scripted = scripted_options(scripted, recorded);
  }
  std::string error;
  auto report = shrink(scripted, options, error);
  if (!report) return usage_error(error);

  const std::string name = input.protocol + (input.mode.empty() ? "" : "-" + input.mode) +
                           "-seed-" + std::to_string(input.seed) + "-shrunk";
  const std::string description =
      "shrunk from: " + reproduce_command(input) + " (" + report->signature.describe() + ")";
  RunResult before;
  RunResult after;
  const std::string trace_path = out + "/trace.jsonl";
  if (!traced_run(report->original, "", before) || !traced_run(report->shrunk, trace_path, after)) {
    return static_cast<int>(Outcome::environment);
  }
  const std::string text = schedule_file_text(report->shrunk, after, name, description);
  if (!write_output_file(out + "/schedule.json", text, "schedule", error)) {
    std::fprintf(stderr, "railyard: error: %s\n", error.c_str());
    return static_cast<int>(Outcome::environment);
  }
  std::printf("railyard shrink: %s, %s\n", report->signature.describe().c_str(),
              description.c_str());
  print_size("before", report->before, before.trace_events);
  print_size("after", report->after, after.trace_events);
  for (const FaultStep& step : report->shrunk.schedule) {
    std::printf("    %s\n", describe(step).c_str());
  }
  for (const LinkDecision& d : report->shrunk.network) {
    std::printf("    %.6f ms: send %llu on %u->%u (%s) %s\n", static_cast<double>(d.at_ns) / 1e6,
                static_cast<unsigned long long>(d.send), d.from, d.to, d.kind.c_str(),
                std::string(fate_name(d.fate)).c_str());
  }
  if (report->one_minimal) {
    std::printf(
        "  1-minimal yes: removing any one of the %zu faults and %zu network decisions "
        "makes it pass (%llu removals checked)\n",
        report->after.faults, report->after.decisions,
        static_cast<unsigned long long>(report->minimal_checks));
  } else {
    std::printf("  1-minimal not checked: the %.0f s budget ran out (--budget-s)\n", budget_s);
  }
  std::printf("  search    %llu candidates in %.1f s\n",
              static_cast<unsigned long long>(report->candidates), report->wall_s);
  std::printf(
      "  wrote     %s/schedule.json (replay: railyard run --schedule; it is a scenario "
      "file too, ready for scenarios/%s/), %s\n",
      out.c_str(), input.protocol.c_str(), trace_path.c_str());
  if (!report->signature.matches(after)) {
    std::fprintf(stderr, "railyard: error: the shrunk schedule did not fail again when traced\n");
    return static_cast<int>(Outcome::nondeterminism);
  }
  return 0;
}

namespace {

int command_shrink(ShrinkCommand& c) {
  const int given = (c.trace.empty() ? 0 : 1) + (c.schedule.empty() ? 0 : 1);
  if (given > 1) return usage_error("--trace, --schedule: give one of them");
  if (given == 1) {
    for (const OptionSpec& spec : option_table()) {
      if (c.sub->count(std::string(spec.flag)) > 0) {
        return usage_error(std::string(spec.flag) + ": the run's options come from " +
                           (c.trace.empty() ? c.schedule : c.trace));
      }
    }
  }
  int code = 0;
  auto input = input_run(c, code);
  if (!input) return code;
  return shrink_run(*input, c.out, c.budget_s, c.quiet);
}

}  // namespace

std::function<int()> add_shrink_command(CLI::App& app) {
  auto c = std::make_shared<ShrinkCommand>();
  c->sub = app.add_subcommand(
      "shrink", "make a failing run (seed, trace or schedule) a minimal schedule that fails alike");
  add_run_options(*c->sub, c->run, c->params);
  c->sub->add_option("--trace", c->trace, "shrink the run of this trace (from its header)");
  c->sub->add_option("--schedule", c->schedule,
                     "shrink this recorded schedule (run --save-schedule) or scenario");
  c->sub->add_option("-o,--output", c->out, "write schedule.json and trace.jsonl here")
      ->capture_default_str();
  c->sub->add_option("--budget-s", c->budget_s, "wall-time budget of the search")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  c->sub->add_flag("--quiet", c->quiet, "no progress lines");
  return [c]() { return c->sub->parsed() ? command_shrink(*c) : -1; };
}

}  // namespace ry
