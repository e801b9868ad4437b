// Chrome Trace Event Format (JSON object form), read by Perfetto, chrome://tracing, the DevTools
// Performance panel and speedscope. Layout (README.md, "Exporting a run"):
// - a process per node (pid = node + 1, one thread "events"), and one process "clients" with a
//   thread per client;
// - the events of one node at one instant are one complete slice ("X", dur 0) named after them,
//   so that message flows have one slice to bind to;
// - a message is a flow from its send's slice ("s") to its receipt's ("f", bound to the
//   enclosing slice): flow events carry the same pid, tid, ts and cat as their slice and come
//   after it in the file, and a duplicated message gets one flow per copy;
// - crashes, restarts and injected faults are instants ("i": on the node's process, or global),
//   and so are view installs and term changes; a node's status fields are counters ("C");
// - a client operation is a slice from its invocation to its completion.
// Times: ts is in microseconds, written from integer nanoseconds with three decimals.
#include <map>
#include <set>
#include <vector>

#include "traces/export/exporter.hpp"

namespace ry::exp {

namespace {

class Chrome final : public Exporter {
 public:
  void header(const nlohmann::json& header, TextBuffer& out) override {
    header_ = header;
    nodes_ = node_count(header);
    clients_pid_ = static_cast<std::int64_t>(nodes_) + 1;
    groups_.resize(nodes_);
    last_term_.assign(nodes_, -1);
    put(out, "{\"traceEvents\":[\n");
    for (std::uint32_t n = 0; n < nodes_; ++n) {
      metadata(out, pid(n), 1, "process_name", "name", "n" + std::to_string(n));
      metadata(out, pid(n), 1, "thread_name", "name", "events");
    }
    metadata(out, clients_pid_, 1, "process_name", "name", "clients");
  }

  void event(const EventLine& e, TextBuffer& out) override {
    const std::string_view ev = e.ev();
    if (e.t_ns() != now_) {
      // Time moved on: every slice so far is complete. Written now, the file stays in time
      // order, so a flow's start is always written before its end.
      for (std::uint32_t n : open_groups_) flush_group(n, out);
      open_groups_.clear();
    }
    now_ = e.t_ns();
    if (ev == "invoke") return invoke(e);
    if (ev == "ok" || ev == "fail" || ev == "info") return complete(e, out);
    if (ev == "fault") return fault(e, out);
    if (!e.has("node")) {
      // A kind this build does not know, of no node: shown, not refused.
      instant(out, 1, "g", std::string(ev), "other", e.t_ns(), e.step());
      return;
    }
    const std::uint32_t n = node_of(e);
    if (ev == "drop") return drop(e, n, out);
    if (ev == "status") return status(e, n, out);
    if (ev == "crash" || ev == "restart") {
      instant(out, pid(n), "p", std::string(ev), "fault", e.t_ns(), e.step());
      return;
    }
    if (ev == "view") {
      instant(out, pid(n), "p", "view " + e.text("view"), "view", e.t_ns(), e.step());
    }
    Group& g = group_at(n, e.t_ns(), out);
    g.steps.insert(e.step());
    if (ev == "send") {
      const std::int64_t id = e.integer("id");
      const std::int64_t copies = e.integer_or("copies", 1);
      add_part(g, "send " + e.string("msg") + " to n" + e.text("to"));
      for (std::int64_t c = 0; c < copies; ++c) g.flows.push_back({'s', flow_id(id, c)});
      if (copies == 2) duplicated_.insert(id);
    } else if (ev == "recv") {
      add_part(g, "recv " + e.string("msg") + " from n" + e.text("from"));
      g.flows.push_back({'f', flow_id(e.integer("id"), arrival_copy(e.integer("id")))});
    } else if (ev == "timer") {
      add_part(g, "timer " + e.text("timer"));
    } else if (ev == "client") {
      add_part(g, "request c" + e.text("client") + "#" + e.text("seq"));
    } else if (ev == "reply") {
      add_part(g, "reply c" + e.text("client") + "#" + e.text("seq") + " " + e.string("status"));
    } else if (ev == "deliver") {
      add_part(g, "deliver " + e.text("sender") + "#" + e.text("seq"));
    } else if (ev == "view") {
      add_part(g, "view " + e.text("view"));
    } else if (ev == "note") {
      add_part(g, e.string("note"));
    } else {
      add_part(g, std::string(ev));  // an event kind this build does not know: named only
    }
  }

  void footer(const nlohmann::json& footer, TextBuffer& out) override {
    for (std::uint32_t n = 0; n < nodes_; ++n) flush_group(n, out);
    // Operations still open when the run ended: drawn up to the last event.
    for (const auto& [client, op] : open_) op_slice(out, client, op, now_, "open", op.step);
    nlohmann::json other = {{"generator", "railyard export --format chrome"},
                            {"protocol", header_.value("protocol", "")},
                            {"seed", std::to_string(header_.value("seed", std::uint64_t{0}))},
                            {"build", header_.value("build", "")},
                            {"outcome", footer.value("outcome", "")},
                            {"ts_unit", "us"}};
    put(out, "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":");
    put_int(out, clients_pid_);
    put(out, ",\"tid\":1,\"ts\":0,\"args\":{\"sort_index\":-1}}\n],\"otherData\":");
    put(out, other.dump());
    put(out, "}\n");
  }

 private:
  struct Group {
    bool open = false;
    std::int64_t t = 0;
    std::string name;
    int parts = 0;
    std::set<std::uint64_t> steps;
    std::vector<std::pair<char, std::int64_t>> flows;
  };
  struct OpenOp {
    std::int64_t t = 0;
    std::uint64_t step = 0;
    std::string label;
    std::int64_t node = 0;
  };

  static std::int64_t pid(std::uint32_t node) { return static_cast<std::int64_t>(node) + 1; }
  // One flow id per copy of a message: ids stay unique when the network duplicates it.
  static std::int64_t flow_id(std::int64_t id, std::int64_t copy) { return id * 2 + copy; }

  // Which copy of a message this arrival (or drop at a dead node) is.
  std::int64_t arrival_copy(std::int64_t id) {
    const auto it = duplicated_.find(id);
    if (it == duplicated_.end()) return 0;
    const auto second = second_copy_.find(id);
    if (second == second_copy_.end()) {
      second_copy_.insert(id);
      return 0;
    }
    second_copy_.erase(second);
    duplicated_.erase(it);
    return 1;
  }

  std::uint32_t node_of(const EventLine& e) const {
    const std::int64_t n = e.integer("node");
    if (n < 0 || n >= static_cast<std::int64_t>(nodes_))
      throw InputError(field_error(
          "node", "not a node of this run (config.nodes is " + std::to_string(nodes_) + ")"));
    return static_cast<std::uint32_t>(n);
  }

  Group& group_at(std::uint32_t n, std::int64_t t, TextBuffer& out) {
    Group& g = groups_[n];
    if (g.open && g.t != t) flush_group(n, out);
    if (!g.open) {
      g.open = true;
      g.t = t;
      open_groups_.push_back(n);
    }
    return g;
  }

  static void add_part(Group& g, const std::string& part) {
    // Long groups (a broadcast to many peers) are named by their first parts and a count.
    constexpr int shown_max = 4;
    if (g.parts < shown_max) {
      if (g.parts > 0) g.name += " + ";
      g.name += part;
    } else if (g.parts == shown_max) {
      g.name += " + ...";
    }
    ++g.parts;
  }

  void flush_group(std::uint32_t n, TextBuffer& out) {
    Group& g = groups_[n];
    if (!g.open) return;
    put(out, "{\"ph\":\"X\",\"name\":");
    put_json_string(out, g.name);
    put(out, ",\"cat\":\"node\",\"pid\":");
    put_int(out, pid(n));
    put(out, ",\"tid\":1,\"ts\":");
    put_us(out, g.t);
    put(out, ",\"dur\":0,\"args\":{\"events\":");
    put_int(out, g.parts);
    put(out, ",\"steps\":[");
    bool first = true;
    for (std::uint64_t s : g.steps) {
      if (!first) out.push_back(',');
      first = false;
      put_int(out, static_cast<std::int64_t>(s));
    }
    put(out, "]}},\n");
    for (const auto& [phase, id] : g.flows) {
      put(out, phase == 's' ? "{\"ph\":\"s\"" : "{\"ph\":\"f\",\"bp\":\"e\"");
      put(out, ",\"name\":\"msg\",\"cat\":\"node\",\"id\":");
      put_int(out, id);
      put(out, ",\"pid\":");
      put_int(out, pid(n));
      put(out, ",\"tid\":1,\"ts\":");
      put_us(out, g.t);
      put(out, "},\n");
    }
    g = Group{};
  }

  void drop(const EventLine& e, std::uint32_t n, TextBuffer& out) {
    const std::string why = e.string("why");
    const std::int64_t id = e.integer("id");
    if (why == "dead") {
      // Lost at arrival: the sender's flow stays open (no receipt), the copy is used up.
      arrival_copy(id);
      return;
    }
    // Lost when sent: part of the sender's slice at this instant (its send has no flow).
    Group& g = group_at(n, e.t_ns(), out);
    g.steps.insert(e.step());
    add_part(g, "lost " + e.string("msg") + " to n" + e.text("to") + " (" + why + ")");
  }

  void status(const EventLine& e, std::uint32_t n, TextBuffer& out) {
    put(out, "{\"ph\":\"C\",\"name\":\"status\",\"pid\":");
    put_int(out, pid(n));
    put(out, ",\"tid\":1,\"ts\":");
    put_us(out, e.t_ns());
    put(out, ",\"args\":{");
    bool first = true;
    for (const auto& f : e.fields()) {
      if (f.value.kind != Value::Kind::integer || f.key == "step" || f.key == "t" ||
          f.key == "node" || f.key == "inc")
        continue;
      if (!first) out.push_back(',');
      first = false;
      put_json_string(out, f.key);
      out.push_back(':');
      put(out, f.value.raw);
    }
    if (first) put(out, "\"inc\":0");  // a counter needs one series
    put(out, "}},\n");
    if (e.has("term")) {
      const std::int64_t term = e.integer("term");
      if (last_term_[n] >= 0 && term != last_term_[n])
        instant(out, pid(n), "p", "term " + std::to_string(term), "term", e.t_ns(), e.step());
      last_term_[n] = term;
    }
  }

  void fault(const EventLine& e, TextBuffer& out) {
    std::string name = e.string("fault");
    std::string detail = e.has("detail") ? e.string("detail") : "";
    if (e.has("peer")) name += " " + e.text("node") + "->" + e.text("peer");
    if (!detail.empty()) name += " " + detail;
    if (e.has("node") && !e.has("peer")) {
      instant(out, pid(node_of(e)), "p", name, "fault", e.t_ns(), e.step());
    } else {
      instant(out, 1, "g", name, "fault", e.t_ns(), e.step());
    }
  }

  void instant(TextBuffer& out, std::int64_t p, std::string_view scope, const std::string& name,
               std::string_view cat, std::int64_t t, std::uint64_t step) {
    put(out, "{\"ph\":\"i\",\"s\":\"");
    put(out, scope);
    put(out, "\",\"name\":");
    put_json_string(out, name);
    put(out, ",\"cat\":\"");
    put(out, cat);
    put(out, "\",\"pid\":");
    put_int(out, p);
    put(out, ",\"tid\":1,\"ts\":");
    put_us(out, t);
    put(out, ",\"args\":{\"step\":");
    put_int(out, static_cast<std::int64_t>(step));
    put(out, "}},\n");
  }

  static void metadata(TextBuffer& out, std::int64_t p, std::int64_t tid, std::string_view what,
                       std::string_view key, const std::string& value) {
    put(out, "{\"ph\":\"M\",\"name\":\"");
    put(out, what);
    put(out, "\",\"pid\":");
    put_int(out, p);
    put(out, ",\"tid\":");
    put_int(out, tid);
    put(out, ",\"ts\":0,\"args\":{\"");
    put(out, key);
    put(out, "\":");
    put_json_string(out, value);
    put(out, "}},\n");
  }

  void invoke(const EventLine& e) {
    const std::int64_t client = e.integer("client");
    if (client < 0) throw InputError(field_error("client", "negative"));
    std::string label = e.string("f");
    if (e.has("key")) label += " " + e.string("key");
    if (e.has("value")) label += " " + e.text("value");
    open_[client] = OpenOp{e.t_ns(), e.step(), label, e.integer("node")};
  }

  void complete(const EventLine& e, TextBuffer& out) {
    const std::int64_t client = e.integer("client");
    const auto it = open_.find(client);
    if (it == open_.end()) {
      throw InputError(field_error("client", "client " + std::to_string(client) +
                                                 " completes an "
                                                 "operation it never invoked"));
    }
    std::string result(e.ev());
    if (e.has("value")) result += " " + e.text("value");
    if (e.has("error")) result += " (" + e.string("error") + ")";
    op_slice(out, client, it->second, e.t_ns(), result, e.step());
    open_.erase(it);
  }

  void op_slice(TextBuffer& out, std::int64_t client, const OpenOp& op, std::int64_t end,
                const std::string& result, std::uint64_t end_step) {
    if (named_clients_.insert(client).second)
      metadata(out, clients_pid_, client + 1, "thread_name", "name", "c" + std::to_string(client));
    put(out, "{\"ph\":\"X\",\"name\":");
    put_json_string(out, op.label + " -> " + result);
    put(out, ",\"cat\":\"client\",\"pid\":");
    put_int(out, clients_pid_);
    put(out, ",\"tid\":");
    put_int(out, client + 1);
    put(out, ",\"ts\":");
    put_us(out, op.t);
    put(out, ",\"dur\":");
    put_us(out, end - op.t);
    put(out, ",\"args\":{\"node\":");
    put_int(out, op.node);
    put(out, ",\"invoke_step\":");
    put_int(out, static_cast<std::int64_t>(op.step));
    put(out, ",\"end_step\":");
    put_int(out, static_cast<std::int64_t>(end_step));
    put(out, "}},\n");
  }

  nlohmann::json header_;
  std::uint32_t nodes_ = 0;
  std::int64_t clients_pid_ = 0;
  std::int64_t now_ = 0;
  std::vector<Group> groups_;
  std::vector<std::uint32_t> open_groups_;  // nodes with a slice at the current instant
  std::vector<std::int64_t> last_term_;
  std::set<std::int64_t> duplicated_;   // duplicated messages with a copy still to arrive
  std::set<std::int64_t> second_copy_;  // ... of which one copy has arrived
  std::map<std::int64_t, OpenOp> open_;
  std::set<std::int64_t> named_clients_;
};

}  // namespace

std::unique_ptr<Exporter> make_chrome() { return std::make_unique<Chrome>(); }

}  // namespace ry::exp
