// ShiViz log (README.md, "Exporting a run"): the upload layout ShiViz reads, with its parser
// regex on the first line, an empty execution delimiter on the second, then two lines per
// event: a description (with the step and the simulated time as extra fields) and
// "<host> <vector clock as JSON>". Hosts are the nodes n0, n1, ...
//
// ShiViz infers messages from the clocks, so they must be exact: every node keeps one clock,
// ticks it on each of its events, and a message carries its sender's clock at the send; a
// receipt merges it (element-wise maximum) before ticking. A clock is never reset, not even by
// a restart (ShiViz requires each host's own entries to run 1, 2, 3, ...). Client operations
// (client-side events) and status lines are left out; a node's `client` and `reply` lines stand
// for them. Memory: one clock per node and one per message in flight.
#include <map>
#include <vector>

#include "traces/export/exporter.hpp"

namespace ry::exp {

namespace {

using Clock = std::vector<std::uint64_t>;

class ShiViz final : public Exporter {
 public:
  void header(const nlohmann::json& header, TextBuffer& out) override {
    nodes_ = node_count(header);
    clocks_.assign(nodes_, Clock(nodes_, 0));
    put(out, "(?<event>.*) step=(?<step>\\d+) t=(?<t>\\d+)ns\\n(?<host>\\S*) (?<clock>{.*})\n\n");
  }

  void event(const EventLine& e, TextBuffer& out) override {
    const std::string_view ev = e.ev();
    if (ev == "invoke" || ev == "ok" || ev == "fail" || ev == "info" || ev == "status") return;
    if (ev == "fault") {
      if (!e.has("node")) return;  // cluster-wide (a partition, heal_all): no host of its own
      std::string what = "fault " + e.string("fault");
      if (e.has("peer")) what += " peer=n" + e.text("peer");
      what += " value=" + e.text("value");
      if (e.has("detail")) what += " " + e.string("detail");
      return local(node_of(e), what, e, out);
    }
    if (!e.has("node")) return;  // a kind this build does not know, of no node
    const std::uint32_t n = node_of(e);
    if (ev == "send") {
      const std::int64_t copies = e.integer_or("copies", 1);
      local(n, "send " + e.string("msg") + " m" + e.text("id") + " to=n" + e.text("to"), e, out);
      if (copies > 0) in_flight_[e.integer("id")] = {clocks_[n], copies};
      return;
    }
    if (ev == "recv") {
      const auto it = arrival(e);
      Clock& c = clocks_[n];
      for (std::uint32_t i = 0; i < nodes_; ++i) c[i] = std::max(c[i], it->second.clock[i]);
      consume(it);
      return local(n, "recv " + e.string("msg") + " m" + e.text("id") + " from=n" + e.text("from"),
                   e, out);
    }
    if (ev == "drop") {
      if (e.string("why") == "dead") return consume(arrival(e));
      return local(n,
                   "lost " + e.string("msg") + " m" + e.text("id") + " to=n" + e.text("to") +
                       " why=" + e.string("why"),
                   e, out);
    }
    std::string what(ev);
    if (ev == "timer") what += " " + e.text("timer");
    if (ev == "client") what += " c" + e.text("client") + "." + e.text("seq");
    if (ev == "reply")
      what += " c" + e.text("client") + "." + e.text("seq") + " " + e.string("status");
    if (ev == "deliver") what += " " + e.text("sender") + "." + e.text("seq");
    if (ev == "view") what += " " + e.text("view");
    if (ev == "note") what += " " + e.string("note") + " " + e.text("a") + " " + e.text("b");
    local(n, what, e, out);
  }

  void footer(const nlohmann::json&, TextBuffer&) override {}

 private:
  struct InFlight {
    Clock clock;
    std::int64_t copies_left = 1;
  };
  using Map = std::map<std::int64_t, InFlight>;

  std::uint32_t node_of(const EventLine& e) const {
    const std::int64_t n = e.integer("node");
    if (n < 0 || n >= static_cast<std::int64_t>(nodes_))
      throw InputError(field_error("node", "not a node of this run"));
    return static_cast<std::uint32_t>(n);
  }

  Map::iterator arrival(const EventLine& e) {
    const auto it = in_flight_.find(e.integer("id"));
    if (it == in_flight_.end())
      throw InputError(field_error("id", "no message in flight has this id (no send before it)"));
    return it;
  }
  void consume(Map::iterator it) {
    if (--it->second.copies_left <= 0) in_flight_.erase(it);
  }

  void local(std::uint32_t n, const std::string& what, const EventLine& e, TextBuffer& out) {
    Clock& c = clocks_[n];
    ++c[n];
    for (char ch : what) out.push_back(ch == '\n' || ch == '\r' ? ' ' : ch);
    put(out, " step=");
    put_int(out, static_cast<std::int64_t>(e.step()));
    put(out, " t=");
    put_int(out, e.t_ns());
    put(out, "ns\nn");
    put_int(out, n);
    put(out, " {");
    bool first = true;
    for (std::uint32_t i = 0; i < nodes_; ++i) {
      if (c[i] == 0) continue;
      if (!first) out.push_back(',');
      first = false;
      put(out, "\"n");
      put_int(out, i);
      put(out, "\":");
      put_int(out, static_cast<std::int64_t>(c[i]));
    }
    put(out, "}\n");
  }

  std::uint32_t nodes_ = 0;
  std::vector<Clock> clocks_;
  Map in_flight_;
};

}  // namespace

std::unique_ptr<Exporter> make_shiviz() { return std::make_unique<ShiViz>(); }

}  // namespace ry::exp
