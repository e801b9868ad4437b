#include "traces/edn.hpp"

#include <charconv>

#include "traces/utf8.hpp"

namespace ry::edn {

std::string_view to_string(Kind kind) noexcept {
  switch (kind) {
    case Kind::nil: return "nil";
    case Kind::boolean: return "boolean";
    case Kind::integer: return "integer";
    case Kind::floating: return "float";
    case Kind::string: return "string";
    case Kind::keyword: return "keyword";
    case Kind::symbol: return "symbol";
    case Kind::vector: return "vector";
    case Kind::list: return "list";
    case Kind::map: return "map";
  }
  return "?";
}

const Value* Value::find(std::string_view name) const {
  if (kind != Kind::map) return nullptr;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].is_keyword(name)) return &items[i + 1];
  }
  return nullptr;
}

namespace {

bool is_delimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '(' || c == ')' ||
         c == '[' || c == ']' || c == '{' || c == '}' || c == '"' || c == ';';
}

class Parser {
 public:
  Parser(std::string_view text, std::string& error) : text_(text), error_(error) {}

  std::optional<Value> document() {
    skip_blank();
    if (at_end()) return fail("expected a value, found the end of the line");
    std::optional<Value> v = value(0);
    if (!v) return std::nullopt;
    skip_blank();
    if (!at_end()) return fail("unexpected text after the value");
    return v;
  }

 private:
  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const { return text_[pos_]; }

  std::nullopt_t fail(const std::string& what) {
    if (error_.empty()) error_ = "column " + std::to_string(pos_ + 1) + ": " + what;
    return std::nullopt;
  }

  void skip_blank() {
    while (!at_end()) {
      const char c = peek();
      if (c == ';') {
        while (!at_end() && peek() != '\n') ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
        ++pos_;
      } else {
        return;
      }
    }
  }

  std::optional<Value> value(std::size_t depth) {
    if (depth >= depth_max) return fail("nested deeper than " + std::to_string(depth_max));
    skip_blank();
    if (at_end()) return fail("expected a value, found the end of the line");
    const char c = peek();
    switch (c) {
      case '{': return sequence(Kind::map, '}', depth);
      case '[': return sequence(Kind::vector, ']', depth);
      case '(': return sequence(Kind::list, ')', depth);
      case '"': return string();
      case ':': return keyword();
      case '#': return tagged(depth);
      case '\\': return fail("characters (\\c) are not supported");
      case '}':
      case ']':
      case ')': return fail(std::string("unexpected '") + c + "'");
      default: break;
    }
    if ((c >= '0' && c <= '9') || ((c == '-' || c == '+') && pos_ + 1 < text_.size() &&
                                   text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9')) {
      return number();
    }
    return symbol();
  }

  std::optional<Value> sequence(Kind kind, char close, std::size_t depth) {
    Value v;
    v.kind = kind;
    ++pos_;
    while (true) {
      skip_blank();
      if (at_end()) return fail(std::string("missing '") + close + "'");
      if (peek() == close) {
        ++pos_;
        break;
      }
      std::optional<Value> item = value(depth + 1);
      if (!item) return std::nullopt;
      v.items.push_back(std::move(*item));
    }
    if (kind == Kind::map && v.items.size() % 2 != 0) {
      return fail("a map needs an even number of forms (a key without a value)");
    }
    return v;
  }

  std::optional<Value> tagged(std::size_t depth) {
    if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '{') {
      return fail("sets (#{...}) are not supported");
    }
    if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '_') {
      pos_ += 2;
      if (!value(depth + 1)) return std::nullopt;  // #_ discards the next form
      return value(depth);
    }
    ++pos_;
    const std::size_t start = pos_;
    while (!at_end() && !is_delimiter(peek())) ++pos_;
    if (pos_ == start) return fail("a '#' without a tag");
    return value(depth + 1);  // the tag (#inst, #jepsen.history.Op) is read through
  }

  std::optional<Value> string() {
    Value v;
    v.kind = Kind::string;
    ++pos_;
    while (true) {
      if (at_end()) return fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return v;
      if (c != '\\') {
        v.text.push_back(c);
        continue;
      }
      if (at_end()) return fail("unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"': v.text.push_back('"'); break;
        case '\\': v.text.push_back('\\'); break;
        case 'n': v.text.push_back('\n'); break;
        case 't': v.text.push_back('\t'); break;
        case 'r': v.text.push_back('\r'); break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return fail("a \\u escape needs four hex digits");
          unsigned code = 0;
          const auto [end, ec] =
              std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, code, 16);
          if (ec != std::errc() || end != text_.data() + pos_ + 4) {
            return fail("a \\u escape needs four hex digits");
          }
          pos_ += 4;
          append_utf8(v.text, code);
          break;
        }
        default: return fail(std::string("unknown escape \\") + e + " in a string");
      }
    }
  }

  std::optional<Value> keyword() {
    ++pos_;
    const std::size_t start = pos_;
    while (!at_end() && !is_delimiter(peek())) ++pos_;
    if (pos_ == start) return fail("a ':' without a keyword name");
    Value v;
    v.kind = Kind::keyword;
    v.text = text_.substr(start, pos_ - start);
    return v;
  }

  std::optional<Value> symbol() {
    const std::size_t start = pos_;
    while (!at_end() && !is_delimiter(peek())) ++pos_;
    if (pos_ == start) return fail(std::string("unexpected '") + peek() + "'");
    const std::string_view name = text_.substr(start, pos_ - start);
    Value v;
    if (name == "nil") return v;
    if (name == "true" || name == "false") {
      v.kind = Kind::boolean;
      v.boolean = name == "true";
      return v;
    }
    v.kind = Kind::symbol;
    v.text = name;
    return v;
  }

  std::optional<Value> number() {
    const std::size_t start = pos_;
    while (!at_end() && !is_delimiter(peek())) ++pos_;
    std::string_view digits = text_.substr(start, pos_ - start);
    Value v;
    if (digits.find_first_of(".eEM") != std::string_view::npos) {
      v.kind = Kind::floating;
      v.text = digits;
      return v;
    }
    if (digits.back() == 'N')
      return fail("big integers (" + std::string(digits) + ") are not supported");
    if (digits.front() == '+') digits.remove_prefix(1);
    v.kind = Kind::integer;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v.integer);
    if (ec == std::errc::result_out_of_range) {
      pos_ = start;
      return fail("integer " + std::string(digits) + " does not fit in 64 bits");
    }
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      pos_ = start;
      return fail("not a number: " + std::string(digits));
    }
    return v;
  }

  std::string_view text_;
  std::string& error_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<Value> parse(std::string_view text, std::string& error) {
  error.clear();
  return Parser(text, error).document();
}

}  // namespace ry::edn
