// Porcupine history (README.md, "Exporting a run"): a JSON array that Go's encoding/json
// decodes straight into []porcupine.Operation (the keys are the Go field names):
//   {"ClientId":2,"Input":{"f":"put","key":"k1","value":"v"},"Call":1200,
//    "Output":{"type":"ok"},"Return":5300,"Metadata":{"node":1,"seq":1,"step":75}}
// Call and Return are simulated nanoseconds. An operation whose outcome is unknown (info, or
// still open at the end of the run) returns at 9223372036854775807 (math.MaxInt64), so it may
// take effect at any later time, as Porcupine's users do for timeouts. A `fail` is kept with
// Output.type "fail" (a cas that did not match is an outcome a model can check). Operations are
// written when they complete, so in completion order.
#include <limits>

#include "traces/export/client_ops.hpp"
#include "traces/export/exporter.hpp"

namespace ry::exp {

namespace {

class Porcupine final : public Exporter {
 public:
  void header(const nlohmann::json&, TextBuffer& out) override { put(out, "["); }

  void event(const EventLine& e, TextBuffer& out) override {
    const std::string_view ev = e.ev();
    if (ev == "invoke") {
      ops_.invoke(e);
    } else if (ev == "ok" || ev == "fail" || ev == "info") {
      Completion how;
      const ClientOp op = ops_.complete(e, how);
      write(op, how, ev == "info" ? never : e.t_ns(), out);
    }
  }

  void footer(const nlohmann::json&, TextBuffer& out) override {
    Completion unknown;
    unknown.type = "info";
    for (const auto& [client, op] : ops_.open()) write(op, unknown, never, out);
    put(out, first_ ? "]\n" : "\n]\n");
  }

 private:
  static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

  void write(const ClientOp& op, const Completion& how, std::int64_t ret, TextBuffer& out) {
    put(out, first_ ? "\n" : ",\n");
    first_ = false;
    put(out, "{\"ClientId\":");
    put_int(out, op.client);
    put(out, ",\"Input\":{\"f\":");
    put_json_string(out, op.f);
    if (op.keyed) {
      put(out, ",\"key\":");
      put_json_string(out, op.key);
    }
    if (op.f == "cas") {
      put(out, ",\"expected\":");
      put_json_string(out, op.expected);
    }
    if (op.has_value) {
      put(out, ",\"value\":");
      put_json_string(out, op.value);
    }
    if (op.f == "broadcast") {
      put(out, ",\"seq\":");
      put_int(out, op.seq);
      put(out, ",\"bytes\":");
      put_int(out, op.bytes);
    }
    put(out, "},\"Call\":");
    put_int(out, op.invoke_ns);
    put(out, ",\"Output\":{\"type\":");
    put_json_string(out, how.type);
    if (how.type == "ok" && is_read(op.f)) {
      put(out, ",\"value\":");
      put_json_string(out, how.output);
    }
    if (!how.error.empty()) {
      put(out, ",\"error\":");
      put_json_string(out, how.error);
    }
    if (how.applied != 0) {
      put(out, ",\"applied\":");
      put_int(out, how.applied);
    }
    put(out, "},\"Return\":");
    put_int(out, ret);
    put(out, ",\"Metadata\":{\"node\":");
    put_int(out, op.node);
    put(out, ",\"seq\":");
    put_int(out, op.seq);
    put(out, ",\"step\":");
    put_int(out, static_cast<std::int64_t>(op.invoke_step));
    put(out, "}}");
  }

  ClientOps ops_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<Exporter> make_porcupine() { return std::make_unique<Porcupine>(); }

}  // namespace ry::exp
