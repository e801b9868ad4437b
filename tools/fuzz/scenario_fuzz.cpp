// libFuzzer target: the scenario reader (JSON, limits, options, schedule, expectation), as
// `railyard run --scenario` reads a file. Any input must give a scenario or one error line;
// never a crash, a sanitizer report, or a hang. Built by tools/scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tools/engine/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto scenario = ry::parse_scenario("fuzz.json", text, error);
  if (!scenario && (error.empty() || error.find('\n') != std::string::npos ||
                    error.find('\0') != std::string::npos))
    __builtin_trap();
  if (scenario) {
    // What `run` does next with a scenario, short of running it.
    (void)ry::to_json(scenario->options);
    (void)ry::reproduce_command(scenario->options);
    for (const auto& step : scenario->options.schedule) (void)ry::describe(step);
  }
  return 0;
}
