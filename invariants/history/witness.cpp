#include "invariants/history/witness.hpp"

#include <algorithm>

namespace ry::lin {

WitnessVerdict check_witness(const Model& model, const std::vector<const HistoryOp*>& ops) {
  std::vector<const HistoryOp*> order;
  order.reserve(ops.size());
  for (const HistoryOp* op : ops) {
    if (op->applied) {
      order.push_back(op);
    } else if (op->outcome == OpOutcome::ok) {
      return WitnessVerdict::absent;
    }
  }
  // Ops are in invocation order already; a stable sort keeps it among equal positions.
  std::stable_sort(order.begin(), order.end(), [](const HistoryOp* a, const HistoryOp* b) {
    return *a->applied < *b->applied;
  });
  std::int64_t latest_invoke = std::numeric_limits<std::int64_t>::min();
  std::string state = model.init();
  std::string next;
  for (const HistoryOp* op : order) {
    // Some op placed earlier was invoked after this one returned: real time is broken.
    if (op->return_ns() < latest_invoke) return WitnessVerdict::refuted;
    latest_invoke = std::max(latest_invoke, op->invoke_ns);
    if (!model.step(state, *op, next)) return WitnessVerdict::refuted;
    if (!Model::read_only(op->op.f)) state.swap(next);
  }
  return WitnessVerdict::verified;
}

}  // namespace ry::lin
