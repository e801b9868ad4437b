// Mermaid sequence diagram (README.md, "Exporting a run"), for short runs such as a shrunk
// counterexample: a participant per node (N0, N1, ...) and per client (C0, ...), declared at
// first use. A message is one arrow drawn where it is received, with its send and receipt
// times in the text (a sequence diagram cannot show time in flight); a lost message is a cross
// (-x) drawn where it was lost. Client invocations and completions are arrows between client
// and node; crashes, restarts, views, deliveries and injected faults are notes.
//
// Mermaid draws nothing past 50,000 characters (its maxTextSize) and a diagram of thousands of
// arrows is unreadable, so a run longer than the limits (Options) is refused, not cut short
// silently: the message says how to pick a window of steps.
#include <map>
#include <set>

#include "traces/export/exporter.hpp"

namespace ry::exp {

namespace {

// Text that cannot break mermaid's parser: ';' ends a statement, '#' starts an entity code,
// and a bare word "end" closes a block.
std::string clean(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ';' || c == '\n' || c == '\r') {
      out.push_back(c == ';' ? ',' : ' ');
    } else if (c == '#') {
      out += "no.";
    } else {
      out.push_back(c);
    }
  }
  for (std::size_t at = out.find("end"); at != std::string::npos; at = out.find("end", at + 3)) {
    const bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(out[at - 1]));
    const bool word_end =
        at + 3 >= out.size() || !std::isalnum(static_cast<unsigned char>(out[at + 3]));
    if (word_start && word_end) out.replace(at, 3, "End");
  }
  return out;
}

std::string time_text(std::int64_t ns) {
  return std::to_string(ns / 1000) + "." + std::to_string(ns % 1000 / 100) +
         std::to_string(ns % 100 / 10) + std::to_string(ns % 10) + "us";
}

class Mermaid final : public Exporter {
 public:
  explicit Mermaid(const Options& o) : options_(o) {}

  void header(const nlohmann::json& header, TextBuffer& out) override {
    nodes_ = node_count(header);
    line(out, "sequenceDiagram");
    for (std::uint32_t n = 0; n < nodes_; ++n) {
      line(out, "    participant N" + std::to_string(n) + " as n" + std::to_string(n));
    }
  }

  void event(const EventLine& e, TextBuffer& out) override {
    const std::string_view ev = e.ev();
    // Sends are remembered whether or not they are in the window: a receipt inside it shows
    // when its message left.
    if (ev == "send") {
      const std::int64_t copies = e.integer_or("copies", 1);
      if (copies > 0) sent_[e.integer("id")] = {e.t_ns(), copies};
      return;
    }
    const bool shown = e.step() >= options_.first_step && e.step() <= options_.last_step;
    const std::string where =
        " [step " + std::to_string(e.step()) + ", " + time_text(e.t_ns()) + "]";
    if (ev == "recv" || ev == "drop") {
      const std::int64_t id = e.integer("id");
      const bool at_arrival = ev == "recv" || e.string("why") == "dead";
      std::string sent_at;
      if (at_arrival) {
        const auto it = sent_.find(id);
        if (it == sent_.end())
          throw InputError(
              field_error("id", "no message in flight has this id (no send before it)"));
        sent_at = time_text(it->second.t);
        if (--it->second.copies <= 0) sent_.erase(it);
      }
      if (!shown) return;
      const std::string kind = e.string("msg");
      if (ev == "recv") {
        arrow(out, node(e.integer("from")), "-)", node(e.integer("node")),
              kind + " m" + std::to_string(id) + " sent " + sent_at + ", received" + where);
      } else {
        arrow(out, node(e.integer("node")), "-x", node(e.integer("to")),
              kind + " m" + std::to_string(id) + " lost (" + e.string("why") + ")" + where);
      }
      return;
    }
    if (!shown) return;
    if (ev == "invoke") {
      std::string what = e.string("f");
      if (e.has("key")) what += " " + e.string("key");
      if (e.has("expected")) what += " from '" + e.text("expected") + "'";
      if (e.has("value")) what += " '" + e.text("value") + "'";
      arrow(out, client(out, e.integer("client")), "->>", node(e.integer("node")), what + where);
    } else if (ev == "ok" || ev == "fail" || ev == "info") {
      std::string what(ev);
      if (e.has("value")) what += " '" + e.text("value") + "'";
      if (e.has("error")) what += " (" + e.string("error") + ")";
      arrow(out, node(e.integer("node")), "-->>", client(out, e.integer("client")), what + where);
    } else if (ev == "crash" || ev == "restart") {
      note(out, node(e.integer("node")), std::string(ev) + where);
    } else if (ev == "view") {
      note(out, node(e.integer("node")), "view " + e.text("view") + where);
    } else if (ev == "deliver") {
      note(out, node(e.integer("node")),
           "deliver " + e.text("sender") + "." + e.text("seq") + where);
    } else if (ev == "fault") {
      std::string what = e.string("fault");
      if (e.has("detail")) what += " " + e.string("detail");
      if (e.has("node") && e.has("peer")) {
        note(out, node(e.integer("node")) + "," + node(e.integer("peer")), what + where);
      } else if (e.has("node")) {
        note(out, node(e.integer("node")), what + where);
      } else {
        note(out, "N0,N" + std::to_string(nodes_ - 1), what + where);
      }
    }
  }

  void footer(const nlohmann::json& footer, TextBuffer& out) override {
    note(out, "N0,N" + std::to_string(nodes_ - 1),
         "end of run: " + footer.value("outcome", std::string("?")));
  }

 private:
  struct Sent {
    std::int64_t t = 0;
    std::int64_t copies = 1;
  };

  std::string node(std::int64_t n) const {
    if (n < 0 || n >= static_cast<std::int64_t>(nodes_))
      throw InputError(field_error("node", "not a node of this run"));
    return "N" + std::to_string(n);
  }
  std::string client(TextBuffer& out, std::int64_t c) {
    if (c < 0) throw InputError(field_error("client", "negative"));
    const std::string id = "C" + std::to_string(c);
    if (clients_.insert(c).second)
      line(out, "    participant " + id + " as client c" + std::to_string(c));
    return id;
  }

  void arrow(TextBuffer& out, const std::string& from, std::string_view kind, const std::string& to,
             const std::string& text) {
    if (++messages_ > options_.messages_max) {
      refuse("more than " + std::to_string(options_.messages_max) + " arrows");
    }
    line(out, "    " + from + std::string(kind) + to + ": " + clean(text));
  }
  void note(TextBuffer& out, const std::string& over, const std::string& text) {
    line(out, "    Note over " + over + ": " + clean(text));
  }
  void line(TextBuffer& out, const std::string& text) {
    chars_ += text.size() + 1;
    if (chars_ > options_.chars_max) {
      refuse("more than " + std::to_string(options_.chars_max) +
             " characters (mermaid's default maxTextSize is 50000)");
    }
    put(out, text);
    out.push_back('\n');
  }
  [[noreturn]] void refuse(const std::string& what) const {
    throw InputError("mermaid: the diagram would have " + what +
                     ": too long to draw; export a window of the run with --steps FIRST..LAST "
                     "(or use --format chrome or shiviz for whole runs)");
  }

  Options options_;
  std::uint32_t nodes_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t chars_ = 0;
  std::map<std::int64_t, Sent> sent_;
  std::set<std::int64_t> clients_;
};

}  // namespace

std::unique_ptr<Exporter> make_mermaid(const Options& options) {
  return std::make_unique<Mermaid>(options);
}

}  // namespace ry::exp
