// Where each value of a JSON document sits in its file, so that an error about a field (unknown
// key, wrong type, impossible value) can name the file and line, not just the field. nlohmann's
// DOM keeps no positions; this scans the text once (after nlohmann accepted it) and records the
// line of every member and array element under its JSON pointer ("/schedule/3/at_ms").
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "traces/json_limits.hpp"

namespace ry {

// The largest scenario file read (a real one is a few kilobytes). Nesting: json_depth_max.
inline constexpr std::size_t scenario_bytes_max = std::size_t{16} << 20;

class JsonSource {
 public:
  // `text` should be valid JSON (parse it with nlohmann first: its errors carry line and
  // column); anything else is scanned without harm. Scanning stops at the first level deeper
  // than json_depth_max (check nesting_too_deep() first to report it).
  JsonSource(std::string file, std::string_view text);
  // A document that is one line of a larger file (a trace header): every field is on `line`.
  JsonSource(std::string file, int line);

  // "file:line" of the value at `pointer`, or of its closest enclosing value that is known.
  [[nodiscard]] std::string where(const std::string& pointer) const;
  [[nodiscard]] const std::string& file() const noexcept { return file_; }

  // The first key given twice in one object (nlohmann keeps the last silently): its pointer
  // ("/options/nodes") and the line of the second occurrence.
  struct Duplicate {
    std::string pointer;
    int line = 0;
  };
  [[nodiscard]] const std::optional<Duplicate>& duplicate() const noexcept { return duplicate_; }

 private:
  std::string file_;
  int fixed_line_ = 0;
  std::map<std::string, int> lines_;
  std::optional<Duplicate> duplicate_;
};

// `text` with control characters written as escapes (\n, \t, \r, \xHH): an error quotes keys and
// values from the input, and must stay one line whatever they hold.
std::string one_line(std::string_view text);

// "/schedule/3/at_ms" -> "schedule[3].at_ms": how an error names a field for a person.
std::string field_name(std::string_view pointer);

}  // namespace ry
