// Limits on the JSON that railyard reads (scenario files, trace headers and footers): input
// nested deeper, or longer, than anything railyard writes is not one of its files, and is refused
// before any parser or scanner spends memory on it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ry {

inline constexpr std::size_t json_depth_max = 64;

// Where the nesting of `text` first goes deeper than `depth_max` levels: its 1-based line, or
// nothing. Strings are skipped, so brackets inside them do not count. Linear, no allocation.
inline std::optional<int> nesting_too_deep(std::string_view text,
                                           std::size_t depth_max = json_depth_max) {
  std::size_t depth = 0;
  int line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    switch (text[i]) {
      case '\n': ++line; break;
      case '{':
      case '[':
        if (++depth > depth_max) return line;
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        break;
      case '"':
        for (++i; i < text.size() && text[i] != '"'; ++i) {
          if (text[i] == '\\') ++i;
          if (i < text.size() && text[i] == '\n') ++line;
        }
        break;
      default: break;
    }
  }
  return std::nullopt;
}

}  // namespace ry
