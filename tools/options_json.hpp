// Reads RunOptions from a JSON object (a trace header's "config", later scenario files), with
// errors that name the source, line and field. Unknown keys are errors: a typo must not be
// silently ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tools/run_options.hpp"

namespace ry {

// On error returns nullopt and sets `error` to "<where>: field 'x': <what>".
std::optional<RunOptions> options_from_json(const nlohmann::json& config, const std::string& where,
                                            std::string& error);

}  // namespace ry
