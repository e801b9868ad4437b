// Everything that defines a run: the same options for `run`, `soak` (applied to every seed) and
// the trace header that `replay` rebuilds a run from. A run is a pure function of these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/ids.hpp"
#include "sim/network_script.hpp"
#include "tools/engine/schedule.hpp"

namespace ry {

struct RunOptions {
  std::string protocol = "trains";
  std::string mode;  // one of the protocol's modes; empty: its default (resolve())
  std::uint32_t nodes = 5;
  std::uint64_t seed = 1;
  std::string faults = "mild";      // none | mild | safety (simulation.hpp: safety_profile)
  std::int64_t time_ms = 1000;      // length of the safety phase, simulated
  std::int64_t liveness_ms = 2000;  // budget of the liveness phase, simulated
  bool swarm = false;  // the seed picks the fault kinds and how hard (tools/engine/swarm.hpp)

  // Network (unset: taken from the fault profile).
  std::int64_t latency_min_us = 50;
  std::int64_t latency_max_us = 150;
  std::optional<std::uint32_t> loss_ppm;
  std::optional<std::uint32_t> dup_ppm;
  bool fifo = false;
  std::optional<std::int64_t> drift_ppm_max;  // clock drift drawn in [-max, max] per node

  // Clients (sim/clients.hpp), for protocols that take them.
  std::string workload;  // one of the protocol's workloads; empty: its default
  // broadcast: clients 0..n-1, one per node; kv: any number. 0: the workload's default (broadcast:
  // min(5, nodes); kv: 5).
  std::uint32_t clients = 0;
  std::int64_t interval_us = 2000;  // broadcast: mean time between two; kv: mean think time
  std::uint32_t payload_bytes = 64;
  std::uint32_t keys = 5;                    // kv: keys k0..k(n-1)
  std::int64_t client_timeout_us = 100'000;  // kv: how long a client waits before it retries

  std::vector<std::string> bugs;

  // The chosen protocol's own options (its descriptor's ParamSpecs) by key, every one filled in
  // by resolve(). Read them with param().
  std::map<std::string, std::int64_t, std::less<>> params;

  // A scripted fault schedule (from a scenario file or a trace header). Part of the run's
  // identity but not a flag: it is written into the trace header when not empty.
  Schedule schedule;
  // A recorded run (tools/engine/schedule_file.hpp): the seeded nemesis is off (every fault is in
  // `schedule`) and the network loses and duplicates exactly the sends in `network`, until the
  // run leaves them (sim/network_script.hpp). Written into the trace header when set.
  bool scripted = false;
  std::vector<LinkDecision> network;

  // Not part of the run's identity.
  std::string scenario;  // the file the options came from, for the reproduce command
  std::string trace;
  std::string history;  // write the client history here (traces/HISTORY.md)
  bool record = false;  // write down the run's faults and network decisions (RunResult::recorded)
  std::string save_schedule;  // and write them here as a schedule file (schedule_file.hpp)
  bool quiet = false;
  // Also run the protocol's naive reference beside every node and compare (tools/protocols/
  // trains/reference_check.hpp). Checking only: the run's events are the same without it.
  bool reference = false;
  // The bounded-progress checker (invariants/progress/), on by default where a protocol arms it;
  // off only to show what a soak without it misses.
  bool progress_check = true;

  // A protocol option's value (asserted to be one of the chosen protocol's, resolved).
  [[nodiscard]] std::int64_t param(std::string_view key) const;
  [[nodiscard]] bool has_bug(std::string_view name) const;
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

// Which protocols an option means something to: all, those with modes, those with clients.
enum class OptionScope : std::uint8_t { any, modes, clients };

struct OptionSpec {
  std::string_view key;
  std::string_view flag;
  std::string_view help;
  OptionField field;
  OptionScope scope = OptionScope::any;
};

std::span<const OptionSpec> option_table();

// Fills the unset values: the fault profile's network, the protocol's default mode and workload,
// its options' defaults. Idempotent; call it after validate_protocol() succeeded.
void resolve(RunOptions& options);

// The protocol is known and every option given belongs to it (checked before resolve()).
std::optional<std::string> validate_protocol(const RunOptions& options);

// One line naming the offending field, or nothing if the options describe a possible run.
std::optional<std::string> validate(const RunOptions& options);

// The resolved options as one JSON object (stable key order), for the trace header: the generic
// options, then the chosen protocol's own. Workload options only for protocols with clients.
std::string to_json(const RunOptions& options);

// The command line that reproduces a run.
std::string reproduce_command(const RunOptions& options);

}  // namespace ry
