// A scripted fault schedule in JSON: "at 100 ms partition {0,1}|{2,3,4}, at 400 ms heal, at 500
// ms crash 3". The steps are sim/fault.hpp's FaultSteps. Part of a run's identity (it is written
// into the trace header, so `replay` needs no scenario file), read from scenario files, recorded
// schedules and trace headers, and played by a fiber during the safety phase
// (tools/engine/simulation.hpp). The JSON form is documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/common/ids.hpp"
#include "sim/fault.hpp"
#include "sim/network_script.hpp"

namespace ry {

class JsonSource;

// Reads a schedule (a JSON array) for a run of `nodes` nodes of `protocol` whose safety phase
// lasts `time_ms` (a crash `moment` must be one the protocol has, tools/engine/moments.hpp). On
// error returns nullopt and sets `error` to "file:line: field 'x': what".
std::optional<Schedule> schedule_from_json(const nlohmann::json& array, std::uint32_t nodes,
                                           std::int64_t time_ms, std::string_view protocol,
                                           const JsonSource& source, const std::string& pointer,
                                           std::string& error);

// The schedule as a JSON array with a stable key order (for the trace header).
std::string schedule_to_json(const Schedule& schedule);

// A recorded run's network decisions (sim/network_script.hpp) as a JSON array, and back:
// [{"at_ns": 1234, "from": 0, "to": 1, "send": 17, "kind": "train", "fate": "lost"}, ...].
std::optional<std::vector<LinkDecision>> network_from_json(const nlohmann::json& array,
                                                           std::uint32_t nodes,
                                                           const JsonSource& source,
                                                           const std::string& pointer,
                                                           std::string& error);
std::string network_to_json(const std::vector<LinkDecision>& decisions);

}  // namespace ry
