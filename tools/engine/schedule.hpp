// A scripted fault schedule: "at 100 ms partition {0,1}|{2,3,4}, at 400 ms heal, at 500 ms crash
// 3". Part of a run's identity (it is written into the trace header, so `replay` needs no
// scenario file), read from scenario files and trace headers, and played by a fiber during the
// safety phase (tools/simulation.hpp). The JSON form is documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry {

class JsonSource;
class Cluster;
class Fiber;

struct FaultStep {
  enum class Action : std::uint8_t {
    partition,    // shape + node / side / bridge / links
    heal,         // heal every cut, partition and clog
    clog,         // node -> peer held for duration, then released in a burst
    crash,        // node; with `moment`, at the next time its core reaches that moment
    restart,      // node
    pause,        // node stalls for duration
    clock_jump,   // node's clock moves by delta (either way)
    clock_drift,  // node's clock runs at ppm from now on
    disk,         // disk fault `disk` on node (slow: for duration)
  };
  Nanos at_ns = 0;
  Action action = Action::heal;
  std::string shape;  // partition: isolate | split | ring_cut | bridge | one_way | links
  std::uint32_t node = 0;
  std::uint32_t peer = 0;  // clog: the receiving end; bridge: the bridge node
  std::vector<std::uint32_t> side;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  Nanos duration_ns = 0;
  Nanos delta_ns = 0;
  std::int64_t ppm = 0;
  std::string moment;  // crash: a protocol moment (a note kind of the core)
  std::string disk;    // torn | corrupt | misdirect | slow
  friend bool operator==(const FaultStep&, const FaultStep&) = default;
};

using Schedule = std::vector<FaultStep>;

// Reads a schedule (a JSON array) for a run of `nodes` nodes of `protocol` whose safety phase
// lasts `time_ms` (a crash `moment` must be one the protocol has, tools/engine/moments.hpp). On
// error returns nullopt and sets `error` to "file:line: field 'x': what".
std::optional<Schedule> schedule_from_json(const nlohmann::json& array, std::uint32_t nodes,
                                           std::int64_t time_ms, std::string_view protocol,
                                           const JsonSource& source, const std::string& pointer,
                                           std::string& error);

// The schedule as a JSON array with a stable key order (for the trace header).
std::string schedule_to_json(const Schedule& schedule);

// One line for a person: "100 ms: partition {0,1}|{2,3,4}".
std::string describe(const FaultStep& step);

// Plays the schedule on `cluster`: sleeps until each step's time (from the run's start) and
// applies it. Runs inside a fiber; returns early if the run stops.
void play_schedule(const Schedule& schedule, Cluster& cluster, Fiber& fiber);

}  // namespace ry
