// `railyard soak`: many seeds, each in its own forked process (an assertion failure kills one
// seed, not the soak), `--jobs` at a time. A live progress line, the reproducing command of
// every failing seed, a JSON summary, and exit 1 if any seed failed.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "tools/cli/commands.hpp"
#include "tools/cli/junit.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/cli/shard.hpp"
#include "tools/cli/soak_summary.hpp"
#include "tools/engine/interrupt.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {

namespace {

struct SeedRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

std::optional<SeedRange> parse_seeds(const std::string& text) {
  // Digits only (no sign, no space), and the value must fit: from_chars refuses the rest.
  auto parse = [](const std::string& s, std::uint64_t& out) {
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && error == std::errc{} && end == s.data() + s.size();
  };
  SeedRange r;
  const auto dots = text.find("..");
  if (dots == std::string::npos) {
    if (!parse(text, r.first)) return std::nullopt;
    r.last = r.first;
  } else if (!parse(text.substr(0, dots), r.first) || !parse(text.substr(dots + 2), r.last)) {
    return std::nullopt;
  }
  if (r.last < r.first) return std::nullopt;
  return r;
}

// What a child reports through its pipe: fixed-size, so one read gets it whole.
struct ChildReport {
  int outcome = 0;
  std::uint64_t steps = 0;
  std::uint64_t checks = 0;
  FaultCounts faults{};
  char property[64] = {};
  char detail[400] = {};
};

struct Running {
  std::uint64_t seed;
  int fd;
};

// After the report, the run's coverage (tools/engine/coverage.hpp): two counts, then the states
// and the transitions. Coverage::max_entries keeps it within the pipe's buffer, which must hold
// everything: the parent reads only once the child has exited.
bool write_coverage(int fd, const Coverage& c) {
  std::vector<std::uint64_t> words{c.states.size(), c.transitions.size()};
  words.insert(words.end(), c.states.begin(), c.states.end());
  for (const auto& [a, b] : c.transitions) {
    words.push_back(a);
    words.push_back(b);
  }
  const auto bytes = static_cast<ssize_t>(words.size() * sizeof(std::uint64_t));
  return write(fd, words.data(), static_cast<std::size_t>(bytes)) == bytes;
}

bool read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = read(fd, p, size);
    if (got <= 0) return false;
    p += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

bool read_coverage(int fd, Coverage& c) {
  std::uint64_t counts[2] = {};
  if (!read_all(fd, counts, sizeof counts)) return false;
  if (counts[0] > Coverage::max_entries || counts[1] > Coverage::max_entries) return false;
  c.states.resize(counts[0]);
  std::vector<std::uint64_t> pairs(2 * counts[1]);
  if (!read_all(fd, c.states.data(), c.states.size() * sizeof(std::uint64_t)) ||
      !read_all(fd, pairs.data(), pairs.size() * sizeof(std::uint64_t))) {
    return false;
  }
  for (std::size_t i = 0; i < counts[1]; ++i)
    c.transitions.emplace_back(pairs[2 * i], pairs[2 * i + 1]);
  return true;
}

void run_child(RunOptions options, int fd) {
  install_interrupt_handlers();  // the parent defers them; a child just stops
  options.quiet = true;
  const RunResult r = simulate_any(options, nullptr);
  ChildReport report;
  report.outcome = static_cast<int>(r.outcome);
  report.steps = r.stats.steps;
  report.checks = r.checks;
  report.faults = r.fault_counts;
  std::string detail;
  std::string property = to_string(r.outcome);
  if (r.outcome == Outcome::violation) {
    property = r.violation.property;
    detail = r.violation.property + " at step " + std::to_string(r.violation.step) + ": " +
             r.violation.detail;
  } else if (r.outcome == Outcome::no_liveness || r.outcome == Outcome::halted) {
    detail = r.liveness_detail;
    if (r.outcome == Outcome::no_liveness) property = "liveness";
  }
  std::snprintf(report.property, sizeof report.property, "%s", property.c_str());
  std::snprintf(report.detail, sizeof report.detail, "%s", detail.c_str());
  const ssize_t written = write(fd, &report, sizeof report);
  const bool tail = write_coverage(fd, r.coverage);
  _exit(written == static_cast<ssize_t>(sizeof report) && tail
            ? exit_code(r.outcome)
            : static_cast<int>(Outcome::environment));
}

// Re-runs a failing seed in a child with its trace written to `dir`.
void trace_failure(RunOptions options, const std::string& dir) {
  options.trace = dir + "/seed-" + std::to_string(options.seed) + ".jsonl";
  options.quiet = true;
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    install_interrupt_handlers();  // an interrupted trace removes its PATH.tmp
    std::FILE* devnull = std::freopen("/dev/null", "w", stdout);
    (void)devnull;
    _exit(command_run(options));
  }
  if (pid <= 0) return;
  bool stopped = false;
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    if (interrupt_signal() != 0 && !stopped) {
      kill(pid, SIGTERM);
      stopped = true;
    }
  }
}

// Shrinks a failing seed in a child: DIR/seed-N/ gets its schedule, trace and report.
void shrink_failure(RunOptions options, const SoakOptions& soak) {
  const std::string out = soak.shrink + "/seed-" + std::to_string(options.seed);
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    install_interrupt_handlers();
    std::error_code error;
    std::filesystem::create_directories(out, error);
    std::FILE* report = std::freopen((out + "/shrink.txt").c_str(), "w", stdout);
    (void)report;
    _exit(shrink_run(options, out, soak.shrink_budget_s, true));
  }
  if (pid <= 0) return;
  int status = 0;
  bool stopped = false;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    if (interrupt_signal() != 0 && !stopped) {
      kill(pid, SIGTERM);
      stopped = true;
    }
  }
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::printf("  shrunk: %s/schedule.json%s (report: %s/shrink.txt)\n", out.c_str(),
              ok ? "" : " FAILED", out.c_str());
  std::fflush(stdout);
}

}  // namespace

int command_soak(RunOptions options, const SoakOptions& soak) {
  resolve(options);
  if (auto error = validate(options)) return usage_error(*error);
  const auto range = parse_seeds(soak.seeds);
  if (!range)
    return usage_error("--seeds: expected FIRST..LAST or one seed, got '" + soak.seeds + "'");
  if (!options.trace.empty()) return usage_error("--trace: use --trace-dir with soak");
  Shard shard;
  if (!soak.shard.empty()) {
    std::string error;
    const auto parsed = parse_shard(soak.shard, error);
    if (!parsed) return usage_error(error);
    shard = *parsed;
  }
  if (!soak.shrink.empty()) {
    // Like --trace-dir: made and checked now, not after minutes of soak.
    std::error_code error;
    std::filesystem::create_directories(soak.shrink, error);
    if (error || access(soak.shrink.c_str(), W_OK | X_OK) != 0) {
      return usage_error("--shrink: cannot write into '" + soak.shrink + "'");
    }
  }
  if (!soak.trace_dir.empty()) {
    // Made now, not when the first seed fails: a failing seed's trace must not be lost to a
    // missing folder after minutes of soak.
    std::error_code error;
    std::filesystem::create_directories(soak.trace_dir, error);
    if (error) {
      return usage_error("--trace-dir: cannot create '" + soak.trace_dir + "': " + error.message());
    }
    if (!std::filesystem::is_directory(soak.trace_dir, error)) {
      return usage_error("--trace-dir: '" + soak.trace_dir + "' is not a directory");
    }
    if (access(soak.trace_dir.c_str(), W_OK | X_OK) != 0) {
      return usage_error("--trace-dir: cannot write into '" + soak.trace_dir +
                         "': " + std::strerror(errno));
    }
  }
  if (auto problem = check_output_path(soak.summary)) return usage_error("--summary: " + *problem);
  if (!soak.junit.empty()) {
    if (auto problem = check_output_path(soak.junit)) return usage_error("--junit: " + *problem);
  }
  // Ctrl-C or SIGTERM: stop the seeds, then write the summary, marked interrupted.
  defer_interrupts();

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const bool tty = isatty(STDERR_FILENO) != 0;
  std::map<pid_t, Running> running;
  std::vector<SoakFailure> failures;
  std::vector<std::uint64_t> seeds_done;  // kept only to name them in an interrupted summary
  bool children_stopped = false;
  ShardSeeds next(range->first, range->last, shard);
  std::uint64_t done = 0;
  std::uint64_t steps = 0, checks = 0, halted = 0;
  std::int64_t cpu_us = 0;
  FaultCounts faults{};
  Coverage coverage;
  const std::uint64_t total = shard_seed_count(range->first, range->last, shard);
  bool stopping = false;
  double last_progress = 0;

  auto progress = [&](bool final_line) {
    const double t = elapsed();
    if (!final_line && !tty && t - last_progress < 5.0) return;
    last_progress = t;
    std::fprintf(stderr, "%ssoak: %llu/%llu seeds, %.1f seeds/s, %zu failed%s", tty ? "\r" : "",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 t > 0 ? static_cast<double>(done) / t : 0.0, failures.size(),
                 tty && !final_line ? "   " : "\n");
  };

  while (!running.empty() || (!stopping && !next.done())) {
    if (interrupt_signal() != 0) {
      stopping = true;
      // Seeds still running are not finished: stop them (they count as not run).
      if (!children_stopped) {
        for (const auto& [child_pid, child] : running) kill(child_pid, SIGTERM);
        children_stopped = true;
      }
    }
    while (!stopping && running.size() < static_cast<std::size_t>(soak.jobs) && !next.done()) {
      int fds[2];
      if (pipe(fds) != 0) {
        std::fprintf(stderr, "railyard: error: pipe: %s\n", std::strerror(errno));
        return static_cast<int>(Outcome::environment);
      }
      RunOptions seed_options = options;
      seed_options.seed = next.seed();
      std::fflush(stdout);
      std::fflush(stderr);
      const pid_t pid = fork();
      if (pid < 0) {
        std::fprintf(stderr, "railyard: error: fork: %s\n", std::strerror(errno));
        return static_cast<int>(Outcome::environment);
      }
      if (pid == 0) {
        close(fds[0]);
        run_child(seed_options, fds[1]);
      }
      close(fds[1]);
      running[pid] = Running{next.seed(), fds[0]};
      next.advance();
    }
    int status = 0;
    struct rusage usage {};
    const pid_t pid = wait4(-1, &status, 0, &usage);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const Running child = it->second;
    running.erase(it);
    cpu_us += (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000 + usage.ru_utime.tv_usec +
              usage.ru_stime.tv_usec;
    ChildReport report;
    const ssize_t got = read(child.fd, &report, sizeof report);
    Coverage seed_coverage;
    const bool reported =
        got == static_cast<ssize_t>(sizeof report) && read_coverage(child.fd, seed_coverage);
    close(child.fd);
    if (interrupt_signal() != 0 && !reported) continue;  // stopped by the interrupt: not run
    ++done;
    seeds_done.push_back(child.seed);
    if (reported) {
      steps += report.steps;
      checks += report.checks;
      for (std::size_t i = 0; i < faults.size(); ++i) faults[i] += report.faults[i];
      if (static_cast<Outcome>(report.outcome) == Outcome::halted) ++halted;
      coverage.merge(seed_coverage);
    }
    SoakFailure failure{child.seed, "", "", "", ""};
    if (!reported) {
      failure.kind = WIFSIGNALED(status) ? "crashed" : "no_report";
      failure.detail = WIFSIGNALED(status)
                           ? std::string("killed by signal ") + strsignal(WTERMSIG(status))
                           : "exit " + std::to_string(WEXITSTATUS(status));
    } else if (exit_code(static_cast<Outcome>(report.outcome)) != 0) {
      failure.kind = to_string(static_cast<Outcome>(report.outcome));
      failure.property = report.property;
      failure.detail = report.detail;
    }
    if (!failure.kind.empty()) {
      RunOptions seed_options = options;
      seed_options.seed = child.seed;
      if (failure.property.empty()) failure.property = failure.kind;
      failure.reproduce = reproduce_command(seed_options);
      if (tty) std::fprintf(stderr, "\n");
      std::printf("FAIL seed %llu: %s: %s\n  reproduce: %s --trace seed-%llu.jsonl\n",
                  static_cast<unsigned long long>(child.seed), failure.kind.c_str(),
                  failure.detail.c_str(), reproduce_command(seed_options).c_str(),
                  static_cast<unsigned long long>(child.seed));
      std::fflush(stdout);
      if (!soak.trace_dir.empty() && interrupt_signal() == 0) {
        trace_failure(seed_options, soak.trace_dir);
      }
      if (!soak.shrink.empty() && interrupt_signal() == 0) shrink_failure(seed_options, soak);
      failures.push_back(std::move(failure));
      if (soak.stop_on_failure) stopping = true;
    }
    progress(false);
  }
  progress(true);

  const double wall = elapsed();
  const int interrupted_by = interrupt_signal();
  SoakSummary summary;
  summary.interrupted = interrupted_by != 0;
  summary.build = RY_BUILD_ID_STRING;
  summary.protocol = options.protocol;
  summary.nodes = options.nodes;
  summary.faults = options.faults;
  summary.swarm = options.swarm;
  summary.seeds_first = range->first;
  summary.seeds_last = range->last;
  if (!soak.shard.empty()) summary.shard = shard;
  summary.stop_on_failure = soak.stop_on_failure;
  summary.seeds_run = done;
  summary.halted = halted;
  summary.steps = steps;
  summary.checks = checks;
  summary.fault_counts = faults;
  summary.failures = failures;
  summary.coverage = coverage;
  if (interrupted_by != 0) {
    // Which seeds finished, as ranges: with --jobs > 1 they need not be one range.
    std::sort(seeds_done.begin(), seeds_done.end());
    for (std::size_t i = 0; i < seeds_done.size();) {
      std::size_t k = i;
      while (k + 1 < seeds_done.size() && seeds_done[k + 1] == seeds_done[k] + 1) ++k;
      summary.seeds_done.emplace_back(seeds_done[i], seeds_done[k]);
      i = k + 1;
    }
  }
  summary.run_options = to_json(options);
  summary.wall_ms = static_cast<std::int64_t>(wall * 1000);
  summary.cpu_ms = cpu_us / 1000;
  std::string write_error;
  if (!write_output_file(soak.summary, to_json(summary), "summary", write_error) ||
      (!soak.junit.empty() &&
       !write_output_file(soak.junit, junit_xml(summary), "JUnit report", write_error))) {
    std::fprintf(stderr, "railyard: error: %s\n", write_error.c_str());
    return static_cast<int>(Outcome::environment);
  }
  std::string fault_text;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if (faults[i] == 0) continue;
    fault_text += (fault_text.empty() ? "" : ", ") + std::to_string(faults[i]) + " " +
                  std::string(i < fault_kinds.size() ? fault_kinds[i] : "other");
  }
  std::printf(
      "soak: %llu seeds in %.1f s (%.1f seeds/s), %zu failed, %llu halted as expected\n"
      "soak: faults injected: %s\nsoak: summary %s\n",
      static_cast<unsigned long long>(done), wall,
      wall > 0 ? static_cast<double>(done) / wall : 0.0, failures.size(),
      static_cast<unsigned long long>(halted), fault_text.empty() ? "none" : fault_text.c_str(),
      soak.summary.c_str());
  if (!coverage.empty()) std::printf("%s\n", coverage_line(coverage).c_str());
  if (interrupted_by != 0) {
    std::printf("soak: interrupted by %s after %llu seeds\n",
                interrupted_by == SIGINT ? "SIGINT" : "SIGTERM",
                static_cast<unsigned long long>(done));
    return interrupted_exit_code(interrupted_by);
  }
  return failures.empty() ? 0 : static_cast<int>(Outcome::violation);
}

}  // namespace ry
