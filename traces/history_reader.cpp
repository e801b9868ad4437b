#include "traces/history_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "traces/edn.hpp"

namespace ry {

namespace {

using nlohmann::json;

enum class EventType : std::uint8_t { invoke, ok, fail, info };

std::optional<EventType> event_type_from(std::string_view s) {
  if (s == "invoke") return EventType::invoke;
  if (s == "ok") return EventType::ok;
  if (s == "fail") return EventType::fail;
  if (s == "info") return EventType::info;
  return std::nullopt;
}

// One line of either format, normalised.
struct Event {
  std::uint64_t line = 0;
  std::optional<std::int64_t> time;
  std::uint64_t process = 0;
  EventType type = EventType::invoke;
  OpKind f = OpKind::read;
  bool keyed = false;
  std::string key;
  std::optional<std::string> value;  // what is written; a read's result; cas's `to`
  std::optional<std::string> from;   // cas's `from`
  std::optional<std::uint64_t> applied;
};

// A failure at one line: "FILE:LINE: field 'x': what".
struct Failure {
  std::uint64_t line;
  std::string what;
};

std::string field(std::string_view name, const std::string& what) {
  return "field '" + printable(name) + "': " + what;
}

bool register_op(OpKind f) { return f == OpKind::read || f == OpKind::write || f == OpKind::cas; }

// Pairs invocations with completions by process and builds the history.
class Assembler {
 public:
  std::optional<Failure> add(const Event& e) {
    const auto open = open_.find(e.process);
    if (e.type == EventType::invoke) {
      if (open != open_.end()) {
        return Failure{e.line,
                       field("process", "process " + std::to_string(e.process) +
                                            " invokes again while its operation from line " +
                                            std::to_string(h_.ops[open->second].invoke_line) +
                                            " is still open")};
      }
      HistoryOp op;
      op.process = e.process;
      op.op.f = e.f;
      op.op.key = e.key;
      op.keyed = e.keyed;
      if (e.f == OpKind::cas) op.op.expected = e.from.value_or("");
      if (!reads_only(e.f)) op.op.value = e.value.value_or("");
      op.invoke_ns = e.time.value_or(0);
      op.invoke_line = e.line;
      open_.emplace(e.process, h_.ops.size());
      h_.ops.push_back(std::move(op));
      return std::nullopt;
    }
    if (open == open_.end()) {
      return Failure{e.line, field("process", "process " + std::to_string(e.process) +
                                                  " completes an operation it never invoked")};
    }
    HistoryOp& op = h_.ops[open->second];
    if (op.op.f != e.f) {
      return Failure{e.line, field("f", "completes a \"" + std::string(to_string(op.op.f)) +
                                            "\" (line " + std::to_string(op.invoke_line) +
                                            ") with \"" + std::string(to_string(e.f)) + "\"")};
    }
    if (e.keyed && e.key != op.op.key) {
      return Failure{e.line, field("key", "completes an operation on \"" + printable(op.op.key) +
                                              "\" (line " + std::to_string(op.invoke_line) +
                                              ") with key \"" + printable(e.key) + "\"")};
    }
    open_.erase(open);
    op.complete_line = e.line;
    switch (e.type) {
      case EventType::ok:
        op.outcome = OpOutcome::ok;
        op.complete_ns = e.time.value_or(0);
        if (reads_only(e.f)) op.output = e.value;
        op.applied = e.applied;
        break;
      case EventType::fail:
        op.outcome = OpOutcome::fail;
        op.complete_ns = e.time.value_or(0);
        break;
      case EventType::info:
      case EventType::invoke: op.outcome = OpOutcome::info; break;
    }
    return std::nullopt;
  }

  History take() { return std::move(h_); }

 private:
  static bool reads_only(OpKind f) { return f == OpKind::read || f == OpKind::get; }

  History h_;
  std::map<std::uint64_t, std::size_t> open_;
};

// ---- railyard JSON Lines ----

// Nesting depth outside strings: nlohmann's DOM would follow any depth, so it is bounded first.
bool nesting_within(std::string_view line, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

std::string type_name(const json& j) { return j.type_name(); }

std::optional<std::string> json_value_string(const json& v, std::string_view name,
                                             std::string& why) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  why = field(name, "must be a string or null, not " + type_name(v));
  return std::nullopt;
}

std::optional<Failure> json_event(std::string_view line, std::uint64_t number, std::uint64_t index,
                                  Event& e) {
  auto fail = [&](const std::string& what) { return Failure{number, what}; };
  if (!nesting_within(line, 3)) return fail("nested deeper than a history event can be");
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return fail("not valid JSON");
  if (!j.is_object()) return fail("not a JSON object");
  static const char* const known[] = {"index", "time", "process", "type",  "f",    "key",
                                      "value", "node", "applied", "error", "bytes"};
  for (const auto& [name, unused] : j.items()) {
    if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
      return fail(field(name, "unknown field"));
    }
  }
  auto integer = [&](const char* name, bool required, std::optional<std::int64_t>& out,
                     std::int64_t min) -> std::optional<Failure> {
    const auto it = j.find(name);
    if (it == j.end()) {
      if (required) return fail(field(name, "missing"));
      return std::nullopt;
    }
    if (!it->is_number_integer())
      return fail(field(name, "must be an integer, not " + type_name(*it)));
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > INT64_MAX) {
      return fail(field(name, "out of range"));
    }
    const auto v = it->get<std::int64_t>();
    if (v < min) return fail(field(name, "must be at least " + std::to_string(min)));
    out = v;
    return std::nullopt;
  };
  std::optional<std::int64_t> idx;
  std::optional<std::int64_t> process;
  std::optional<std::int64_t> applied;
  std::optional<std::int64_t> node;
  if (auto f = integer("index", true, idx, 0)) return f;
  if (static_cast<std::uint64_t>(*idx) != index) {
    return fail(
        field("index", "expected " + std::to_string(index) + ", found " + std::to_string(*idx)));
  }
  if (auto f = integer("time", true, e.time, 0)) return f;
  if (auto f = integer("process", true, process, 0)) return f;
  if (auto f = integer("node", false, node, 0)) return f;
  if (auto f = integer("applied", false, applied, 0)) return f;
  std::optional<std::int64_t> bytes;
  if (auto f = integer("bytes", false, bytes, 0)) return f;
  if (const auto error = j.find("error"); error != j.end() && !error->is_string()) {
    return fail(field("error", "must be a string, not " + type_name(*error)));
  }
  e.process = static_cast<std::uint64_t>(*process);
  if (applied) e.applied = static_cast<std::uint64_t>(*applied);

  const auto type = j.find("type");
  if (type == j.end()) return fail(field("type", "missing"));
  if (!type->is_string()) return fail(field("type", "must be a string, not " + type_name(*type)));
  const auto t = event_type_from(type->get<std::string>());
  if (!t)
    return fail(
        field("type", "unknown event type \"" + printable(type->get<std::string>()) + "\""));
  e.type = *t;
  if (e.applied && e.type != EventType::ok) return fail(field("applied", "only ok events have it"));

  const auto f = j.find("f");
  if (f == j.end()) return fail(field("f", "missing"));
  if (!f->is_string()) return fail(field("f", "must be a string, not " + type_name(*f)));
  const auto kind = op_kind_from(f->get<std::string>());
  if (!kind)
    return fail(field("f", "unknown operation \"" + printable(f->get<std::string>()) + "\""));
  e.f = *kind;

  if (const auto key = j.find("key"); key != j.end()) {
    if (!key->is_string()) return fail(field("key", "must be a string, not " + type_name(*key)));
    e.key = key->get<std::string>();
    e.keyed = true;
  } else if (!register_op(e.f) && e.f != OpKind::broadcast) {
    return fail(field("key", "missing (a " + std::string(to_string(e.f)) + " needs a key)"));
  }

  const auto value = j.find("value");
  const bool invoke = e.type == EventType::invoke;
  std::string why;
  if (e.f == OpKind::cas) {
    if (value == j.end() || value->is_null()) {
      if (invoke) return fail(field("value", "missing (a cas needs [\"from\",\"to\"])"));
    } else if (!value->is_array() || value->size() != 2 || !(*value)[0].is_string() ||
               !(*value)[1].is_string()) {
      return fail(field("value", "a cas needs [\"from\",\"to\"] (two strings)"));
    } else {
      e.from = (*value)[0].get<std::string>();
      e.value = (*value)[1].get<std::string>();
    }
  } else if (value != j.end()) {
    e.value = json_value_string(*value, "value", why);
    if (!why.empty()) return fail(why);
  }
  if (invoke && (is_write(e.f) || e.f == OpKind::broadcast) && !e.value) {
    return fail(field("value", "missing (a " + std::string(to_string(e.f)) + " writes a string)"));
  }
  return std::nullopt;
}

// ---- Jepsen EDN ----

// A Jepsen value as text: integers in decimal, strings as they are, keywords by name; nil is
// none (the register's initial value, read as "").
std::optional<std::string> edn_scalar(const edn::Value& v, std::string_view name,
                                      std::string& why) {
  switch (v.kind) {
    case edn::Kind::nil: return std::nullopt;
    case edn::Kind::integer: return std::to_string(v.integer);
    case edn::Kind::string:
    case edn::Kind::keyword:
    case edn::Kind::floating: return v.text;
    case edn::Kind::boolean: return std::string(v.boolean ? "true" : "false");
    default: break;
  }
  why = field(name,
              "must be an integer, string or nil, not a " + std::string(edn::to_string(v.kind)));
  return std::nullopt;
}

bool is_pair(const edn::Value& v) {
  return (v.kind == edn::Kind::vector || v.kind == edn::Kind::list) && v.items.size() == 2;
}

// Outcome of reading one EDN line: an event, a line to skip (the nemesis), or a failure.
std::optional<Failure> edn_event(std::string_view line, std::uint64_t number, Event& e,
                                 bool& skip) {
  auto fail = [&](const std::string& what) { return Failure{number, what}; };
  std::string why;
  const std::optional<edn::Value> parsed = edn::parse(line, why);
  if (!parsed) return fail("not EDN: " + printable(why, 200));
  const edn::Value& m = *parsed;
  if (m.kind != edn::Kind::map) return fail("not an EDN map");

  const edn::Value* process = m.find("process");
  if (!process) return fail(field("process", "missing"));
  if (process->kind == edn::Kind::keyword) {
    if (process->text == "nemesis") {
      skip = true;
      return std::nullopt;
    }
    return fail(field("process", "unknown process :" + printable(process->text)));
  }
  if (process->kind != edn::Kind::integer || process->integer < 0) {
    return fail(field("process", "must be a non-negative integer or :nemesis"));
  }
  e.process = static_cast<std::uint64_t>(process->integer);

  const edn::Value* type = m.find("type");
  if (!type) return fail(field("type", "missing"));
  const auto t = type->kind == edn::Kind::keyword ? event_type_from(type->text) : std::nullopt;
  if (!t) return fail(field("type", "must be :invoke, :ok, :fail or :info"));
  e.type = *t;

  const edn::Value* f = m.find("f");
  if (!f) return fail(field("f", "missing"));
  if (f->kind != edn::Kind::keyword && f->kind != edn::Kind::string) {
    return fail(field("f", "must be a keyword, not a " + std::string(edn::to_string(f->kind))));
  }
  const auto kind = op_kind_from(f->text);
  if (!kind || *kind == OpKind::broadcast) {
    return fail(field("f", "unknown operation \"" + printable(f->text) + "\""));
  }
  e.f = *kind;

  if (const edn::Value* time = m.find("time")) {
    if (time->kind != edn::Kind::integer || time->integer < 0) {
      return fail(field("time", "must be a non-negative integer"));
    }
    e.time = time->integer;
  }

  const edn::Value nil;
  const edn::Value* value = m.find("value");
  if (!value) value = &nil;
  if (const edn::Value* key = m.find("key")) {
    const auto k = edn_scalar(*key, "key", why);
    if (!why.empty()) return fail(why);
    e.key = k.value_or("");
    e.keyed = true;
  } else if (!register_op(e.f) || (e.f != OpKind::cas && is_pair(*value)) ||
             (e.f == OpKind::cas && is_pair(*value) && is_pair(value->items[1]))) {
    // The key as the first element of a [key value] tuple.
    if (!is_pair(*value)) {
      return fail(field(
          "value", "a " + std::string(to_string(e.f)) + " without :key needs a [key value] tuple"));
    }
    const auto k = edn_scalar(value->items[0], "value", why);
    if (!why.empty()) return fail(why);
    e.key = k.value_or("");
    e.keyed = true;
    value = &value->items[1];
  }
  if (e.f == OpKind::cas) {
    if (value->kind == edn::Kind::nil && e.type != EventType::invoke) return std::nullopt;
    if (!is_pair(*value)) return fail(field("value", "a cas needs [from to]"));
    e.from = edn_scalar(value->items[0], "value", why);
    if (why.empty()) e.value = edn_scalar(value->items[1], "value", why);
    if (!why.empty()) return fail(why);
    e.from = e.from.value_or("");
    e.value = e.value.value_or("");
    return std::nullopt;
  }
  e.value = edn_scalar(*value, "value", why);
  if (!why.empty()) return fail(why);
  // nil is the initial value: a read of nil read "".
  if (e.type == EventType::ok) e.value = e.value.value_or("");
  return std::nullopt;
}

enum class Format : std::uint8_t { json_lines, edn };

std::optional<Format> detect(std::string_view text, std::uint64_t& line, std::string& what) {
  std::size_t i = 0;
  line = 1;
  auto skip_blank = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                               text[i] == '\n' || text[i] == ',')) {
      if (text[i] == '\n') ++line;
      ++i;
    }
  };
  skip_blank();
  if (i >= text.size()) return Format::json_lines;  // empty: no events in either format
  if (text[i] == '#' || text[i] == ';') return Format::edn;
  if (text[i] != '{') {
    what = "not a history: expected a JSON object or an EDN map, found '" +
           std::string(1, text[i]) + "'";
    return std::nullopt;
  }
  const std::uint64_t first = line;
  ++i;
  skip_blank();
  line = first;
  if (i < text.size() && text[i] == '"') return Format::json_lines;
  return Format::edn;
}

}  // namespace

std::optional<History> parse_history(std::string_view text, const std::string& name,
                                     std::string& error) {
  auto fail = [&](std::uint64_t line, const std::string& what) -> std::optional<History> {
    error = name + ":" + std::to_string(line) + ": " + what;
    return std::nullopt;
  };
  std::uint64_t first_line = 1;
  std::string what;
  const std::optional<Format> format = detect(text, first_line, what);
  if (!format) return fail(first_line, what);

  std::vector<Event> events;
  std::uint64_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > history_line_max) {
      return fail(number, "line longer than " + std::to_string(history_line_max) + " bytes");
    }
    if (line.find_first_not_of(" \t,") == std::string_view::npos) continue;
    Event e;
    e.line = number;
    std::optional<Failure> failure;
    if (*format == Format::json_lines) {
      failure = json_event(line, number, events.size(), e);
    } else {
      if (line[line.find_first_not_of(" \t,")] == ';') continue;
      bool skip = false;
      failure = edn_event(line, number, e, skip);
      if (!failure && skip) continue;
    }
    if (failure) return fail(failure->line, failure->what);
    events.push_back(std::move(e));
  }

  // Jepsen lines without :time are ordered by their place in the file.
  const bool all_timed =
      std::all_of(events.begin(), events.end(), [](const Event& e) { return e.time.has_value(); });
  Assembler assembler;
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    Event& e = events[i];
    if (!all_timed) e.time = static_cast<std::int64_t>(i);
    if (*e.time < previous) {
      return fail(e.line,
                  field("time", std::to_string(*e.time) + " is before the previous event's " +
                                    std::to_string(previous)));
    }
    previous = *e.time;
    if (auto failure = assembler.add(e)) return fail(failure->line, failure->what);
  }
  return assembler.take();
}

std::optional<History> read_history(const std::string& path, std::string& error, bool* io_error) {
  auto io_fail = [&](const std::string& what) -> std::optional<History> {
    error = path + ": " + what;
    if (io_error) *io_error = true;
    return std::nullopt;
  };
  if (io_error) *io_error = false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_fail(std::string("cannot open: ") + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return io_fail(std::string("cannot read: ") + std::strerror(errno));
  if (static_cast<std::uint64_t>(size) > history_file_max) {
    error = path + ":1: larger than " + std::to_string(history_file_max >> 20) +
            " MiB, the most a history may be";
    return std::nullopt;
  }
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), size))
    return io_fail(std::string("cannot read: ") + std::strerror(errno));
  return parse_history(text, path, error);
}

}  // namespace ry
