#include "tools/engine/schedule_file.hpp"

#include "tools/engine/scenario.hpp"
#include "tools/engine/schedule.hpp"
#include "traces/json_line.hpp"

namespace ry {

RunOptions scripted_options(const RunOptions& options, const RunResult& result) {
  RunOptions o = options;
  o.scripted = true;
  o.schedule = result.recorded_faults;
  o.network = result.recorded_network;
  o.record = false;
  o.scenario.clear();
  return o;
}

namespace {

// A JSON array written one element per line, for a file people read and diff.
std::string one_per_line(const std::string& array) {
  const auto items = nlohmann::ordered_json::parse(array);
  if (items.empty()) return "[]";
  std::string out = "[\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += "    " + items[i].dump() + (i + 1 < items.size() ? ",\n" : "\n");
  }
  return out + "  ]";
}

}  // namespace

std::string schedule_file_text(const RunOptions& scripted, const RunResult& result,
                               std::string_view name, std::string_view description) {
  RunOptions o = scripted;
  o.schedule.clear();  // written below, one per line
  o.network.clear();
  std::string expect;
  JsonLine e(expect);
  e.begin().field("outcome", std::string_view{outcome_name(result.outcome)});
  if (result.outcome == Outcome::violation) e.field("property", result.violation.property);
  e.end();
  std::string out = "{\n";
  out += "  \"name\": " + nlohmann::json(std::string(name)).dump() + ",\n";
  out += "  \"description\": " + nlohmann::json(std::string(description)).dump() + ",\n";
  out += "  \"options\": " + to_json(o) + ",\n";
  out += "  \"schedule\": " + one_per_line(schedule_to_json(scripted.schedule)) + ",\n";
  out += "  \"network\": " + one_per_line(network_to_json(scripted.network)) + ",\n";
  out += "  \"expect\": " + expect + "\n}\n";
  return out;
}

}  // namespace ry
