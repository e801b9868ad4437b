// Jepsen history EDN (README.md, "Exporting a run"), for Knossos, Elle and
// `railyard check-history`: one map per line, in trace order, as Jepsen writes history.edn:
//   {:index 0, :time 1200, :type :invoke, :process 3, :f :put, :key "k1", :value "v1", :node 1}
// :process is the client; :time simulated nanoseconds; :index counts from 0. Reads carry nil
// on the invocation and what they read on completion (a read of a key never written reads "",
// railyard's initial value); a cas's value is [from to]; writes repeat their value on the
// completion, as Jepsen does. Register operations (read, write, cas) carry no :key. A
// broadcast is :f :broadcast with its request number as :value (only TRAINS's broadcast
// workload has them; the linearizability checkers refuse them). Injected faults are :nemesis
// :info pairs (which history readers skip).
#include "traces/export/client_ops.hpp"
#include "traces/export/exporter.hpp"

namespace ry::exp {

namespace {

// EDN strings take JSON's escapes (\", \\, \n, \t, \r and \uXXXX, which Clojure's reader
// accepts), so a JSON string is a valid EDN string.
void put_edn_string(TextBuffer& out, std::string_view s) { put_json_string(out, s); }

// A keyword from one of our own identifiers (fault and operation kinds: letters, digits, '_').
void put_keyword(TextBuffer& out, std::string_view name) {
  out.push_back(':');
  for (char c : name) out.push_back(c == '_' ? '-' : c);
}

bool register_op(const std::string& f) { return f == "read" || f == "write" || f == "cas"; }

class Edn final : public Exporter {
 public:
  void header(const nlohmann::json&, TextBuffer&) override {}

  void event(const EventLine& e, TextBuffer& out) override {
    const std::string_view ev = e.ev();
    if (ev == "invoke") {
      const ClientOp& op = ops_.invoke(e);
      begin(out, e.t_ns(), "invoke");
      op_fields(out, op, "invoke", Completion{});
    } else if (ev == "ok" || ev == "fail" || ev == "info") {
      Completion how;
      const ClientOp op = ops_.complete(e, how);
      begin(out, e.t_ns(), ev);
      op_fields(out, op, ev, how);
    } else if (ev == "fault") {
      // Nemesis operations are :info pairs: the fault's start and its completion.
      for (int half = 0; half < 2; ++half) {
        begin(out, e.t_ns(), "info");
        put(out, ", :process :nemesis, :f ");
        put_keyword(out, e.string("fault"));
        put(out, ", :value ");
        if (e.has("node")) {
          put(out, "{:node ");
          put_int(out, e.integer("node"));
          if (e.has("peer")) {
            put(out, ", :peer ");
            put_int(out, e.integer("peer"));
          }
          put(out, "}");
        } else if (e.has("detail")) {
          put_edn_string(out, e.string("detail"));
        } else {
          put(out, "nil");
        }
        put(out, "}\n");
      }
    }
  }

  void footer(const nlohmann::json&, TextBuffer&) override {}

 private:
  void begin(TextBuffer& out, std::int64_t t, std::string_view type) {
    put(out, "{:index ");
    put_int(out, static_cast<std::int64_t>(index_++));
    put(out, ", :time ");
    put_int(out, t);
    put(out, ", :type :");
    put(out, type);
  }

  static void op_fields(TextBuffer& out, const ClientOp& op, std::string_view type,
                        const Completion& how) {
    put(out, ", :process ");
    put_int(out, op.client);
    put(out, ", :f ");
    put_keyword(out, op.f);
    if (op.keyed || !register_op(op.f)) {
      put(out, ", :key ");
      put_edn_string(out, op.key);
    }
    put(out, ", :value ");
    if (op.f == "cas") {
      put(out, "[");
      put_edn_string(out, op.expected);
      put(out, " ");
      put_edn_string(out, op.value);
      put(out, "]");
    } else if (op.f == "broadcast") {
      put_int(out, op.seq);
    } else if (is_read(op.f)) {
      if (type == "ok") {
        put_edn_string(out, how.output);
      } else {
        put(out, "nil");
      }
    } else {
      put_edn_string(out, op.value);
    }
    put(out, ", :node ");
    put_int(out, op.node);
    if (!how.error.empty()) {
      put(out, ", :error ");
      put_edn_string(out, how.error);
    }
    put(out, "}\n");
  }

  ClientOps ops_;
  std::uint64_t index_ = 0;
};

}  // namespace

std::unique_ptr<Exporter> make_edn() { return std::make_unique<Edn>(); }

}  // namespace ry::exp
