#include "traces/history_writer.hpp"

#include "traces/json_line.hpp"

namespace ry {

namespace {
using Line = BasicJsonLine<TextBuffer>;

// A register operation (read, write, cas) names no key: Jepsen's register histories have none.
bool keyed(OpKind f) { return f != OpKind::read && f != OpKind::write && f != OpKind::cas; }
}  // namespace

void HistoryWriter::on_history(const Step& step, const HistoryEvent& e) {
  const Operation& op = *e.op;
  Line j(buffer_);
  j.begin()
      .field("index", e.index)
      .field("time", step.time.ns)
      .field("process", e.request.client.value)
      .field("type", to_string(e.type))
      .field("f", to_string(op.f));
  if (keyed(op.f) || !op.key.empty()) j.field("key", std::string_view{op.key});
  // value: what is written (cas: [from, to]), or for a read what it returned (null on invoke).
  if (op.f == OpKind::cas) {
    j.array("value").element(std::string_view{op.expected}).element(std::string_view{op.value});
    j.end_array();
  } else if (op.f == OpKind::read || op.f == OpKind::get) {
    if (e.type == HistoryType::ok) {
      j.field("value", e.output);
    } else {
      j.raw("value", "null");
    }
  } else if (op.f == OpKind::broadcast) {
    j.field("bytes", static_cast<std::uint64_t>(op.value.size()));
  } else {
    j.field("value", std::string_view{op.value});
  }
  j.field("node", e.node.value);
  if (e.type == HistoryType::fail && !e.output.empty()) j.field("error", e.output);
  if (e.applied != 0) j.field("applied", e.applied);
  j.end();
  buffer_.push_back('\n');
  ++events_;
  sink_(buffer_.view());
  buffer_.clear();
}

}  // namespace ry
