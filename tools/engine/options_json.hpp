// Reads RunOptions from a JSON object (a trace header's "config", a scenario file's "options"),
// with errors that name the file, line and field. Unknown keys are errors: a typo must not be
// silently ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tools/engine/run_options.hpp"

namespace ry {

class JsonSource;

// `config` sits at `pointer` in `source`. On error returns nullopt and sets `error` to
// "file:line: field 'x': what". "schedule", "scripted" and "network" members are read too (after
// the options they depend on); "swarm_mix" is skipped: it is derived from the seed and only
// written for people.
std::optional<RunOptions> options_from_json(const nlohmann::json& config, const JsonSource& source,
                                            const std::string& pointer, std::string& error);

}  // namespace ry
