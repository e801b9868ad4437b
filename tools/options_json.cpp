#include "tools/options_json.hpp"

#include <functional>
#include <limits>
#include <map>

namespace ry {

namespace {

using Json = nlohmann::json;
using Setter = std::function<std::optional<std::string>(const Json&, RunOptions&)>;

template <class Int>
Setter integer(Int RunOptions::*member) {
  return [member](const Json& v, RunOptions& o) -> std::optional<std::string> {
    if (!v.is_number_integer()) return "expected an integer";
    if constexpr (std::is_unsigned_v<Int>) {
      if (v.is_number_unsigned() || v.get<std::int64_t>() >= 0) {
        const auto u = v.get<std::uint64_t>();
        if (u > std::numeric_limits<Int>::max()) return "out of range";
        o.*member = static_cast<Int>(u);
        return std::nullopt;
      }
      return "expected a non-negative integer";
    } else {
      if (v.is_number_unsigned() &&
          v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
        return "out of range";
      }
      o.*member = static_cast<Int>(v.get<std::int64_t>());
      return std::nullopt;
    }
  };
}

template <class Int>
Setter optional_integer(std::optional<Int> RunOptions::*member) {
  return [member](const Json& v, RunOptions& o) -> std::optional<std::string> {
    if (!v.is_number_integer()) return "expected an integer";
    const auto x = v.get<std::int64_t>();
    if (x < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
        (x > 0 && static_cast<std::uint64_t>(x) >
                      static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))) {
      return "out of range";
    }
    o.*member = static_cast<Int>(x);
    return std::nullopt;
  };
}

Setter text(std::string RunOptions::*member) {
  return [member](const Json& v, RunOptions& o) -> std::optional<std::string> {
    if (!v.is_string()) return "expected a string";
    o.*member = v.get<std::string>();
    return std::nullopt;
  };
}

Setter boolean(bool RunOptions::*member) {
  return [member](const Json& v, RunOptions& o) -> std::optional<std::string> {
    if (!v.is_boolean()) return "expected true or false";
    o.*member = v.get<bool>();
    return std::nullopt;
  };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"protocol", text(&RunOptions::protocol)},
      {"nodes", integer(&RunOptions::nodes)},
      {"seed", integer(&RunOptions::seed)},
      {"faults", text(&RunOptions::faults)},
      {"time_ms", integer(&RunOptions::time_ms)},
      {"liveness_ms", integer(&RunOptions::liveness_ms)},
      {"latency_min_us", integer(&RunOptions::latency_min_us)},
      {"latency_max_us", integer(&RunOptions::latency_max_us)},
      {"loss_ppm", optional_integer(&RunOptions::loss_ppm)},
      {"dup_ppm", optional_integer(&RunOptions::dup_ppm)},
      {"fifo", boolean(&RunOptions::fifo)},
      {"drift_ppm_max", optional_integer(&RunOptions::drift_ppm_max)},
      {"trains", integer(&RunOptions::trains)},
      {"mode", text(&RunOptions::mode)},
      {"clients", integer(&RunOptions::clients)},
      {"interval_us", integer(&RunOptions::interval_us)},
      {"payload_bytes", integer(&RunOptions::payload_bytes)},
      {"link_retransmit_us", integer(&RunOptions::link_retransmit_us)},
      {"issuer_stagger_us", integer(&RunOptions::issuer_stagger_us)},
      {"laps", integer(&RunOptions::laps)},
      {"ring_retransmit_us", integer(&RunOptions::ring_retransmit_us)},
      {"ring_persist", boolean(&RunOptions::ring_persist)},
      {"bugs",
       [](const Json& v, RunOptions& o) -> std::optional<std::string> {
         if (!v.is_array()) return "expected an array of bug names";
         o.bugs.clear();
         for (const auto& b : v) {
           if (!b.is_string()) return "expected an array of bug names";
           o.bugs.push_back(b.get<std::string>());
         }
         return std::nullopt;
       }},
  };
  return table;
}

}  // namespace

std::optional<RunOptions> options_from_json(const Json& config, const std::string& where,
                                            std::string& error) {
  if (!config.is_object()) {
    error = where + ": expected a JSON object";
    return std::nullopt;
  }
  RunOptions o;
  for (const auto& [key, value] : config.items()) {
    auto it = setters().find(key);
    if (it == setters().end()) {
      error = where + ": field '" + key + "': unknown option";
      return std::nullopt;
    }
    if (auto problem = it->second(value, o)) {
      error = where + ": field '" + key + "': " + *problem;
      return std::nullopt;
    }
  }
  resolve(o);
  if (auto problem = validate(o)) {
    error = where + ": " + *problem;
    return std::nullopt;
  }
  return o;
}

}  // namespace ry
