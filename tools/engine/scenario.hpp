// A scenario file: a named run (options, workload, a timed fault schedule) and the outcome it
// must have. `railyard run --scenario FILE` passes only when the observed outcome is the
// expected one, so a scenario that plants a bug and expects its violation is a regression test
// for the checker that must catch it. Format: scenarios/README.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"

namespace ry {

struct Expectation {
  Outcome outcome = Outcome::passed;  // passed, halted, no_liveness or violation
  std::string property;               // violation: the property that must be reported (or any)
};

struct Scenario {
  std::string name;
  std::string description;
  RunOptions options;
  Expectation expect;
};

// Reads and checks a scenario file. On error returns nullopt and sets `error` to one line naming
// the file, line and field; `io_error` tells an unreadable file from a malformed one.
std::optional<Scenario> load_scenario(const std::string& path, std::string& error, bool& io_error);
// The same, from the text of the file (`path` only names it in errors; never an I/O error).
std::optional<Scenario> parse_scenario(const std::string& path, std::string_view text,
                                       std::string& error);

// Nothing if `result` is what `expect` asks for, else one line saying what differs.
std::optional<std::string> mismatch(const Expectation& expect, const RunResult& result);

// An outcome as `expect.outcome` spells it: "pass", "halt", "no_liveness", "violation".
const char* outcome_name(Outcome outcome);

// "pass", "halt", "no_liveness", "violation of total_order".
std::string describe(const Expectation& expect);

}  // namespace ry
