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

std::string printable(std::string_view text, std::size_t max_bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace ry
