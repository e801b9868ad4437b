#include "traces/export/event_line.hpp"

#include <charconv>

#include "traces/utf8.hpp"

namespace ry::exp {

namespace {

std::string at(std::size_t column, std::string_view what) {
  return "column " + std::to_string(column + 1) + ": " + std::string(what);
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c, std::string_view what) {
    if (!eat(c)) throw InputError(at(i_, what));
  }
  [[nodiscard]] bool done() {
    skip_space();
    return i_ == s_.size();
  }
  [[nodiscard]] std::size_t pos() const { return i_; }

  // After the opening quote; returns the contents, sets `escaped`.
  std::string_view string(bool& escaped) {
    const std::size_t start = i_;
    escaped = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') return s_.substr(start, i_++ - start);
      if (c == '\\') {
        escaped = true;
        i_ += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        throw InputError(at(i_, "control byte in a string"));
      ++i_;
    }
    throw InputError(at(start, "unterminated string"));
  }

  Value value() {
    skip_space();
    if (i_ >= s_.size()) throw InputError(at(i_, "a value is missing"));
    Value v;
    const char c = s_[i_];
    if (c == '"') {
      ++i_;
      v.kind = Value::Kind::string;
      v.raw = string(v.escaped);
    } else if (c == '[' || c == '{') {
      v.kind = c == '[' ? Value::Kind::array : Value::Kind::object;
      v.raw = nested();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = i_;
      ++i_;
      while (i_ < s_.size() && ((s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '.' ||
                                s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-'))
        ++i_;
      v.raw = s_.substr(start, i_ - start);
      const auto [end, ec] = std::from_chars(v.raw.data(), v.raw.data() + v.raw.size(), v.integer);
      if (ec != std::errc{} || end != v.raw.data() + v.raw.size())
        throw InputError(at(start, "not an integer in range: " + std::string(v.raw)));
      v.kind = Value::Kind::integer;
    } else if (s_.substr(i_, 4) == "true" || s_.substr(i_, 5) == "false") {
      v.kind = Value::Kind::boolean;
      v.integer = s_[i_] == 't' ? 1 : 0;
      i_ += s_[i_] == 't' ? std::size_t{4} : std::size_t{5};
    } else if (s_.substr(i_, 4) == "null") {
      i_ += 4;
    } else {
      throw InputError(at(i_, "not a JSON value"));
    }
    return v;
  }

 private:
  // A balanced array or object, strings respected; returns its whole text. Depth is bounded.
  std::string_view nested() {
    const std::size_t start = i_;
    int depth = 0;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        bool unused = false;
        string(unused);
        continue;
      }
      if (c == '[' || c == '{') {
        if (++depth > 32) throw InputError(at(i_, "nested deeper than 32 levels"));
      } else if (c == ']' || c == '}') {
        if (--depth == 0) return s_.substr(start, ++i_ - start);
      }
      ++i_;
    }
    throw InputError(at(start, "unterminated array or object"));
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::string field_error(std::string_view key, std::string_view what) {
  return "field '" + std::string(key) + "': " + std::string(what);
}

void EventLine::parse(std::string_view line) {
  fields_.clear();
  Scanner s(line);
  s.expect('{', "not a JSON object");
  if (!s.eat('}')) {
    do {
      s.expect('"', "a key is missing");
      bool escaped = false;
      const std::string_view key = s.string(escaped);
      s.expect(':', "':' is missing after a key");
      fields_.push_back({key, s.value()});
    } while (s.eat(','));
    s.expect('}', "',' or '}' is missing");
  }
  if (!s.done()) throw InputError(at(s.pos(), "text after the object"));
  const Value* ev = find("ev");
  if (ev == nullptr || ev->kind != Value::Kind::string) {
    if (find("type") != nullptr)
      throw InputError(field_error("type", "a header or footer inside the trace"));
    throw InputError(field_error("ev", "missing or not a string (not an event line)"));
  }
  ev_ = ev->raw;
  const std::int64_t step = integer("step");
  t_ = integer("t");
  if (step < 0) throw InputError(field_error("step", "negative"));
  if (t_ < 0) throw InputError(field_error("t", "negative"));
  step_ = static_cast<std::uint64_t>(step);
}

const Value* EventLine::find(std::string_view key) const {
  for (const Field& f : fields_) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

std::int64_t EventLine::integer(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) throw InputError(field_error(key, "missing"));
  if (v->kind != Value::Kind::integer) throw InputError(field_error(key, "not an integer"));
  return v->integer;
}

std::int64_t EventLine::integer_or(std::string_view key, std::int64_t fallback) const {
  return has(key) ? integer(key) : fallback;
}

std::string EventLine::string(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) throw InputError(field_error(key, "missing"));
  if (v->kind != Value::Kind::string) throw InputError(field_error(key, "not a string"));
  return v->escaped ? unescape_json(v->raw) : std::string(v->raw);
}

std::string EventLine::string_or(std::string_view key, std::string_view fallback) const {
  return has(key) ? string(key) : std::string(fallback);
}

std::string EventLine::text(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return {};
  if (v->kind == Value::Kind::integer) return std::string(v->raw);
  if (v->kind == Value::Kind::string) return string(key);
  throw InputError(field_error(key, "not an integer or a string"));
}

std::string unescape_json(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      out.push_back(raw[i]);
      continue;
    }
    const char c = raw[++i];
    switch (c) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'u': {
        unsigned code = 0;
        if (i + 4 >= raw.size()) throw InputError("a \\u escape is cut short");
        const auto [end, ec] = std::from_chars(raw.data() + i + 1, raw.data() + i + 5, code, 16);
        if (ec != std::errc{} || end != raw.data() + i + 5) throw InputError("bad \\u escape");
        i += 4;
        // Our writer escapes only control bytes this way; others are kept as UTF-8.
        append_utf8(out, code);
        break;
      }
      default: out.push_back(c);
    }
  }
  return out;
}

std::vector<std::int64_t> integer_array(std::string_view key, const Value& v) {
  if (v.kind != Value::Kind::array) throw InputError(field_error(key, "not an array"));
  std::vector<std::int64_t> out;
  Scanner s(v.raw);
  s.expect('[', "not an array");
  if (s.eat(']')) return out;
  do {
    const Value item = s.value();
    if (item.kind != Value::Kind::integer)
      throw InputError(field_error(key, "an element is not an integer"));
    out.push_back(item.integer);
  } while (s.eat(','));
  s.expect(']', "',' or ']' is missing");
  return out;
}

}  // namespace ry::exp
