#include "invariants/history/history.hpp"

namespace ry {

std::string describe(const HistoryOp& h) {
  std::string out(to_string(h.op.f));
  if (h.keyed || !h.op.key.empty()) out += " " + h.op.key;
  switch (h.op.f) {
    case OpKind::read:
    case OpKind::get:
      out += " -> " + (h.output ? "\"" + *h.output + "\"" : std::string("?"));
      break;
    case OpKind::cas: out += " \"" + h.op.expected + "\"->\"" + h.op.value + "\""; break;
    default: out += " \"" + h.op.value + "\""; break;
  }
  return out;
}

}  // namespace ry
