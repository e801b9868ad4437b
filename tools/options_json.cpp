#include "tools/options_json.hpp"

#include <limits>
#include <type_traits>

namespace ry {

namespace {

using Json = nlohmann::json;
using Problem = std::optional<std::string>;

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

}  // namespace

std::optional<RunOptions> options_from_json(const Json& config, const std::string& where,
                                            std::string& error) {
  if (!config.is_object()) {
    error = where + ": expected a JSON object";
    return std::nullopt;
  }
  RunOptions o;
  // Not a structured binding: clang 14 cannot capture one in the lambda below.
  for (const auto& item : config.items()) {
    const std::string& key = item.key();
    const Json& value = item.value();
    const OptionSpec* spec = find_option(key);
    if (spec == nullptr) {
      error = where + ": field '" + key + "': unknown option";
      return std::nullopt;
    }
    const Problem problem =
        std::visit([&](auto member) { return read(value, o.*member); }, spec->field);
    if (problem) {
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
