// Everything that defines a run: the same options for `run`, `soak` (applied to every seed) and
// the trace header that `replay` rebuilds a run from. A run is a pure function of these.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/bugs.hpp"
#include "protocol/common/ids.hpp"
#include "tools/engine/schedule.hpp"

namespace ry {

struct RunOptions {
  std::string protocol = "trains";
  std::uint32_t nodes = 5;
  std::uint64_t seed = 1;
  std::string faults = "mild";      // none | mild
  std::int64_t time_ms = 1000;      // length of the safety phase, simulated
  std::int64_t liveness_ms = 2000;  // budget of the liveness phase, simulated
  bool swarm = false;               // the seed picks the fault kinds and how hard (tools/swarm.hpp)

  // Network (unset: taken from the fault profile).
  std::int64_t latency_min_us = 50;
  std::int64_t latency_max_us = 150;
  std::optional<std::uint32_t> loss_ppm;
  std::optional<std::uint32_t> dup_ppm;
  bool fifo = false;
  std::optional<std::int64_t> drift_ppm_max;  // clock drift drawn in [-max, max] per node

  // trains
  std::uint32_t trains = 2;         // K: train slots, issuers 0..K-1
  std::string mode = "to";          // uto | to
  std::uint32_t clients = 5;        // nodes 0..clients-1 broadcast (capped at nodes)
  std::int64_t interval_us = 2000;  // mean time between two broadcasts of one client
  std::uint32_t payload_bytes = 64;
  std::int64_t link_retransmit_us = 5000;
  std::int64_t issuer_stagger_us = 0;  // issuers start at seeded times in [0, this]

  // ring
  std::uint64_t laps = 0;  // 0: until the phase ends
  std::int64_t ring_retransmit_us = 1000;
  bool ring_persist = true;

  std::vector<std::string> bugs;

  // A scripted fault schedule (from a scenario file or a trace header). Part of the run's
  // identity but not a flag: it is written into the trace header when not empty.
  Schedule schedule;

  // Not part of the run's identity.
  std::string scenario;  // the file the options came from, for the reproduce command
  std::string trace;
  bool quiet = false;
};

// One run option: its key in JSON (the trace header's config), its command-line flag, its help
// line, and the field it sets. option_table() is the only list of run options: the command
// line, the trace header, the JSON reader and the reproduce command are all made from it, and
// validate() holds every bound.
using OptionField =
    std::variant<std::string RunOptions::*, bool RunOptions::*, std::uint32_t RunOptions::*,
                 std::uint64_t RunOptions::*, std::int64_t RunOptions::*,
                 std::optional<std::uint32_t> RunOptions::*,
                 std::optional<std::int64_t> RunOptions::*, std::vector<std::string> RunOptions::*>;

struct OptionSpec {
  std::string_view key;
  std::string_view flag;
  std::string_view help;
  OptionField field;
};

std::span<const OptionSpec> option_table();

// Fills the unset values from the fault profile. Idempotent.
void resolve(RunOptions& options);

// One line naming the offending field, or nothing if the options describe a possible run.
std::optional<std::string> validate(const RunOptions& options);

BugSet bug_set(const RunOptions& options);
// Whether `bug` is compiled into `protocol` (or its checkers) yet.
bool bug_planted(Bug bug, const std::string& protocol);

// The resolved options as one JSON object (stable key order), for the trace header.
std::string to_json(const RunOptions& options);

// The command line that reproduces a run.
std::string reproduce_command(const RunOptions& options);

}  // namespace ry
