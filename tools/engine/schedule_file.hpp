// A recorded run as a file. Every run can write down what was done to it (`railyard run
// --save-schedule FILE`): each fault the nemesis or a scenario applied, with its time and target,
// and each send the network lost or duplicated, keyed by link, send number and message kind
// (sim/network_script.hpp). The file is a scenario (scenarios/README.md) whose options say
// `"scripted": true` (the seeded nemesis stays off; the listed faults and network decisions are
// the run's) and whose `expect` is the outcome the run had, so it replays with `railyard run
// --schedule FILE` (or `--scenario FILE`), goes into scenarios/ or seeds/ as it is, and is what
// the shrinker (tools/engine/shrink.hpp) makes smaller.
//
// The seed stays in the file: it still draws what is not a fault or a network decision (message
// latencies, protocol timers, the clients' operations).
#pragma once

#include <string>
#include <string_view>

#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"

namespace ry {

// The options of a run that replays `options` from its recorded schedule: scripted, with the
// faults and network decisions `result` recorded (the run must have had options.record).
RunOptions scripted_options(const RunOptions& options, const RunResult& result);

// The file's text for a scripted run: one step or decision per line, `expect` from `result`.
std::string schedule_file_text(const RunOptions& scripted, const RunResult& result,
                               std::string_view name, std::string_view description);

}  // namespace ry
