#include "tools/engine/json_source.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace ry {

namespace {

// RFC 6901: '~' and '/' inside a key are written "~0" and "~1".
std::string escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

// A key as nlohmann reads it: escapes decoded, so "a\u0062" and "ab" are the same key.
std::string decoded_key(std::string_view token) {
  if (token.find('\\') == std::string_view::npos) return std::string(token);
  const auto parsed = nlohmann::json::parse("\"" + std::string(token) + "\"", nullptr, false);
  return parsed.is_string() ? parsed.get<std::string>() : std::string(token);
}

}  // namespace

JsonSource::JsonSource(std::string file, int line) : file_(std::move(file)), fixed_line_(line) {}

JsonSource::JsonSource(std::string file, std::string_view text) : file_(std::move(file)) {
  struct Frame {
    bool object;
    std::string pointer;
    std::size_t index = 0;
    bool expect_key = true;
    std::set<std::string> keys;  // objects: the keys seen so far
  };
  std::vector<Frame> stack;
  std::string value_pointer;  // pointer of the value about to start
  int line = 1;
  lines_[""] = 1;
  // Called where a value starts: array elements get their pointer here, members at their key.
  auto value_starts = [&] {
    if (stack.empty() || stack.back().object) return;
    value_pointer = stack.back().pointer + "/" + std::to_string(stack.back().index);
    lines_.emplace(value_pointer, line);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\n': ++line; break;
      case '{':
      case '[':
        // Deeper than any input of ours: stop, rather than keep a pointer string per level.
        if (stack.size() >= json_depth_max) return;
        value_starts();
        stack.push_back(Frame{c == '{', value_pointer, 0, true, {}});
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      case ',':
        if (!stack.empty()) {
          if (stack.back().object) {
            stack.back().expect_key = true;
          } else {
            ++stack.back().index;
          }
        }
        break;
      case ':':
        if (!stack.empty()) stack.back().expect_key = false;
        break;
      case '"': {
        const std::size_t start = i + 1;
        std::size_t end = start;
        while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2U : 1U;
        const std::string_view token = text.substr(start, end - start);
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          value_pointer = stack.back().pointer + "/" + escape(token);
          lines_.emplace(value_pointer, line);
          if (!stack.back().keys.insert(decoded_key(token)).second && !duplicate_) {
            duplicate_ = Duplicate{value_pointer, line};
          }
        } else {
          value_starts();
        }
        i = end;
        break;
      }
      case ' ':
      case '\t':
      case '\r': break;
      default:  // a number, true, false or null: skip to its end
        value_starts();
        while (i + 1 < text.size() &&
               std::string_view(",]} \t\r\n").find(text[i + 1]) == std::string_view::npos) {
          ++i;
        }
        break;
    }
  }
}

std::string JsonSource::where(const std::string& pointer) const {
  if (fixed_line_ != 0) return file_ + ":" + std::to_string(fixed_line_);
  std::string p = pointer;
  while (true) {
    auto it = lines_.find(p);
    if (it != lines_.end()) return file_ + ":" + std::to_string(it->second);
    const auto slash = p.rfind('/');
    if (slash == std::string::npos) return file_;
    p.resize(slash);
  }
}

std::string one_line(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string field_name(std::string_view pointer) {
  std::string out;
  std::size_t pos = 0;
  while (pos < pointer.size()) {
    const std::size_t next = pointer.find('/', pos + 1);
    const std::string token =
        unescape(pointer.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1));
    const bool index = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
    if (index) {
      out += "[" + token + "]";
    } else {
      out += (out.empty() ? "" : ".") + token;
    }
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return out;
}

}  // namespace ry
