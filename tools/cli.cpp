#include "tools/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "sim/verdict.hpp"
#include "tools/commands.hpp"

namespace ry {

int usage_error(const std::string& what) {
  std::fprintf(stderr, "railyard: error: %s\n", what.c_str());
  return static_cast<int>(Outcome::usage);
}

void add_run_options(CLI::App& app, RunOptions& o) {
  app.add_option("--protocol", o.protocol, "protocol to simulate: trains (default) or ring")
      ->check(CLI::IsMember({"ring", "trains"}));
  app.add_option("--nodes", o.nodes, "number of nodes")->check(CLI::Range(2, 1'000'000));
  app.add_option("--seed", o.seed, "the run's seed: same seed, same trace");
  app.add_option("--faults", o.faults, "fault profile: none or mild")
      ->check(CLI::IsMember({"none", "mild"}));
  app.add_option("--time-ms", o.time_ms, "simulated length of the safety phase (ms)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{86'400'000}));
  app.add_option("--liveness-ms", o.liveness_ms, "liveness budget after the heal (simulated ms)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{86'400'000}));
  app.add_option("--latency-min-us", o.latency_min_us, "minimum link latency (us)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{60'000'000}));
  app.add_option("--latency-max-us", o.latency_max_us, "maximum link latency (us)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{60'000'000}));
  app.add_option_function<std::uint32_t>(
         "--loss-ppm", [&o](const std::uint32_t& v) { o.loss_ppm = v; },
         "message loss, parts per million (default from --faults)")
      ->check(CLI::Range(0, 999'999));
  app.add_option_function<std::uint32_t>(
         "--dup-ppm", [&o](const std::uint32_t& v) { o.dup_ppm = v; },
         "message duplication, parts per million (default from --faults)")
      ->check(CLI::Range(0, 1'000'000));
  app.add_option_function<std::int64_t>(
         "--drift-ppm-max", [&o](const std::int64_t& v) { o.drift_ppm_max = v; },
         "per-node clock drift drawn in [-max, max] ppm (default from --faults)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{99'999}));
  app.add_flag("--fifo", o.fifo, "links never reorder");
  app.add_option("--trains", o.trains, "trains: K train slots (issuers 0..K-1)")
      ->check(CLI::Range(1U, 1'000'000U));
  app.add_option("--mode", o.mode, "trains: delivery mode, uto (static ring) or to")
      ->check(CLI::IsMember({"uto", "to"}));
  app.add_option("--clients", o.clients, "trains: nodes 0..clients-1 broadcast");
  app.add_option("--interval-us", o.interval_us, "trains: mean time between broadcasts of a client")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{3'600'000'000}));
  app.add_option("--payload-bytes", o.payload_bytes, "trains: bytes per broadcast")
      ->check(CLI::Range(1U, 65536U));
  app.add_option("--link-retransmit-us", o.link_retransmit_us,
                 "trains: link-layer retransmission timeout")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{60'000'000}));
  app.add_option("--issuer-stagger-us", o.issuer_stagger_us,
                 "trains: issuers start at seeded times in [0, this]")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{60'000'000}));
  app.add_option("--laps", o.laps, "ring: stop after this many laps (0: run the whole phase)");
  app.add_option("--ring-retransmit-us", o.ring_retransmit_us,
                 "ring: retransmission timeout (0: no acks, no retransmission)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{60'000'000}));
  app.add_option("--ring-persist", o.ring_persist,
                 "ring: write and sync each accepted hop before forwarding (true/false)");
  app.add_option("--bug", o.bugs, "plant a bug (repeatable; see `railyard bugs`)");
}

int run_cli(int argc, char** argv) {
  CLI::App app{"railyard: deterministic simulation and fault injection for distributed protocols"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");

  RunOptions run_options;
  CLI::App* run = app.add_subcommand("run", "run one seeded simulation");
  add_run_options(*run, run_options);
  run->add_option("--trace", run_options.trace, "write the JSON Lines trace to this file");
  run->add_flag("--quiet", run_options.quiet, "print only the outcome line");

  std::string replay_path;
  bool replay_quiet = false;
  CLI::App* replay = app.add_subcommand("replay", "re-run a trace and verify every event");
  replay->add_option("trace", replay_path, "the trace file to replay")->required();
  replay->add_flag("--quiet", replay_quiet, "print only the outcome line");

  RunOptions soak_run;
  SoakOptions soak_options;
  CLI::App* soak = app.add_subcommand("soak", "run many seeds in parallel processes");
  add_run_options(*soak, soak_run);
  soak->add_option("--seeds", soak_options.seeds, "seed range FIRST..LAST or a single seed");
  soak->add_option("--jobs", soak_options.jobs, "parallel processes")->check(CLI::Range(1, 256));
  soak->add_flag("--stop-on-failure", soak_options.stop_on_failure, "stop at the first failure");
  soak->add_option("--summary", soak_options.summary, "write the JSON summary here");
  soak->add_option("--trace-dir", soak_options.trace_dir,
                   "re-run each failing seed with a trace written into this folder");

  BenchOptions bench_options;
  CLI::App* bench = app.add_subcommand("bench", "measure simulator speed and memory (ring)");
  bench->add_option("--sizes", bench_options.sizes, "ring sizes, comma separated");
  bench->add_option("--messages", bench_options.messages, "token messages per measurement")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{1'000'000'000}));
  bench->add_option("--repeats", bench_options.repeats, "repeats per row (median reported)")
      ->check(CLI::Range(1, 99));
  bench->add_option("--big-ring", bench_options.big_ring, "nodes of the memory run (0: skip)")
      ->check(CLI::Range(0U, 1'000'000U));

  app.add_subcommand("bugs", "list the bugs that can be planted with --bug");

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

  if (run->parsed()) return command_run(run_options);
  if (replay->parsed()) return command_replay(replay_path, replay_quiet);
  if (soak->parsed()) return command_soak(soak_run, soak_options);
  if (bench->parsed()) return command_bench(bench_options);
  return command_bugs();
}

}  // namespace ry
