// `railyard bench`: simulator speed and memory on the `ring` workload (the same as
// ../shared/bench/sg_ring.cpp: a token passed round N nodes, 50 us links, no faults), with all
// checkers on, tracing off and on. Each measurement runs in its own child process so its peak
// memory is its own; rows report the median of --repeats runs.
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

#include "tools/commands.hpp"
#include "tools/simulation.hpp"

namespace ry {

namespace {

struct Sample {
  double wall_ns = 0;
  std::uint64_t messages = 0;
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
  o.ring_retransmit_us = 0;  // like SimGrid's put/get: no acks
  o.ring_persist = false;
  o.laps = std::max<std::uint64_t>(1, messages / nodes);
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
      target.emplace(TraceTarget{[&](std::string_view line) { return file->write(line); }, &*file});
    }
    const auto start = std::chrono::steady_clock::now();
    const RunResult r = simulate_any(options, target ? &*target : nullptr);
    const double wall =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    if (file) file->discard();
    Sample s{wall, r.stats.arrivals, 0, r.outcome == Outcome::passed};
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

}  // namespace

int command_bench(const BenchOptions& bench) {
  std::vector<std::uint32_t> sizes;
  std::stringstream list(bench.sizes);
  for (std::string item; std::getline(list, item, ',');) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos ||
        item.size() > 7) {
      return usage_error("--sizes: expected comma-separated node counts, got '" + bench.sizes +
                         "'");
    }
    const auto n = static_cast<std::uint32_t>(std::stoul(item));
    if (n < 2) return usage_error("--sizes: a ring needs at least 2 nodes");
    sizes.push_back(n);
  }

  std::printf(
      "railyard bench: ring, %llu token messages per run, median of %d runs, checkers on\n\n",
      static_cast<unsigned long long>(bench.messages), bench.repeats);
  std::printf(
      "| N | messages | trace off ns/msg | trace off msgs/s | trace on ns/msg | on/off | peak RSS "
      "(MiB) |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  bool all_ok = true;
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
  if (bench.big_ring > 0) {
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
