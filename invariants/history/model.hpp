// The sequential specifications the linearizability checker tests a history against (Porcupine's
// Model, Knossos's model). A state is a compact string; a step either gives the next state or
// says the operation could not have produced its observed output in that state.
//
// Both models are per-key registers, so a history is checked key by key (P-compositionality,
// Herlihy & Wing 1990, section 3.2: a history is linearizable iff each object's sub-history is).
// A missing key and the register's initial value are "" (protocol/common/kv_store.hpp; Jepsen's
// nil reads as "" too).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "invariants/history/history.hpp"

namespace ry::lin {

class Model {
 public:
  virtual ~Model() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] virtual bool accepts(OpKind f) const noexcept = 0;
  [[nodiscard]] virtual std::string init() const { return {}; }
  // True if `op`, applied in `state`, can have given its observed output; then `next` is the
  // state after it, except for a read_only() op, which leaves `next` alone (the state is the
  // same, and the search never copies it).
  [[nodiscard]] virtual bool step(std::string_view state, const HistoryOp& op,
                                  std::string& next) const = 0;
  // True if `op` never changes the state (a read): such an op with an unknown outcome can be
  // dropped before the search, and its step needs no new state.
  [[nodiscard]] static bool read_only(OpKind f) noexcept {
    return f == OpKind::read || f == OpKind::get;
  }
};

// Jepsen's cas-register: read, write, cas [from to].
std::unique_ptr<Model> register_model();
// A map of registers: get/read, put/write, append, cas; each key is checked on its own.
std::unique_ptr<Model> kv_model();

}  // namespace ry::lin
