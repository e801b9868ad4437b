// `railyard bench`: simulator speed and memory, all checkers on, tracing off and on. Each
// measurement runs in its own child process so its peak memory is its own; rows report the
// median of --repeats runs. `--sizes` lists ring sizes (the `ring` workload, the same as
// ../shared/bench/sg_ring.cpp: a token passed round N nodes, 50 us links, no faults) and/or
// TRAINS modes:
//   trains         the benchmark: 5 nodes, K=2, 10,000 broadcasts of 64 bytes, no
//                  faults, 50 us links: wall time, simulated/wall, ns per message and per train
//                  hop, peak RSS;
//   trains-memory  peak RSS after 100,000 and 1,000,000 broadcasts, without faults and with
//                  churn (memory must stay flat);
//   trains-sweep   saturated throughput for N = 3, 5, 8, 12 and K = 1, 2 against the model
//                  K x B / 2N hops of trains-rust's published figures.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tools/cli/commands.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {

namespace {

struct Sample {
  double wall_ns = 0;
  std::uint64_t messages = 0;  // arrivals
  std::uint64_t deliveries = 0;
  Nanos sim_ns = 0;
  std::uint64_t faults = 0;  // injected faults and heals
  long peak_kib = 0;
  bool ok = false;
};

RunOptions bench_options(std::uint32_t nodes, std::uint64_t messages) {
  RunOptions o;
  o.protocol = "ring";
  o.nodes = nodes;
  o.seed = 1;
  o.faults = "none";
  o.latency_min_us = 50;
  o.latency_max_us = 50;
  o.params["ring_retransmit_us"] = 0;  // like SimGrid's put/get: no acks
  o.params["ring_persist"] = 0;
  o.params["laps"] = static_cast<std::int64_t>(std::max<std::uint64_t>(1, messages / nodes));
  o.time_ms = 86'400'000;
  o.liveness_ms = 1;
  resolve(o);
  return o;
}

// Runs one measurement in a child; the child reports wall time and message count by pipe.
Sample measure(const RunOptions& options, bool traced) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::optional<TraceFile> file;
    std::optional<TraceTarget> target;
    if (traced) {
      const char* dir = std::getenv("TMPDIR");
      file.emplace(std::string(dir != nullptr ? dir : "/tmp") + "/railyard-bench-" +
                   std::to_string(getpid()) + ".jsonl");
      target.emplace(
          TraceTarget{[&](std::string_view line) { return file->write(line); }, &*file, {}});
    }
    const auto start = std::chrono::steady_clock::now();
    const RunResult r = simulate_any(options, target ? &*target : nullptr);
    const double wall =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    if (file) file->discard();
    Sample s{wall,
             r.stats.arrivals,
             r.stats.deliveries,
             r.sim_end.ns,
             r.stats.faults,
             0,
             r.outcome == Outcome::passed};
    _exit(write(fds[1], &s, sizeof s) == static_cast<ssize_t>(sizeof s) ? 0 : 1);
  }
  close(fds[1]);
  Sample s;
  if (pid < 0 || read(fds[0], &s, sizeof s) != static_cast<ssize_t>(sizeof s)) s.ok = false;
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  if (pid > 0) wait4(pid, &status, 0, &usage);
  s.peak_kib = usage.ru_maxrss;
  return s;
}

Sample median(std::vector<Sample> samples) {
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.wall_ns < b.wall_ns; });
  return samples[samples.size() / 2];
}

// TRAINS, fixed 50 us links, every node a client: `broadcasts` of `payload` bytes spread evenly
// over the safety phase (the workload's mean interval is exact on average); no faults unless
// `faults` names a profile.
RunOptions trains_options(std::uint32_t nodes, std::uint32_t trains, std::uint64_t broadcasts,
                          std::int64_t time_ms, std::uint32_t payload,
                          const std::string& faults = "none") {
  RunOptions o;
  o.protocol = "trains";
  o.nodes = nodes;
  o.params["trains"] = trains;
  o.clients = nodes;
  o.seed = 1;
  o.faults = faults;
  o.latency_min_us = 50;
  o.latency_max_us = 50;
  o.payload_bytes = payload;
  o.time_ms = time_ms;
  o.interval_us = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(nodes) * time_ms * 1000 / static_cast<std::int64_t>(broadcasts));
  o.liveness_ms = 60'000;
  resolve(o);
  return o;
}

double per(double wall_ns, std::uint64_t count) {
  return wall_ns / static_cast<double>(std::max<std::uint64_t>(count, 1));
}

// The benchmark (trains-rust's published figures's setting): 5 nodes, K=2, 10,000
// broadcasts of 64 bytes in one simulated second. A train hop is a train plus its link ack, so
// train hops are half the messages.
bool bench_trains(int repeats) {
  const RunOptions o = trains_options(5, 2, 10'000, 1000, 64);
  std::printf(
      "railyard bench trains: 5 nodes, K=2, 10,000 broadcasts of 64 B, no faults, 50 us links, "
      "all checkers on, median of %d runs\n\n",
      repeats);
  std::printf(
      "| trace | wall (ms) | simulated/wall | messages | ns/message | ns/train hop | deliveries "
      "| peak RSS (MiB) |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const bool traced : {false, true}) {
    std::vector<Sample> samples;
    for (int i = 0; i < repeats; ++i) samples.push_back(measure(o, traced));
    const Sample m = median(samples);
    ok = ok && m.ok;
    std::printf("| %s | %.1f | %.1fx | %llu | %.0f | %.0f | %llu | %.1f |\n", traced ? "on" : "off",
                m.wall_ns / 1e6, static_cast<double>(m.sim_ns) / m.wall_ns,
                static_cast<unsigned long long>(m.messages), per(m.wall_ns, m.messages),
                per(m.wall_ns, m.messages / 2), static_cast<unsigned long long>(m.deliveries),
                static_cast<double>(m.peak_kib) / 1024.0);
    std::fflush(stdout);
  }
  return ok;
}

// Memory over a long run: the checkers and the cores must keep only in-flight work, so the peak
// RSS after 1,000,000 broadcasts should match the one after 100,000, without faults and with
// churn (the mild profile: crashes and restarts with state transfer, pauses, link cuts, clock
// jumps, loss and duplication).
bool bench_trains_memory() {
  std::printf(
      "\nrailyard bench trains-memory: 5 nodes, K=2, 64 B broadcasts at 10,000 per simulated "
      "second, all checkers on, trace off\n\n");
  std::printf(
      "| faults | broadcasts | simulated (s) | faults injected | deliveries | wall (s) | "
      "ns/train hop | peak RSS (MiB) |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const char* faults : {"none", "mild"}) {
    for (const std::uint64_t broadcasts : {std::uint64_t{100'000}, std::uint64_t{1'000'000}}) {
      const auto time_ms = static_cast<std::int64_t>(broadcasts / 10);
      const Sample m = measure(trains_options(5, 2, broadcasts, time_ms, 64, faults), false);
      ok = ok && m.ok;
      std::printf("| %s | %llu | %.0f | %llu | %llu | %.2f | %.0f | %.1f |\n", faults,
                  static_cast<unsigned long long>(broadcasts), static_cast<double>(m.sim_ns) / 1e9,
                  static_cast<unsigned long long>(m.faults),
                  static_cast<unsigned long long>(m.deliveries), m.wall_ns / 1e9,
                  per(m.wall_ns, m.messages / 2), static_cast<double>(m.peak_kib) / 1024.0);
      std::fflush(stdout);
    }
  }
  return ok;
}

// Saturated throughput against trains-rust's published figures's model: a key costs 2N hops, so K
// trains of B payloads each deliver K x B / (2N x hop latency) messages per second. B is the
// byte bound (64 KiB) over the payload size (1 KiB): 64. The offered load is 1.5 times the model,
// so every train leaves full; the run's throughput is deliveries per node over the whole
// simulated time (the backlog drains at full trains once the clients stop).
bool bench_trains_sweep() {
  constexpr std::uint32_t payload = 1024;
  constexpr double b = 64.0 * 1024.0 / payload;
  constexpr double hop_s = 50e-6;
  std::printf(
      "\nrailyard bench trains-sweep: saturated throughput, 1 KiB payloads (B = %.0f per train), "
      "50 us links, no faults, all checkers on\n\n",
      b);
  std::printf(
      "| N | K | model K*B/2N (msgs/s) | measured (msgs/s) | measured/model | simulated (ms) | "
      "wall "
      "(s) |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  bool ok = true;
  for (const std::uint32_t n : {3U, 5U, 8U, 12U}) {
    for (const std::uint32_t k : {1U, 2U}) {
      const double model = k * b / (2.0 * n * hop_s);
      const auto time_ms = static_cast<std::int64_t>(std::max(20.0, 40'000.0 / model * 1000.0));
      const auto offered =
          static_cast<std::uint64_t>(1.5 * model * static_cast<double>(time_ms) / 1000.0);
      const Sample m = measure(trains_options(n, k, offered, time_ms, payload), false);
      ok = ok && m.ok;
      const double measured =
          static_cast<double>(m.deliveries) / n / (static_cast<double>(m.sim_ns) / 1e9);
      std::printf("| %u | %u | %.0f | %.0f | %.2f | %.1f | %.2f |\n", n, k, model, measured,
                  measured / model, static_cast<double>(m.sim_ns) / 1e6, m.wall_ns / 1e9);
      std::fflush(stdout);
    }
  }
  return ok;
}

}  // namespace

int command_bench(const BenchOptions& bench) {
  std::vector<std::uint32_t> sizes;
  std::vector<std::string> trains_modes;
  std::stringstream list(bench.sizes);
  for (std::string item; std::getline(list, item, ',');) {
    if (item == "trains" || item == "trains-memory" || item == "trains-sweep") {
      trains_modes.push_back(item);
      continue;
    }
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos ||
        item.size() > 7) {
      return usage_error(
          "--sizes: expected comma-separated ring sizes or TRAINS modes (trains, trains-memory, "
          "trains-sweep), got '" +
          bench.sizes + "'");
    }
    const auto n = static_cast<std::uint32_t>(std::stoul(item));
    if (n < 2) return usage_error("--sizes: a ring needs at least 2 nodes");
    sizes.push_back(n);
  }

  bool all_ok = true;
  for (const std::string& mode : trains_modes) {
    if (mode == "trains") all_ok = bench_trains(bench.repeats) && all_ok;
    if (mode == "trains-memory") all_ok = bench_trains_memory() && all_ok;
    if (mode == "trains-sweep") all_ok = bench_trains_sweep() && all_ok;
  }
  if (!sizes.empty()) {
    std::printf(
        "railyard bench: ring, %llu token messages per run, median of %d runs, checkers on\n\n",
        static_cast<unsigned long long>(bench.messages), bench.repeats);
    std::printf(
        "| N | messages | trace off ns/msg | trace off msgs/s | trace on ns/msg | on/off | peak "
        "RSS (MiB) |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
  }
  for (std::uint32_t n : sizes) {
    const RunOptions o = bench_options(n, bench.messages);
    std::vector<Sample> off, on;
    for (int i = 0; i < bench.repeats; ++i) {
      off.push_back(measure(o, false));
      on.push_back(measure(o, true));
    }
    const Sample a = median(off);
    const Sample b = median(on);
    all_ok = all_ok && a.ok && b.ok;
    const double off_ns = a.wall_ns / static_cast<double>(std::max<std::uint64_t>(a.messages, 1));
    const double on_ns = b.wall_ns / static_cast<double>(std::max<std::uint64_t>(b.messages, 1));
    std::printf("| %u | %llu | %.0f | %.0f | %.0f | %.2fx | %.1f |\n", n,
                static_cast<unsigned long long>(a.messages), off_ns, 1e9 / off_ns, on_ns,
                on_ns / off_ns, static_cast<double>(a.peak_kib) / 1024.0);
    std::fflush(stdout);
  }
  if (bench.big_ring > 0 && !sizes.empty()) {  // with ring sizes only
    const RunOptions small = bench_options(3, 3 * 2);
    const RunOptions big = bench_options(bench.big_ring, std::uint64_t{bench.big_ring} * 2);
    const Sample s = measure(small, false);
    const Sample b = measure(big, false);
    all_ok = all_ok && s.ok && b.ok;
    const double per_node =
        static_cast<double>(b.peak_kib - s.peak_kib) * 1024.0 / static_cast<double>(bench.big_ring);
    std::printf(
        "\nbig ring: %u nodes, 2 laps (%llu messages) in %.2f s wall, peak RSS %.1f MiB, "
        "about %.0f bytes per node\n",
        bench.big_ring, static_cast<unsigned long long>(b.messages), b.wall_ns / 1e9,
        static_cast<double>(b.peak_kib) / 1024.0, per_node);
  }
  if (!all_ok) {
    std::fprintf(stderr, "railyard: error: a benchmark run did not pass\n");
    return static_cast<int>(Outcome::environment);
  }
  return 0;
}

}  // namespace ry
