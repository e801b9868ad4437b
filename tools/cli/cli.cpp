#include "tools/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

#include "sim/verdict.hpp"
#include "tools/cli/check_history.hpp"
#include "tools/cli/commands.hpp"
#include "tools/engine/protocol_descriptor.hpp"

namespace ry {

int usage_error(const std::string& what) {
  std::fprintf(stderr, "railyard: error: %s\n", what.c_str());
  return static_cast<int>(Outcome::usage);
}

namespace {

// An unsigned option must be written as an unsigned number that fits: CLI11 would wrap `-1` to
// the largest value and saturate 2^64, running a seed nobody asked for.
template <class T>
CLI::Validator fits() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        T value{};
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc::result_out_of_range) {
          return "out of range: " + text + " (the largest is " +
                 std::to_string(std::numeric_limits<T>::max()) + ")";
        }
        if (error != std::errc{} || end != text.data() + text.size()) {
          return "not an unsigned integer: " + text;
        }
        return {};
      },
      "UINT");
}

// Binds one run option. Bounds are checked by validate(), after parsing, for every way options
// come in (flags, trace headers), so none are repeated here.
template <class T>
void bind(CLI::App& app, const std::string& flag, const std::string& help, RunOptions& o,
          T RunOptions::*member) {
  CLI::Option* option = app.add_option(flag, o.*member, help)->capture_default_str();
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) option->check(fits<T>());
}
void bind(CLI::App& app, const std::string& flag, const std::string& help, RunOptions& o,
          bool RunOptions::*member) {
  if (RunOptions{}.*member) {
    app.add_option(flag, o.*member, help)->capture_default_str();
  } else {
    app.add_flag(flag, o.*member, help);
  }
}
template <class T>
void bind(CLI::App& app, const std::string& flag, const std::string& help, RunOptions& o,
          std::optional<T> RunOptions::*member) {
  CLI::Option* option = app.add_option_function<T>(
      flag, [&o, member](const T& value) { o.*member = value; }, help);
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) option->check(fits<T>());
}

}  // namespace

void add_run_options(CLI::App& app, RunOptions& o, ParamFlags& params) {
  for (const OptionSpec& spec : option_table()) {
    const std::string flag(spec.flag);
    const std::string help(spec.help);
    std::visit([&](auto member) { bind(app, flag, help, o, member); }, spec.field);
  }
  // Every protocol's own options, grouped by protocol in --help; a flag is taken as text here and
  // checked against the chosen protocol once all flags are read (apply_params).
  for (const ProtocolDescriptor* protocol : protocols()) {
    CLI::Option_group* group =
        app.add_option_group(std::string(protocol->name) + " options",
                             "options of --protocol " + std::string(protocol->name));
    for (const ParamSpec& spec : protocol->params) {
      const std::string flag(spec.flag);
      if (app.get_option_no_throw(flag) != nullptr) continue;  // shared by two protocols
      const std::string help =
          std::string(spec.help) + " (default " + spec.text(spec.fallback) + ")";
      group->add_option_function<std::string>(
          flag, [&params, flag](const std::string& value) { params.given[flag] = value; }, help);
    }
  }
  // Checking only (the run's events do not change), so not in the option table or the header.
  app.add_flag("--reference", o.reference,
               "also run the protocol's naive reference beside each node and compare deliveries "
               "(TRAINS; opt-in, it costs time)");
  app.add_flag("--no-progress-check{false}", o.progress_check,
               "leave the bounded-progress property unarmed (to compare with soaks before it)");
}

std::optional<std::string> apply_params(const ParamFlags& params, RunOptions& o) {
  const ProtocolDescriptor* protocol = find_protocol(o.protocol);
  if (protocol == nullptr) {
    return "--protocol: unknown protocol '" + o.protocol + "' (expected " + protocol_names() + ")";
  }
  for (const auto& [flag, text] : params.given) {
    const ParamSpec* spec = nullptr;
    for (const ParamSpec& p : protocol->params) {
      if (p.flag == flag) spec = &p;
    }
    if (spec == nullptr) {
      return flag + ": not an option of protocol " + o.protocol + " (see railyard protocols)";
    }
    const auto value = spec->parse(text);
    if (!value) {
      std::string expected = spec->boolean ? "true or false" : "an integer";
      if (!spec->choices.empty()) {
        expected.clear();
        for (std::string_view c : spec->choices) {
          expected += (expected.empty() ? "" : ", ") + std::string(c);
        }
      }
      return flag + ": expected " + expected + ", got '" + text + "'";
    }
    o.params[std::string(spec->key)] = *value;
  }
  return std::nullopt;
}

int run_cli(int argc, char** argv) {
  CLI::App app{"railyard: deterministic simulation and fault injection for distributed protocols"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");

  RunOptions run_options;
  ParamFlags run_params;
  CLI::App* run = app.add_subcommand("run", "run one seeded simulation");
  add_run_options(*run, run_options, run_params);
  run->add_option("--trace", run_options.trace, "write the JSON Lines trace to this file");
  run->add_option("--history", run_options.history,
                  "write the client history to this file (JSON Lines, traces/HISTORY.md)");
  run->add_flag("--quiet", run_options.quiet, "print only the outcome line");
  std::string scenario;
  run->add_option("--scenario", scenario,
                  "run a scenario file (options, fault schedule, expected outcome); only --seed, "
                  "--trace, --history, --save-schedule and --quiet may be given with it");
  std::string schedule;
  run->add_option("--schedule", schedule,
                  "replay a recorded schedule (from --save-schedule or shrink) and say whether "
                  "it has the recorded outcome; only --trace, --history, --save-schedule and "
                  "--quiet may be given with it");
  run->add_option("--save-schedule", run_options.save_schedule,
                  "write the run's faults and network decisions to this file (a scenario that "
                  "replays the run: run --schedule FILE)");

  std::string replay_path;
  bool replay_quiet = false;
  CLI::App* replay = app.add_subcommand("replay", "re-run a trace and verify every event");
  replay->add_option("trace", replay_path, "the trace file to replay")->required();
  replay->add_flag("--quiet", replay_quiet, "print only the outcome line");

  RunOptions soak_run;
  ParamFlags soak_params;
  SoakOptions soak_options;
  CLI::App* soak = app.add_subcommand("soak", "run many seeds in parallel processes");
  add_run_options(*soak, soak_run, soak_params);
  soak->add_option("--seeds", soak_options.seeds, "seed range FIRST..LAST or a single seed");
  soak->add_option("--jobs", soak_options.jobs, "parallel processes")->check(CLI::Range(1, 256));
  soak->add_flag("--stop-on-failure", soak_options.stop_on_failure, "stop at the first failure");
  soak->add_option("--summary", soak_options.summary, "write the JSON summary here");
  soak->add_option("--trace-dir", soak_options.trace_dir,
                   "re-run each failing seed with a trace written into this folder");
  soak->add_option(
      "--shard", soak_options.shard,
      "run shard I/N: seed s goes to shard ((s - FIRST) mod N) + 1 (soak-merge joins them)");
  soak->add_option("--junit", soak_options.junit, "write a JUnit XML report here too");
  soak->add_option("--shrink", soak_options.shrink,
                   "shrink each failing seed into this folder (DIR/seed-N: schedule, trace, "
                   "report)");
  soak->add_option("--shrink-budget-s", soak_options.shrink_budget_s,
                   "wall-time budget of each shrink")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  SoakMergeOptions merge_options;
  CLI::App* merge = app.add_subcommand("soak-merge", "merge the summaries of soak --shard I/N");
  merge->add_option("summaries", merge_options.summaries, "the shards' summaries")->required();
  merge->add_option("-o,--output", merge_options.output, "write the merged summary here")
      ->capture_default_str();
  merge->add_option("--junit", merge_options.junit, "write a JUnit XML report here too");
  merge->add_flag("--partial", merge_options.partial,
                  "merge even if shards are missing or incomplete (marked partial)");

  BenchOptions bench_options;
  CLI::App* bench = app.add_subcommand("bench", "measure simulator and TRAINS speed and memory");
  bench->add_option("--sizes", bench_options.sizes,
                    "ring sizes (comma separated), or trains, trains-memory, trains-sweep");
  bench->add_option("--messages", bench_options.messages, "token messages per measurement")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{1'000'000'000}));
  bench->add_option("--repeats", bench_options.repeats, "repeats per row (median reported)")
      ->check(CLI::Range(1, 99));
  bench->add_option("--big-ring", bench_options.big_ring, "nodes of the memory run (0: skip)")
      ->check(CLI::Range(0U, 1'000'000U));

  std::string bugs_protocol;
  CLI::App* bugs = app.add_subcommand("bugs", "list the bugs that can be planted with --bug");
  bugs->add_option("--protocol", bugs_protocol, "only this protocol's bugs");
  bool bugs_measure = false;
  std::string bugs_seeds = "1..20";
  std::int64_t bugs_time_ms = 500;
  bugs->add_flag("--measure", bugs_measure,
                 "run every bug on swarm seeds: the share that catches it, and the clean seeds a "
                 "fix needs at 95% confidence");
  bugs->add_option("--seeds", bugs_seeds, "--measure: seeds FIRST..LAST")->capture_default_str();
  bugs->add_option("--time-ms", bugs_time_ms, "--measure: the safety phase of each run")
      ->capture_default_str();
  app.add_subcommand("protocols", "list the protocols, their modes, workloads and options");

  CheckHistoryOptions check_options;
  CLI::App* check = app.add_subcommand(
      "check-history", "is a client history linearizable? (railyard JSON Lines or Jepsen EDN)");
  check->add_option("history", check_options.path, "the history file")->required();
  check->add_option("--model", check_options.model, "auto, register or kv")
      ->check(CLI::IsMember({"auto", "register", "kv"}))
      ->capture_default_str();
  check
      ->add_option("--budget-ms", check_options.budget_ms,
                   "wall-time budget of the search (0: none); past it the verdict is unknown")
      ->capture_default_str();
  check->add_option("--steps-max", check_options.steps_max,
                    "search-step budget (0: none): reproducible where wall time is not");
  check->add_flag("--quiet", check_options.quiet, "print only the verdict");
  const auto run_export = add_export_command(app);
  const auto run_shrink = add_shrink_command(app);
  const auto run_view = add_view_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::string where;
    for (const CLI::App* sub : app.get_subcommands())
      where = " (see railyard " + sub->get_name() + " --help)";
    if (where.empty()) where = " (see railyard --help)";
    return usage_error(e.what() + where);
  }
  if (!scenario.empty() && !schedule.empty()) {
    return usage_error("--schedule: give --scenario or --schedule, not both");
  }
  if (!schedule.empty() && run->count("--seed") > 0) {
    return usage_error("--seed: a schedule replays its own run (its seed is in the file)");
  }
  const bool as_schedule = !schedule.empty();
  if (as_schedule) scenario = schedule;
  if (run->parsed() && scenario.empty()) {
    if (auto problem = apply_params(run_params, run_options)) return usage_error(*problem);
  }
  if (soak->parsed()) {
    if (soak->count("--seed") > 0) {
      return usage_error("--seed: a soak runs --seeds FIRST..LAST (or --seeds N for one seed)");
    }
    if (auto problem = apply_params(soak_params, soak_run)) return usage_error(*problem);
  }

  if (run->parsed() && !scenario.empty()) {
    for (const OptionSpec& spec : option_table()) {
      if (spec.key != "seed" && run->count(std::string(spec.flag)) > 0) {
        return usage_error(std::string(spec.flag) + ": set it in the " +
                           (as_schedule ? "schedule" : "scenario") + "'s \"options\" (" + scenario +
                           "), not on the command line");
      }
    }
    if (!run_params.given.empty()) {
      return usage_error(run_params.given.begin()->first + ": set it in the scenario's " +
                         "\"options\" (" + scenario + "), not on the command line");
    }
    return command_run_scenario(scenario, run->count("--seed") > 0 ? &run_options : nullptr,
                                run_options, as_schedule);
  }
  if (run->parsed()) return command_run(run_options);
  if (replay->parsed()) return command_replay(replay_path, replay_quiet);
  if (soak->parsed()) return command_soak(soak_run, soak_options);
  if (merge->parsed()) return command_soak_merge(merge_options);
  if (bench->parsed()) return command_bench(bench_options);
  if (bugs->parsed() && bugs_measure) {
    return command_bugs_measure(bugs_protocol, bugs_seeds, bugs_time_ms);
  }
  if (bugs->parsed()) return command_bugs(bugs_protocol);
  if (check->parsed()) return command_check_history(check_options);
  if (const int code = run_export(); code >= 0) return code;
  if (const int code = run_shrink(); code >= 0) return code;
  if (const int code = run_view(); code >= 0) return code;
  return command_protocols();
}

}  // namespace ry
