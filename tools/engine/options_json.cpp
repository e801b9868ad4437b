#include "tools/engine/options_json.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "tools/engine/json_source.hpp"
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/schedule.hpp"

namespace ry {

namespace {

using Json = nlohmann::json;
using Problem = std::optional<std::string>;

// Members that are not run options: read after the options they depend on, or skipped
// ("swarm_mix" is derived from the seed and only written for people).
bool special(const std::string& key) {
  return key == "schedule" || key == "swarm_mix" || key == "scripted" || key == "network" ||
         key == "reference" || key == "progress_check";
}

Problem read(const Json& v, std::string& out) {
  if (!v.is_string()) return "expected a string";
  out = v.get<std::string>();
  return std::nullopt;
}

Problem read(const Json& v, bool& out) {
  if (!v.is_boolean()) return "expected true or false";
  out = v.get<bool>();
  return std::nullopt;
}

template <class Int>
requires std::is_integral_v<Int> Problem read(const Json& v, Int& out) {
  if (!v.is_number_integer()) return "expected an integer";
  if constexpr (std::is_unsigned_v<Int>) {
    if (!v.is_number_unsigned() && v.get<std::int64_t>() < 0) {
      return "expected a non-negative integer";
    }
    const auto u = v.get<std::uint64_t>();
    if (u > std::numeric_limits<Int>::max()) return "out of range";
    out = static_cast<Int>(u);
  } else {
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
      return "out of range";
    }
    const auto x = v.get<std::int64_t>();
    if (x < std::numeric_limits<Int>::min() || x > std::numeric_limits<Int>::max()) {
      return "out of range";
    }
    out = static_cast<Int>(x);
  }
  return std::nullopt;
}

template <class Int>
Problem read(const Json& v, std::optional<Int>& out) {
  Int value{};
  if (auto problem = read(v, value)) return problem;
  out = value;
  return std::nullopt;
}

Problem read(const Json& v, std::vector<std::string>& out) {
  if (!v.is_array()) return "expected an array of bug names";
  out.clear();
  for (const auto& item : v) {
    if (!item.is_string()) return "expected an array of bug names";
    out.push_back(item.get<std::string>());
  }
  return std::nullopt;
}

const OptionSpec* find_option(std::string_view key) {
  for (const OptionSpec& spec : option_table()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::optional<RunOptions> read_options(const Json& config, const JsonSource& source,
                                       const std::string& pointer, std::string& error) {
  auto fail = [&](const std::string& at, const std::string& what) {
    error = source.where(at) + ": " + (at.empty() ? "" : "field '" + field_name(at) + "': ") + what;
    return std::nullopt;
  };
  if (!config.is_object()) return fail(pointer, "expected a JSON object");
  RunOptions o;
  // Not a structured binding: clang 14 cannot capture one in the lambda below.
  for (const auto& item : config.items()) {
    const std::string& key = item.key();
    const Json& value = item.value();
    if (special(key)) continue;
    const OptionSpec* spec = find_option(key);
    const std::string at = pointer + "/" + key;
    if (spec == nullptr) continue;  // the protocol's own options: below, once it is known
    const Problem problem =
        std::visit([&](auto member) { return read(value, o.*member); }, spec->field);
    if (problem) return fail(at, *problem);
  }
  const ProtocolDescriptor* protocol = find_protocol(o.protocol);
  if (protocol == nullptr) {
    return fail(pointer + (config.contains("protocol") ? "/protocol" : ""),
                "unknown protocol '" + o.protocol + "' (expected " + protocol_names() + ")");
  }
  for (const auto& item : config.items()) {
    const std::string& key = item.key();
    if (special(key) || find_option(key) != nullptr) continue;
    const std::string at = pointer + "/" + key;
    const ParamSpec* param = protocol->param(key);
    if (param == nullptr) return fail(at, "unknown option of protocol " + o.protocol);
    std::int64_t value = 0;
    if (param->boolean) {
      bool flag = false;
      if (auto problem = read(item.value(), flag)) return fail(at, *problem);
      value = flag ? 1 : 0;
    } else if (!param->choices.empty()) {
      std::string name;
      if (auto problem = read(item.value(), name)) return fail(at, *problem);
      const auto index = param->parse(name);
      if (!index) return fail(at, "unknown value '" + name + "'");
      value = *index;
    } else if (auto problem = read(item.value(), value)) {
      return fail(at, *problem);
    }
    o.params[key] = value;
  }
  resolve(o);
  if (auto problem = validate(o)) {
    // validate() names the field first ("nodes: must be ..."): point at its line when it is set.
    const auto colon = problem->find(": ");
    const std::string key = problem->substr(0, std::min(colon, problem->find('/')));
    if (colon != std::string::npos && config.contains(key)) {
      return fail(pointer + "/" + key, problem->substr(colon + 2));
    }
    return fail(pointer, *problem);
  }
  if (config.contains("schedule")) {
    auto schedule = schedule_from_json(config["schedule"], o.nodes, o.time_ms, o.protocol, source,
                                       pointer + "/schedule", error);
    if (!schedule) return std::nullopt;
    o.schedule = std::move(*schedule);
  }
  for (const char* key : {"reference", "progress_check"}) {
    if (!config.contains(key)) continue;
    if (!config[key].is_boolean()) return fail(pointer + "/" + key, "expected true or false");
  }
  o.reference = config.value("reference", false);
  o.progress_check = config.value("progress_check", true);
  if (config.contains("scripted")) {
    if (!config["scripted"].is_boolean())
      return fail(pointer + "/scripted", "expected true or false");
    o.scripted = config["scripted"].get<bool>();
  }
  if (config.contains("network")) {
    if (!o.scripted) {
      return fail(pointer + "/network", "network decisions need \"scripted\": true");
    }
    auto network =
        network_from_json(config["network"], o.nodes, source, pointer + "/network", error);
    if (!network) return std::nullopt;
    o.network = std::move(*network);
  }
  return o;
}

}  // namespace

std::optional<RunOptions> options_from_json(const Json& config, const JsonSource& source,
                                            const std::string& pointer, std::string& error) {
  auto options = read_options(config, source, pointer, error);
  if (!options) error = one_line(error);  // keys and values from the input, quoted
  return options;
}

}  // namespace ry
