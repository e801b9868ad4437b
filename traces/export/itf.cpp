// Apalache/Quint ITF, the Informal Trace Format (README.md, "Exporting a run"): the protocol
// state per step, for a model checker or Quint's model-based tests. One ITF state per step that
// changes a node's state (its status line, a crash or a restart), the first after step 0:
//   {"#meta":{"index":1,"step":75},"now_ns":{"#bigint":"1200"},
//    "state":{"#map":[["n0",{"term":{"#bigint":"1"},...}],...]},"up":{"#set":["n0","n1"]},
//    "last_event":{"tag":"status","value":{"#tup":["n0"]}}}
// Integers are always #bigint (times pass 2^53); a node with no status yet has an empty record.
// Only the current state is kept (one record per node), so memory does not grow with the trace.
#include <vector>

#include "traces/export/exporter.hpp"

namespace ry::exp {

namespace {

void put_bigint(TextBuffer& out, std::string_view digits) {
  put(out, "{\"#bigint\":\"");
  put(out, digits);
  put(out, "\"}");
}

void put_node(TextBuffer& out, std::size_t node) {
  put(out, "\"n");
  put_int(out, static_cast<std::int64_t>(node));
  put(out, "\"");
}

// A status field as an ITF value: integers as #bigint, strings as they are, arrays of integers
// as lists; anything else is kept as text, marked unserializable.
void put_value(TextBuffer& out, std::string_view key, const Value& v) {
  switch (v.kind) {
    case Value::Kind::integer: put_bigint(out, v.raw); return;
    case Value::Kind::string:
      put_json_string(out, v.escaped ? unescape_json(v.raw) : std::string(v.raw));
      return;
    case Value::Kind::boolean: put(out, v.integer != 0 ? "true" : "false"); return;
    case Value::Kind::array: {
      put(out, "[");
      bool first = true;
      for (const std::int64_t item : integer_array(key, v)) {
        if (!first) put(out, ",");
        first = false;
        put_bigint(out, std::to_string(item));
      }
      put(out, "]");
      return;
    }
    default:
      put(out, "{\"#unserializable\":");
      put_json_string(out, v.raw);
      put(out, "}");
  }
}

class Itf final : public Exporter {
 public:
  void header(const nlohmann::json& header, TextBuffer& out) override {
    const std::uint32_t nodes = node_count(header);
    records_.assign(nodes, "{}");
    up_.assign(nodes, true);
    const std::string source =
        "railyard " + header.value("protocol", std::string("?")) + " seed " + header["seed"].dump();
    put(out,
        "{\"#meta\":{\"format\":\"ITF\",\"format-description\":"
        "\"https://apalache-mc.org/docs/adr/015adr-trace.html\",\"source\":");
    put_json_string(out, source);
    put(out,
        ",\"description\":\"one state per step that changes a node's protocol state (its "
        "status, a crash or a restart)\"},\n\"vars\":[\"now_ns\",\"state\",\"up\","
        "\"last_event\"],\n\"states\":[");
  }

  void event(const EventLine& e, TextBuffer& out) override {
    const std::string_view ev = e.ev();
    if (ev != "status" && ev != "crash" && ev != "restart") return;
    // The state after a step is complete only when the next step begins.
    if (dirty_ && e.step() != step_) emit(out);
    const std::int64_t node = e.integer("node");
    if (node < 0 || static_cast<std::uint64_t>(node) >= records_.size())
      throw InputError(field_error("node", "not a node of this run"));
    const auto n = static_cast<std::size_t>(node);
    if (ev == "status") {
      TextBuffer record;
      put(record, "{");
      bool first = true;
      for (const EventLine::Field& f : e.fields()) {
        if (f.key == "step" || f.key == "t" || f.key == "ev" || f.key == "node") continue;
        if (!first) put(record, ",");
        first = false;
        put_json_string(record, f.key);
        put(record, ":");
        put_value(record, f.key, f.value);
      }
      put(record, "}");
      records_[n] = std::string(record.view());
    } else {
      up_[n] = ev == "restart";
    }
    dirty_ = true;
    step_ = e.step();
    t_ = e.t_ns();
    last_tag_ = std::string(ev);
    last_node_ = n;
  }

  void footer(const nlohmann::json&, TextBuffer& out) override {
    if (dirty_ || index_ == 0) emit(out);
    put(out, "\n]}\n");
  }

 private:
  void emit(TextBuffer& out) {
    put(out, index_ == 0 ? "\n" : ",\n");
    put(out, "{\"#meta\":{\"index\":");
    put_int(out, static_cast<std::int64_t>(index_));
    put(out, ",\"step\":");
    put_int(out, static_cast<std::int64_t>(step_));
    put(out, "},\"now_ns\":");
    put_bigint(out, std::to_string(t_));
    put(out, ",\"state\":{\"#map\":[");
    for (std::size_t n = 0; n < records_.size(); ++n) {
      put(out, n == 0 ? "[" : ",[");
      put_node(out, n);
      put(out, ",");
      put(out, records_[n]);
      put(out, "]");
    }
    put(out, "]},\"up\":{\"#set\":[");
    bool first = true;
    for (std::size_t n = 0; n < up_.size(); ++n) {
      if (!up_[n]) continue;
      if (!first) put(out, ",");
      first = false;
      put_node(out, n);
    }
    put(out, "]},\"last_event\":");
    if (last_tag_.empty()) {
      put(out, "{\"tag\":\"Init\",\"value\":{\"#tup\":[]}}");
    } else {
      put(out, "{\"tag\":");
      put_json_string(out, last_tag_);
      put(out, ",\"value\":{\"#tup\":[");
      put_node(out, last_node_);
      put(out, "]}}");
    }
    put(out, "}");
    ++index_;
    dirty_ = false;
  }

  std::vector<std::string> records_;  // each node's status, as ITF record text
  std::vector<bool> up_;
  bool dirty_ = false;
  std::uint64_t step_ = 0;
  std::int64_t t_ = 0;
  std::string last_tag_;
  std::size_t last_node_ = 0;
  std::uint64_t index_ = 0;
};

}  // namespace

std::unique_ptr<Exporter> make_itf() { return std::make_unique<Itf>(); }

}  // namespace ry::exp
