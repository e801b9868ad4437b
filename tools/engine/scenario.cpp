#include "tools/engine/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/engine/json_source.hpp"
#include "tools/engine/options_json.hpp"
#include "tools/engine/properties.hpp"

namespace ry {

namespace {

using Json = nlohmann::json;

struct OutcomeName {
  const char* name;
  Outcome outcome;
};
constexpr OutcomeName outcomes[] = {{"pass", Outcome::passed},
                                    {"halt", Outcome::halted},
                                    {"no_liveness", Outcome::no_liveness},
                                    {"violation", Outcome::violation}};

}  // namespace

const char* outcome_name(Outcome o) {
  for (const auto& n : outcomes) {
    if (n.outcome == o) return n.name;
  }
  return to_string(o);
}

std::optional<Scenario> load_scenario(const std::string& path, std::string& error, bool& io_error) {
  io_error = false;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read the scenario file";
    io_error = true;
    return std::nullopt;
  }
  // Read at most one byte past the limit: a huge file (or a device that never ends) must not be
  // read whole before it is refused.
  std::string text(scenario_bytes_max + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    error = path + ": cannot read the scenario file";
    io_error = true;
    return std::nullopt;
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > scenario_bytes_max) {
    error = path + ": larger than " + std::to_string(scenario_bytes_max >> 20) +
            " MiB: not a scenario file";
    return std::nullopt;
  }
  return parse_scenario(path, text, error);
}

namespace {
std::optional<Scenario> read_scenario(const std::string& path, std::string_view text,
                                      std::string& error);
}  // namespace

std::optional<Scenario> parse_scenario(const std::string& path, std::string_view text,
                                       std::string& error) {
  // nlohmann stops at a NUL byte as at the end of the input: what follows would be ignored.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    error = path + ":" + std::to_string(line) + ": a NUL byte: not a scenario file";
    return std::nullopt;
  }
  auto scenario = read_scenario(path, text, error);
  if (!scenario) error = one_line(error);
  return scenario;
}

namespace {
std::optional<Scenario> read_scenario(const std::string& path, std::string_view text,
                                      std::string& error) {
  if (text.size() > scenario_bytes_max) {
    error = path + ": larger than " + std::to_string(scenario_bytes_max >> 20) +
            " MiB: not a scenario file";
    return std::nullopt;
  }
  // nlohmann would take any depth; JsonSource would keep a pointer string per level.
  if (const auto line = nesting_too_deep(text)) {
    error = path + ":" + std::to_string(*line) + ": nesting deeper than " +
            std::to_string(json_depth_max) + " levels: not a scenario file";
    return std::nullopt;
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann says "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    std::string what = e.what();
    const auto at = what.find("at line ");
    std::string line = "1";
    if (at != std::string::npos) {
      line = what.substr(at + 8, what.find(',', at) - at - 8);
      what = what.substr(what.find(": ", at) + 2);
    }
    error = path + ":" + line + ": malformed JSON: " + what;
    return std::nullopt;
  }
  const JsonSource source(path, text);
  auto fail = [&](const std::string& pointer, const std::string& what) {
    error = source.where(pointer) + ": " +
            (pointer.empty() ? "" : "field '" + field_name(pointer) + "': ") + what;
    return std::nullopt;
  };
  if (const auto& dup = source.duplicate()) {
    // nlohmann keeps the last of two equal keys: one of them would be ignored without a word.
    error = path + ":" + std::to_string(dup->line) + ": field '" + field_name(dup->pointer) +
            "': key given twice";
    return std::nullopt;
  }
  if (!doc.is_object()) return fail("", "expected a JSON object with name, options and expect");
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();
    if (key != "name" && key != "description" && key != "options" && key != "schedule" &&
        key != "network" && key != "expect") {
      return fail("/" + key,
                  "unknown key (expected name, description, options, schedule, network, expect)");
    }
  }
  Scenario s;
  for (const char* key : {"name", "description"}) {
    if (!doc.contains(key)) continue;
    if (!doc[key].is_string()) return fail(std::string("/") + key, "expected a string");
  }
  if (!doc.contains("name")) return fail("", "missing field 'name'");
  s.name = doc["name"].get<std::string>();
  s.description = doc.value("description", "");

  Json options = doc.contains("options") ? doc["options"] : Json::object();
  if (!options.is_object()) return fail("/options", "expected an object of run options");
  auto parsed = options_from_json(options, source, "/options", error);
  if (!parsed) return std::nullopt;
  s.options = std::move(*parsed);
  if (doc.contains("schedule")) {
    auto schedule = schedule_from_json(doc["schedule"], s.options.nodes, s.options.time_ms,
                                       s.options.protocol, source, "/schedule", error);
    if (!schedule) return std::nullopt;
    s.options.schedule = std::move(*schedule);
  }
  if (doc.contains("network")) {
    // A recorded run's losses and duplications (tools/engine/schedule_file.hpp).
    if (!s.options.scripted)
      return fail("/network", "network decisions need options.scripted: true");
    auto network = network_from_json(doc["network"], s.options.nodes, source, "/network", error);
    if (!network) return std::nullopt;
    s.options.network = std::move(*network);
  }
  s.options.scenario = path;

  if (!doc.contains("expect")) return fail("", "missing field 'expect'");
  const Json& expect = doc["expect"];
  if (!expect.is_object())
    return fail("/expect", "expected an object such as {\"outcome\": \"pass\"}");
  for (const auto& item : expect.items()) {
    if (item.key() != "outcome" && item.key() != "property") {
      return fail("/expect/" + item.key(), "unknown key (expected outcome, property)");
    }
  }
  if (!expect.contains("outcome") || !expect["outcome"].is_string()) {
    return fail("/expect/outcome", "expected one of pass, halt, no_liveness, violation");
  }
  const std::string outcome = expect["outcome"].get<std::string>();
  bool known = false;
  for (const auto& n : outcomes) {
    if (outcome == n.name) {
      s.expect.outcome = n.outcome;
      known = true;
    }
  }
  if (!known) {
    return fail("/expect/outcome", "unknown outcome '" + outcome +
                                       "' (expected pass, halt, no_liveness or violation)");
  }
  if (expect.contains("property")) {
    if (s.expect.outcome != Outcome::violation) {
      return fail("/expect/property", "only a violation names a property");
    }
    if (!expect["property"].is_string()) return fail("/expect/property", "expected a string");
    s.expect.property = expect["property"].get<std::string>();
    if (!is_property(s.options.protocol, s.expect.property)) {
      return fail("/expect/property", "no checker of protocol " + s.options.protocol +
                                          " reports '" + s.expect.property +
                                          "' (see `railyard protocols` and the protocol's README)");
    }
  }
  return s;
}

}  // namespace

std::string describe(const Expectation& e) {
  std::string out = outcome_name(e.outcome);
  if (!e.property.empty()) out += " of " + e.property;
  return out;
}

std::optional<std::string> mismatch(const Expectation& e, const RunResult& r) {
  Expectation observed{r.outcome, r.outcome == Outcome::violation ? r.violation.property : ""};
  const bool same =
      r.outcome == e.outcome && (e.property.empty() || e.property == r.violation.property);
  if (same) return std::nullopt;
  return "expected " + describe(e) + ", observed " + describe(observed);
}

}  // namespace ry
