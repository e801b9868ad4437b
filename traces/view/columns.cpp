#include "traces/view/columns.hpp"

#include <algorithm>
#include <charconv>

namespace ry::view {

namespace {

// The summary of the whole run: this many time buckets (a density strip across the page).
constexpr std::int64_t density_buckets = 400;

// Fields that have their own column, or that a viewer has no use for.
bool has_column(std::string_view key) {
  return key == "step" || key == "t" || key == "ev" || key == "node" || key == "id" ||
         key == "msg" || key == "digest" || key == "to" || key == "from";
}

// The other field of an event's lane pair: the receiver of a send or drop, the sender of a
// receipt, the client of a client operation, the peer of a fault.
std::string_view peer_key(std::string_view ev) {
  if (ev == "send" || ev == "drop") return "to";
  if (ev == "recv") return "from";
  if (ev == "invoke" || ev == "ok" || ev == "fail" || ev == "info" || ev == "reply")
    return "client";
  if (ev == "client") return "sender";
  if (ev == "fault") return "peer";
  return {};
}

void put_number(TextBuffer& out, std::int64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

template <class Int>
void put_array(TextBuffer& out, std::string_view name, const std::vector<Int>& values) {
  out.push_back('"');
  out.append(name.data(), name.size());
  out.append("\":[", 3);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    put_number(out, static_cast<std::int64_t>(values[i]));
  }
  out.append("],", 2);
}

void put_strings(TextBuffer& out, std::string_view name, const std::vector<std::string>& values) {
  out.push_back('"');
  out.append(name.data(), name.size());
  out.append("\":[", 3);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    put_script_string(out, values[i]);
  }
  out.append("],", 2);
}

// "key=value key=value" of the fields without a column (strings unescaped, arrays as written).
std::string detail_text(const exp::EventLine& e) {
  std::string text;
  for (const exp::EventLine::Field& f : e.fields()) {
    if (has_column(f.key)) continue;
    if (!text.empty()) text.push_back(' ');
    text.append(f.key);
    text.push_back('=');
    if (f.value.kind == exp::Value::Kind::string) {
      text += f.value.escaped ? exp::unescape_json(f.value.raw) : std::string(f.value.raw);
    } else if (f.value.kind == exp::Value::Kind::boolean) {
      text += f.value.integer != 0 ? "true" : "false";
    } else {
      text.append(f.value.raw);
    }
  }
  return text;
}

}  // namespace

void put_script_string(TextBuffer& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || c == '<' || c == '>' || c == '&') {
      const char escape[6] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 0xf]};
      out.append(escape, sizeof escape);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

Columns::Columns(std::int64_t sim_ns)
    : bucket_ns_(std::max<std::int64_t>(1, (sim_ns + density_buckets - 1) / density_buckets)),
      density_events_(static_cast<std::size_t>(density_buckets), 0),
      density_sends_(static_cast<std::size_t>(density_buckets), 0) {}

void Columns::count(const exp::EventLine& e) {
  const auto bucket =
      static_cast<std::size_t>(std::min<std::int64_t>(density_buckets - 1, e.t_ns() / bucket_ns_));
  ++density_events_[bucket];
  if (e.ev() == "send") ++density_sends_[bucket];
}

void Columns::before(const exp::EventLine& e) {
  const std::string_view ev = e.ev();
  if (ev == "status") {
    initial_[e.integer("node")] = Initial{e.step(), e.t_ns(), detail_text(e)};
  } else if (ev == "fault" || ev == "crash" || ev == "restart") {
    push(e);
  }
}

void Columns::keep(const exp::EventLine& e) { push(e); }

int Columns::index_of(std::map<std::string, int, std::less<>>& table,
                      std::vector<std::string>& names, std::string_view name) {
  const auto it = table.find(name);
  if (it != table.end()) return it->second;
  const int index = static_cast<int>(names.size());
  names.emplace_back(name);
  table.emplace(std::string(name), index);
  return index;
}

void Columns::push(const exp::EventLine& e) {
  const std::string_view ev = e.ev();
  step_.push_back(e.step());
  t_.push_back(e.t_ns());
  kind_.push_back(index_of(kind_index_, kinds_, ev));
  node_.push_back(e.integer_or("node", -1));
  const std::string_view peer = peer_key(ev);
  peer_.push_back(peer.empty() ? -1 : e.integer_or(peer, -1));
  const bool message = ev == "send" || ev == "recv" || ev == "drop";
  id_.push_back(message ? e.integer("id") : 0);
  if (message) {
    const exp::Value* msg = e.find("msg");
    if (msg == nullptr || msg->kind != exp::Value::Kind::string)
      throw exp::InputError(exp::field_error("msg", "missing or not a string"));
    msg_.push_back(index_of(msg_index_, msgs_, msg->raw));
  } else {
    msg_.push_back(-1);
  }
  // A receipt repeats its send's fields: the page shows the send's.
  if (ev == "recv") {
    detail_.push_back(-1);
    return;
  }
  // Many events repeat one text (heartbeats of one view, deliveries' `inc=0`): each is kept once,
  // which more than halves a page.
  const std::string text = detail_text(e);
  detail_.push_back(text.empty() ? -1 : index_of(detail_index_, details_, text));
}

void Columns::write_json(TextBuffer& out) const {
  put_strings(out, "kinds", kinds_);
  put_strings(out, "msgs", msgs_);
  put_array(out, "step", step_);
  put_array(out, "t", t_);
  put_array(out, "k", kind_);
  put_array(out, "n", node_);
  put_array(out, "p", peer_);
  put_array(out, "id", id_);
  put_array(out, "m", msg_);
  put_array(out, "d", detail_);
  put_strings(out, "details", details_);
  out.append("\"initial\":[", 11);
  bool first = true;
  for (const auto& [node, status] : initial_) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    put_number(out, node);
    out.push_back(',');
    put_number(out, static_cast<std::int64_t>(status.step));
    out.push_back(',');
    put_number(out, status.t);
    out.push_back(',');
    put_script_string(out, status.fields);
    out.push_back(']');
  }
  out.append("],\"density\":{", 13);
  out.append("\"bucket_ns\":", 12);
  put_number(out, bucket_ns_);
  out.push_back(',');
  put_array(out, "events", density_events_);
  put_array(out, "sends", density_sends_);
  // put_array leaves a trailing comma: close with a member that needs none.
  out.append("\"buckets\":", 10);
  put_number(out, density_buckets);
  out.push_back('}');
}

}  // namespace ry::view
