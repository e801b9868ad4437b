#include "invariants/history/history.hpp"

namespace ry {

std::string describe(const HistoryOp& h) {
  std::string out(to_string(h.op.f));
  if (h.keyed || !h.op.key.empty()) out += " " + printable(h.op.key);
  switch (h.op.f) {
    case OpKind::read:
    case OpKind::get:
      out += " -> " + (h.output ? "\"" + printable(*h.output) + "\"" : std::string("?"));
      break;
    case OpKind::cas:
      out += " \"" + printable(h.op.expected) + "\"->\"" + printable(h.op.value) + "\"";
      break;
    default: out += " \"" + printable(h.op.value) + "\""; break;
  }
  return out;
}

}  // namespace ry
