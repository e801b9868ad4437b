// `railyard replay TRACE`: re-runs the trace's header (configuration and seed) and checks that
// every event line comes out byte for byte the same; at the first difference it prints both
// sides and exits 4 (README.md, "Traces").
#include <cstdio>
#include <string>

#include "tools/cli/commands.hpp"
#include "tools/engine/json_source.hpp"
#include "tools/engine/options_json.hpp"
#include "tools/engine/simulation.hpp"
#include "traces/trace_reader.hpp"

namespace ry {

int command_replay(const std::string& path, bool quiet) {
  TraceReader reader(path);
  if (!reader.error().empty()) {
    std::fprintf(stderr, "railyard: error: %s\n", reader.error().c_str());
    return static_cast<int>(reader.io_error() ? Outcome::environment : Outcome::usage);
  }
  std::string error;
  auto options =
      options_from_json(reader.header()["config"], JsonSource(path, 1), "/config", error);
  if (!options) return usage_error(error);
  if (reader.header().value("build", "") != RY_BUILD_ID_STRING) {
    std::fprintf(stderr,
                 "railyard: note: trace written by %s, replaying with %s; a divergence may come "
                 "from a code change rather than nondeterminism\n",
                 reader.header().value("build", "?").c_str(), RY_BUILD_ID_STRING);
  }

  std::string expected;
  std::string diverged_expected;
  std::string diverged_actual;
  std::uint64_t diverged_line = 0;
  bool ended_early = false;
  bool header_seen = false;
  // Compares one replayed line with the next recorded one; false at the first difference.
  auto compare = [&](std::string_view actual) {
    if (!reader.next_line(expected)) {
      ended_early = true;
      diverged_line = reader.line_number() + 1;
      diverged_actual = actual;
      return false;
    }
    if (expected == actual) return true;
    diverged_line = reader.line_number();
    diverged_expected = expected;
    diverged_actual = actual;
    return false;
  };
  TraceTarget target{[&](std::string_view lines) {
                       // The header comes alone and was already read and checked above.
                       if (!header_seen) {
                         header_seen = true;
                         return true;
                       }
                       while (!lines.empty()) {
                         const std::size_t end = lines.find('\n');
                         if (!compare(lines.substr(0, end))) return false;
                         lines.remove_prefix(end + 1);
                       }
                       return true;
                     },
                     nullptr,
                     {}};
  const RunResult result = simulate_any(*options, &target);

  if (diverged_line != 0) {
    std::printf("replay %s: DIVERGED at line %llu\n", path.c_str(),
                static_cast<unsigned long long>(diverged_line));
    std::printf("  recorded  %s\n", ended_early ? "(end of trace)" : diverged_expected.c_str());
    std::printf("  replayed  %s\n", diverged_actual.c_str());
    return static_cast<int>(Outcome::nondeterminism);
  }
  if (reader.next_line(expected)) {
    std::printf("replay %s: DIVERGED at line %llu: the recorded trace has more events\n",
                path.c_str(), static_cast<unsigned long long>(reader.line_number()));
    std::printf("  recorded  %s\n", expected.c_str());
    return static_cast<int>(Outcome::nondeterminism);
  }
  if (!quiet) {
    std::printf("replay %s: identical: %llu events, stream hash %016llx, outcome %s\n",
                path.c_str(), static_cast<unsigned long long>(result.trace_events),
                static_cast<unsigned long long>(result.trace_hash), to_string(result.outcome));
  }
  return 0;
}

}  // namespace ry
