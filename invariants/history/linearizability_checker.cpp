#include "invariants/history/linearizability_checker.hpp"

namespace ry {

void LinearizabilityChecker::on_history(const Step& step, const HistoryEvent& e) {
  if (e.op->f == OpKind::broadcast) return;  // no model: a broadcast has no result to check
  const std::size_t client = e.request.client.value;
  if (client >= open_.size()) open_.resize(client + 1);
  ++checks_;
  if (e.type == HistoryType::invoke) {
    HistoryOp op;
    op.process = client;
    op.op = *e.op;
    op.invoke_ns = step.time.ns;
    op.keyed = !e.op->key.empty();
    open_[client] = history_.ops.size();
    history_.ops.push_back(std::move(op));
    return;
  }
  if (!open_[client]) return;  // a completion of nothing: the clients never do that
  HistoryOp& op = history_.ops[*open_[client]];
  open_[client].reset();
  op.complete_ns = step.time.ns;
  switch (e.type) {
    case HistoryType::ok:
      op.outcome = OpOutcome::ok;
      if (op.op.f == OpKind::get || op.op.f == OpKind::read) op.output = std::string(e.output);
      if (e.applied != 0) op.applied = e.applied;
      break;
    case HistoryType::fail: op.outcome = OpOutcome::fail; break;
    default: op.outcome = OpOutcome::info; break;
  }
}

std::string LinearizabilityChecker::check(std::uint64_t step) {
  if (history_.ops.empty()) return "no operations";
  const auto model = lin::kv_model();
  lin::CheckOptions options;
  options.steps_max = steps_max_;
  const lin::CheckResult r = lin::check_linearizability(history_, *model, options);
  checks_ += r.steps;
  if (r.verdict == lin::Verdict::not_linearizable) {
    std::string ops;
    for (const HistoryOp& op : r.counterexample) {
      ops += (ops.empty() ? "" : "; ") + std::string("client ") + std::to_string(op.process) + " " +
             describe(op);
    }
    verdict_.violate("linearizability", step, {},
                     "key " + printable(r.key) + " cannot be linearized: " + ops);
  }
  return r.summary;
}

}  // namespace ry
