#include "invariants/history/model.hpp"

namespace ry::lin {

namespace {

// One register's semantics, as KvStore::execute applies them.
bool register_step(std::string_view state, const HistoryOp& h, std::string& next) {
  switch (h.op.f) {
    case OpKind::read:
    case OpKind::get:
      // The state does not change: `next` is left alone (Model::step).
      return !h.output || *h.output == state;
    case OpKind::write:
    case OpKind::put: next = h.op.value; return true;
    case OpKind::append:
      next.assign(state);
      next += h.op.value;
      return true;
    case OpKind::cas:
      // Only a cas that took effect is in the search (a failed one is dropped), so a mismatch
      // means this order is impossible.
      if (state != h.op.expected) return false;
      next = h.op.value;
      return true;
    case OpKind::broadcast: return false;
  }
  return false;
}

class RegisterModel final : public Model {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "register"; }
  [[nodiscard]] bool accepts(OpKind f) const noexcept override {
    return f == OpKind::read || f == OpKind::write || f == OpKind::cas;
  }
  [[nodiscard]] bool step(std::string_view state, const HistoryOp& op,
                          std::string& next) const override {
    return register_step(state, op, next);
  }
};

class KvModel final : public Model {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "kv"; }
  [[nodiscard]] bool accepts(OpKind f) const noexcept override { return f != OpKind::broadcast; }
  [[nodiscard]] bool step(std::string_view state, const HistoryOp& op,
                          std::string& next) const override {
    return register_step(state, op, next);
  }
};

}  // namespace

std::unique_ptr<Model> register_model() { return std::make_unique<RegisterModel>(); }
std::unique_ptr<Model> kv_model() { return std::make_unique<KvModel>(); }

}  // namespace ry::lin
