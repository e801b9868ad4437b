// One event line of a trace, read without a JSON DOM: the exporters see every line of traces
// of any size, so a line is scanned in place (about a tenth of nlohmann's cost) into its
// fields. Event lines are flat objects (traces/SCHEMA.md): integers, strings, and arrays of
// integers; anything nested deeper is kept as raw text. Values are views into the line.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ry::exp {

// An input error in one field of one line; the driver adds the file and line.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Value {
  enum class Kind : std::uint8_t { integer, string, array, object, boolean, null };
  Kind kind = Kind::null;
  std::int64_t integer = 0;
  bool escaped = false;  // a string with backslash escapes in `raw`
  std::string_view raw;  // string contents (still escaped), or an array's or object's text
};

class EventLine {
 public:
  // Scans one line. Throws InputError ("column N: what") if it is not a flat JSON object.
  void parse(std::string_view line);

  [[nodiscard]] const Value* find(std::string_view key) const;
  [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
  // The field as an integer or a string; throws InputError naming the field if it is missing
  // or of another type.
  [[nodiscard]] std::int64_t integer(std::string_view key) const;
  [[nodiscard]] std::int64_t integer_or(std::string_view key, std::int64_t fallback) const;
  // Unescaped.
  [[nodiscard]] std::string string(std::string_view key) const;
  [[nodiscard]] std::string string_or(std::string_view key, std::string_view fallback) const;
  // An integer or a string field, as text (unescaped); empty if absent.
  [[nodiscard]] std::string text(std::string_view key) const;

  // Every line has these (checked by parse()).
  [[nodiscard]] std::uint64_t step() const noexcept { return step_; }
  [[nodiscard]] std::int64_t t_ns() const noexcept { return t_; }
  [[nodiscard]] std::string_view ev() const noexcept { return ev_; }

  struct Field {
    std::string_view key;
    Value value;
  };
  [[nodiscard]] const std::vector<Field>& fields() const noexcept { return fields_; }

 private:
  std::vector<Field> fields_;
  std::uint64_t step_ = 0;
  std::int64_t t_ = 0;
  std::string_view ev_;
};

// JSON string contents (between the quotes) to the bytes they stand for.
std::string unescape_json(std::string_view raw);

// Integers of a raw array ("[0,1,2]"); throws InputError naming `key` if it holds anything else.
std::vector<std::int64_t> integer_array(std::string_view key, const Value& v);

// "field 'key': what"
std::string field_error(std::string_view key, std::string_view what);

}  // namespace ry::exp
