// `railyard bugs --measure`: how findable each planted bug is. Every bug (of one protocol, or
// all) runs on the same swarm seeds; the fraction of seeds that fail is its findability p, and
// ceil(ln 0.05 / ln(1 - p)) clean seeds are what a fix needs before it can be trusted at 95%
// confidence (were the bug still there, that many seeds would all pass with probability below
// 5%). The same seeds without any bug are the control: a failure there is the testbed's, not
// the bug's. Each run is a child process, as in soak, so that a bug that trips an assertion
// counts as caught instead of ending the measurement.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/cli/commands.hpp"
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {

namespace {

// Whether the run of `o` fails (a violation, no liveness, or a crash of the process).
bool fails(const RunOptions& o) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const RunResult r = simulate_any(o, nullptr);
    _exit(r.outcome == Outcome::violation || r.outcome == Outcome::no_liveness ? 1 : 0);
  }
  if (pid < 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

struct Found {
  std::uint64_t caught = 0;
  std::uint64_t first = 0;  // 0: none
};

Found measure(RunOptions o, std::uint64_t first, std::uint64_t last) {
  Found f;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    o.seed = seed;
    if (!fails(o)) continue;
    ++f.caught;
    if (f.first == 0) f.first = seed;
  }
  return f;
}

// Clean seeds a fix needs: (1 - p)^k < 0.05.
std::string seeds_to_trust(double p) {
  if (p <= 0) return "-";
  if (p >= 1) return "1";
  return std::to_string(static_cast<long long>(std::ceil(std::log(0.05) / std::log(1 - p))));
}

}  // namespace

int command_bugs_measure(const std::string& protocol, const std::string& seeds,
                         std::int64_t time_ms) {
  if (!protocol.empty() && find_protocol(protocol) == nullptr) {
    return usage_error("--protocol: unknown protocol '" + protocol + "' (expected " +
                       protocol_names() + ")");
  }
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (parse_step_window(seeds, first, last)) {
    return usage_error("--seeds: expected FIRST..LAST, got '" + seeds + "'");
  }
  if (time_ms < 1 || time_ms > 86'400'000) return usage_error("--time-ms: must be 1..86400000");
  const double n = static_cast<double>(last - first + 1);
  std::printf(
      "findability: swarm seeds %llu..%llu, --time-ms %lld; a seed catches a bug when it "
      "ends in a violation or no liveness\n",
      static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
      static_cast<long long>(time_ms));
  std::printf("%-14s %-6s %-10s %-8s %-10s %s\n", "protocol", "bug", "caught", "share",
              "first seed", "clean seeds to trust a fix (95%)");
  for (const ProtocolDescriptor* p : protocols()) {
    if ((!protocol.empty() && p->name != protocol) || p->bugs.empty()) continue;
    RunOptions base;
    base.protocol = std::string(p->name);
    base.swarm = true;
    base.time_ms = time_ms;
    resolve(base);
    if (auto problem = validate(base)) return usage_error(*problem);
    auto row = [&](std::string_view bug, const Found& f) {
      const double share = static_cast<double>(f.caught) / n;
      std::printf("%-14.*s %-6.*s %4llu/%-5.0f %6.1f%%  %-10s %s\n",
                  static_cast<int>(p->name.size()), p->name.data(), static_cast<int>(bug.size()),
                  bug.data(), static_cast<unsigned long long>(f.caught), n, 100 * share,
                  f.first == 0 ? "-" : std::to_string(f.first).c_str(),
                  bug == "none" ? "(control: must be 0)" : seeds_to_trust(share).c_str());
      std::fflush(stdout);
    };
    row("none", measure(base, first, last));
    for (const BugSpec& b : p->bugs) {
      RunOptions o = base;
      o.bugs = {std::string(b.name)};
      row(b.name, measure(o, first, last));
    }
  }
  return 0;
}

}  // namespace ry
