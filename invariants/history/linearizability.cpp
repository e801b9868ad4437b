#include "invariants/history/linearizability.hpp"

#include <algorithm>
#include <map>
#include <queue>
#include <unordered_map>

#include "invariants/history/witness.hpp"

namespace ry::lin {

namespace {

using OpList = std::vector<const HistoryOp*>;

// A failed op did not happen; a read whose result is unknown (info, pending, or a null result)
// can be linearized anywhere in any state, so it constrains nothing.
bool constrains(const HistoryOp& op) {
  if (op.outcome == OpOutcome::fail) return false;
  if (Model::read_only(op.op.f) && (op.outcome != OpOutcome::ok || !op.output)) return false;
  return true;
}

using KeyOps = std::vector<std::pair<std::string_view, OpList>>;

// Keys in sorted order, so the report and the steps spent are the same every run. (Hashed while
// filling, sorted once: a history of a million ops spends most of a witness check here.)
KeyOps partition_by_key(const History& history, const Model& model) {
  std::unordered_map<std::string_view, std::size_t> index;
  KeyOps keys;
  for (const HistoryOp& op : history.ops) {
    if (!model.accepts(op.op.f) || !constrains(op)) continue;
    const auto [it, added] = index.try_emplace(op.op.key, keys.size());
    if (added) keys.emplace_back(op.op.key, OpList{});
    keys[it->second].second.push_back(&op);
  }
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return keys;
}

std::string key_name(std::string_view key) {
  return key.empty() ? std::string("the register") : "key \"" + std::string(key) + "\"";
}

// How far a stopped search got, as a time T: the truncated history of this key (every event
// before T; ops still open at T may or may not take effect) is linearizable. A prefix p of the
// longest linearization found shows this for any T above the invocations in p and at most the
// first return of an op outside p (those ops are open at T and may take effect later).
std::int64_t shown_before(const OpList& ops, const std::vector<std::size_t>& longest) {
  std::vector<bool> in_prefix(ops.size(), false);
  using Item = std::pair<std::int64_t, std::size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> returns;
  for (std::size_t i = 0; i < ops.size(); ++i) returns.emplace(ops[i]->return_ns(), i);
  auto first_open_return = [&] {
    while (!returns.empty() && in_prefix[returns.top().second]) returns.pop();
    return returns.empty() ? never_returned_ns : returns.top().first;
  };
  std::int64_t best = first_open_return();
  std::int64_t latest_invoke = std::numeric_limits<std::int64_t>::min();
  for (const std::size_t i : longest) {
    in_prefix[i] = true;
    latest_invoke = std::max(latest_invoke, ops[i]->invoke_ns);
    const std::int64_t t = first_open_return();
    if (t > latest_invoke) best = std::max(best, t);
  }
  return best;
}

std::int64_t first_return(const OpList& ops) { return shown_before(ops, {}); }

// True if some op observed a value (a read's result, a cas's `from`) that is not the initial
// value and that no op in `ops` invoked before the observer returned writes: removing that
// writer would turn a stale read into a read of a value never written (or written only later),
// a true but unhelpful counterexample.
bool orphans_a_value(const OpList& ops) {
  std::map<std::string_view, std::int64_t> first_written;
  for (const HistoryOp* op : ops) {
    if (op->op.f == OpKind::append) return false;  // appends make values of their own
    if (!is_write(op->op.f)) continue;
    const auto [it, added] = first_written.try_emplace(op->op.value, op->invoke_ns);
    if (!added) it->second = std::min(it->second, op->invoke_ns);
  }
  for (const HistoryOp* op : ops) {
    const std::string* seen = op->op.f == OpKind::cas ? &op->op.expected
                              : op->output            ? &*op->output
                                                      : nullptr;
    if (!seen || seen->empty()) continue;
    const auto it = first_written.find(*seen);
    if (it == first_written.end() || it->second > op->return_ns()) return true;
  }
  return false;
}

struct Shrunk {
  OpList ops;
  bool minimal = false;
};

// Drops chunks of operations, halving the chunk down to one, keeping each removal after which
// the rest is still not linearizable; then single removals until a whole pass removes nothing
// (removing an op can make another necessary again). Searches that run out of budget count as
// "not shown": the op stays and minimality is not claimed.
Shrunk shrink(const Model& model, OpList ops, SearchBudget budget, bool keep_writers) {
  bool inconclusive = false;
  auto still_fails = [&](const OpList& candidate) {
    if (candidate.empty()) return false;
    if (keep_writers && orphans_a_value(candidate)) return false;
    const Verdict v = search_linearization(model, candidate, budget).verdict;
    if (v == Verdict::unknown) inconclusive = true;
    return v == Verdict::not_linearizable;
  };
  auto without = [](const OpList& from, std::size_t at, std::size_t count) {
    OpList out;
    out.reserve(from.size());
    for (std::size_t i = 0; i < from.size(); ++i) {
      if (i < at || i >= at + count) out.push_back(from[i]);
    }
    return out;
  };
  for (std::size_t chunk = std::max<std::size_t>(ops.size() / 2, 1); chunk > 1; chunk /= 2) {
    for (std::size_t at = 0; at < ops.size() && !budget.exhausted;) {
      OpList candidate = without(ops, at, chunk);
      if (still_fails(candidate)) {
        ops = std::move(candidate);
      } else {
        at += chunk;
      }
    }
  }
  bool removed = true;
  while (removed && !budget.exhausted) {
    removed = false;
    inconclusive = false;
    for (std::size_t at = 0; at < ops.size() && !budget.exhausted;) {
      OpList candidate = without(ops, at, 1);
      if (still_fails(candidate)) {
        ops = std::move(candidate);
        removed = true;
      } else {
        ++at;
      }
    }
  }
  return Shrunk{std::move(ops), !removed && !inconclusive && !budget.exhausted};
}

// The search never got past the return of `stuck` on any order, so ops invoked after that
// return take no part in the failure: every order of the ops invoked up to then is stuck at the
// same place (the walk meets that return before their calls), and their returns only constrain.
OpList cut_after(const OpList& ops, const HistoryOp& stuck) {
  OpList out;
  for (const HistoryOp* op : ops) {
    if (op->invoke_ns <= stuck.return_ns()) out.push_back(op);
  }
  return out;
}

void fill_counterexample(CheckResult& r, const Model& model, const OpList& key_ops,
                         const SearchResult& failed, const CheckOptions& options) {
  // Shrinking gets a budget of its own: as many steps, and as much time again as the check had.
  SearchBudget budget;
  budget.steps_max = options.shrink_steps_max;
  if (options.budget_ms != 0) {
    budget.deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(static_cast<std::int64_t>(options.budget_ms));
  }
  Shrunk shrunk{key_ops, false};
  if (options.shrink) {
    shrunk =
        shrink(model, failed.stuck_op ? cut_after(key_ops, *key_ops[*failed.stuck_op]) : key_ops,
               budget, options.shrink_keeps_writers);
  }
  budget.steps = 0;
  budget.exhausted = false;
  budget.deadline.reset();
  const SearchResult s = search_linearization(model, shrunk.ops, budget);
  for (const HistoryOp* op : shrunk.ops) r.counterexample.push_back(*op);
  r.minimal = shrunk.minimal;
  r.writers_kept = options.shrink_keeps_writers;
  r.shrunk_from = key_ops.size();
  if (s.stuck_op) r.stuck_op = *shrunk.ops[*s.stuck_op];
  r.states_tried = s.stuck_states;
}

}  // namespace

std::optional<std::string> unsupported_operation(const History& history, const Model& model,
                                                 const std::string& file) {
  for (const HistoryOp& op : history.ops) {
    if (model.accepts(op.op.f)) continue;
    return file + ":" + std::to_string(op.invoke_line) + ": field 'f': the " +
           std::string(model.name()) + " model has no operation \"" +
           std::string(to_string(op.op.f)) + "\"";
  }
  return std::nullopt;
}

CheckResult check_linearizability(const History& history, const Model& model,
                                  const CheckOptions& options) {
  CheckResult r;
  r.model = model.name();
  r.ops = history.ops.size();
  SearchBudget budget;
  budget.steps_max = options.steps_max;
  budget.memo_bytes_max = options.memo_bytes_max;
  if (options.budget_ms != 0) {
    budget.deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(static_cast<std::int64_t>(options.budget_ms));
  }
  const KeyOps keys = partition_by_key(history, model);
  r.keys = keys.size();
  std::uint64_t searched = 0;
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    const OpList& ops = it->second;
    if (options.use_witness && check_witness(model, ops) == WitnessVerdict::verified) {
      ++r.keys_witnessed;
      continue;
    }
    ++searched;
    SearchResult s = search_linearization(model, ops, budget);
    r.steps = budget.steps;
    if (s.verdict == Verdict::linearizable) continue;
    r.verdict = s.verdict;
    r.key = std::string(it->first);
    if (s.verdict == Verdict::not_linearizable) {
      fill_counterexample(r, model, ops, s, options);
      r.summary = "not linearizable: " + key_name(it->first) + ": " +
                  std::to_string(r.counterexample.size()) + " of its " +
                  std::to_string(ops.size()) + " operations cannot be linearized (model " +
                  r.model + ")";
      return r;
    }
    // Out of budget. Keys before this one are linearizable; keys after it are shown only up
    // to their first return (before it, all their ops are open and may never have happened).
    std::int64_t before = shown_before(ops, s.longest);
    for (auto later = std::next(it); later != keys.end(); ++later) {
      before = std::min(before, first_return(later->second));
    }
    r.prefix_before_ns = before;
    for (const HistoryOp& op : history.ops) r.prefix_ops += op.invoke_ns < before ? 1U : 0U;
    r.summary = "unknown: the budget ran out after " + std::to_string(r.steps) +
                " search steps on " + key_name(it->first) + " (" +
                std::to_string(std::distance(keys.begin(), it)) + " of " + std::to_string(r.keys) +
                " keys done); linearizable up to operation " + std::to_string(r.prefix_ops) +
                " of " + std::to_string(r.ops) + " in invocation order: the history before " +
                std::to_string(before) +
                " ns, with the operations still open then taken as pending";
    return r;
  }
  r.verdict = Verdict::linearizable;
  r.summary = "linearizable: " + std::to_string(r.ops) + " operations on " +
              std::to_string(r.keys) + (r.keys == 1 ? " key" : " keys") + " (" +
              std::to_string(r.keys_witnessed) + " by their applied order, " +
              std::to_string(searched) + " by search in " + std::to_string(r.steps) +
              " steps; model " + r.model + ")";
  return r;
}

namespace {

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string row(const HistoryOp& op) {
  std::string lines = std::to_string(op.invoke_line);
  if (op.complete_line != 0) lines += "," + std::to_string(op.complete_line);
  const std::string ret = op.complete_ns ? std::to_string(*op.complete_ns) : std::string("never");
  return "  " + pad(std::to_string(op.process), 8) + pad(describe(op), 32) + " " +
         pad(std::string(to_string(op.outcome)), 8) + pad(std::to_string(op.invoke_ns), 14) +
         pad(ret, 14) + lines + "\n";
}

std::string quoted_list(const std::vector<std::string>& states) {
  std::string out;
  for (const std::string& s : states) {
    if (!out.empty()) out += ", ";
    out += "\"" + s + "\"";
  }
  return out;
}

}  // namespace

std::string format_result(const CheckResult& r) {
  std::string out = r.summary + "\n";
  if (r.verdict != Verdict::not_linearizable) return out;
  out += "  " + pad("process", 8) + pad("operation", 32) + " " + pad("outcome", 8) +
         pad("invoke_ns", 14) + pad("return_ns", 14) + "lines\n";
  constexpr std::size_t rows_max = 60;
  for (std::size_t i = 0; i < r.counterexample.size() && i < rows_max; ++i) {
    out += row(r.counterexample[i]);
  }
  if (r.counterexample.size() > rows_max) {
    out += "  ... " + std::to_string(r.counterexample.size() - rows_max) + " more\n";
  }
  if (r.minimal) {
    out += "removing any one of these " + std::to_string(r.counterexample.size()) +
           " operations makes the rest linearizable" +
           (r.writers_kept ? " or leaves a value observed without its write" : "") +
           " (shrunk from " + std::to_string(r.shrunk_from) + ")\n";
  } else {
    out += "not shown minimal (the shrinking budget ran out or shrinking was off)\n";
  }
  if (r.stuck_op) {
    out += "no order gets past the return of process " + std::to_string(r.stuck_op->process) + " " +
           describe(*r.stuck_op) + " (line " + std::to_string(r.stuck_op->complete_line) +
           "); states reachable there: " + quoted_list(r.states_tried) + "\n";
  }
  return out;
}

}  // namespace ry::lin
