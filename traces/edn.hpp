// A small reader for the part of EDN that Jepsen's history files use (one map per line):
// maps, vectors, lists, keywords, symbols, integers, floats, strings, nil, true and false, and
// tagged values (`#jepsen.history.Op{...}` reads as its map). Sets, characters and big numbers
// are refused with a clear error. Depth and length are bounded, so bad input cannot exhaust the
// stack: the reader never aborts and never loops.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ry::edn {

enum class Kind : std::uint8_t {
  nil,
  boolean,
  integer,
  floating,
  string,
  keyword,
  symbol,
  vector,
  list,
  map
};

std::string_view to_string(Kind kind) noexcept;

struct Value {
  Kind kind = Kind::nil;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;          // string contents, keyword or symbol name (no ':'), float digits
  std::vector<Value> items;  // vector and list elements; a map's keys and values, alternating

  // A map's value for the keyword `name` (":name"), or nullptr.
  [[nodiscard]] const Value* find(std::string_view name) const;
  [[nodiscard]] bool is_keyword(std::string_view name) const {
    return kind == Kind::keyword && text == name;
  }
};

inline constexpr std::size_t depth_max = 32;

// Parses exactly one value from `text` (surrounding whitespace, commas and comments allowed).
// On failure returns none and sets `error` to "column N: what".
std::optional<Value> parse(std::string_view text, std::string& error);

}  // namespace ry::edn
