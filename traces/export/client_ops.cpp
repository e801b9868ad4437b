#include "traces/export/client_ops.hpp"

namespace ry::exp {

const ClientOp& ClientOps::invoke(const EventLine& e) {
  ClientOp op;
  op.client = e.integer("client");
  if (op.client < 0) throw InputError(field_error("client", "negative"));
  if (open_.contains(op.client)) {
    throw InputError(field_error("client", "client " + std::to_string(op.client) +
                                               " invokes again while an operation is open"));
  }
  op.node = e.integer("node");
  op.seq = e.integer("seq");
  op.invoke_ns = e.t_ns();
  op.invoke_step = e.step();
  op.f = e.string("f");
  op.keyed = e.has("key");
  if (op.keyed) op.key = e.string("key");
  op.has_value = e.has("value");
  if (op.has_value) op.value = e.text("value");
  if (e.has("expected")) op.expected = e.text("expected");
  op.bytes = e.integer_or("bytes", 0);
  if (op.f == "cas" && (!e.has("expected") || !op.has_value))
    throw InputError(field_error(e.has("expected") ? "value" : "expected", "missing on a cas"));
  return open_.emplace(op.client, std::move(op)).first->second;
}

ClientOp ClientOps::complete(const EventLine& e, Completion& how) {
  const std::int64_t client = e.integer("client");
  const auto it = open_.find(client);
  if (it == open_.end()) {
    throw InputError(field_error(
        "client", "client " + std::to_string(client) + " completes an operation it never invoked"));
  }
  const std::string f = e.string("f");
  if (f != it->second.f) {
    throw InputError(field_error("f", "completes a \"" + it->second.f + "\" with \"" + f + "\""));
  }
  how = Completion{};
  how.type = std::string(e.ev());
  how.has_output = e.has("value");
  how.output = e.text("value");
  if (e.has("error")) how.error = e.string("error");
  how.applied = e.integer_or("applied", 0);
  ClientOp op = std::move(it->second);
  open_.erase(it);
  return op;
}

}  // namespace ry::exp
