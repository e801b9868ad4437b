// Is a client history linearizable (Herlihy & Wing 1990) against a model? The history is split
// by key (P-compositionality) and each key is checked on its own: first the witness order the
// protocol recorded (`applied`), in linear time; if there is none or it is refuted, the search
// (search.hpp). A key that cannot be linearized is shrunk to a delete-one-minimal set of its
// operations: removing any one of them makes the rest linearizable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "invariants/history/model.hpp"
#include "invariants/history/search.hpp"

namespace ry::lin {

struct CheckOptions {
  std::uint64_t steps_max = 0;  // search steps over all keys; 0: unlimited (deterministic)
  std::uint64_t budget_ms = 0;  // wall time; 0: unlimited (not reproducible: for the command)
  std::uint64_t memo_bytes_max = std::uint64_t{1} << 30;  // per key searched (search.hpp)
  bool use_witness = true;
  bool shrink = true;
  std::uint64_t shrink_steps_max = 5'000'000;  // search steps spent shrinking a counterexample
  // Never shrink away the last writer of a value an op observed (not the initial ""), so a stale
  // read keeps the writes that make it stale instead of shrinking to "a read of a value never
  // written". Minimality then means: removing any one op makes the rest linearizable or leaves
  // an observed value without a writer.
  bool shrink_keeps_writers = true;
};

struct CheckResult {
  Verdict verdict = Verdict::linearizable;
  std::string summary;  // one line
  std::string model;
  std::string key;  // the key that failed or exhausted the budget
  // not_linearizable: the operations of `key` that cannot be linearized (shrunk), in invocation
  // order; `minimal` if removing any one was shown to make the rest linearizable (see
  // CheckOptions::shrink_keeps_writers).
  std::vector<HistoryOp> counterexample;
  bool minimal = false;
  bool writers_kept = false;  // shrunk with CheckOptions::shrink_keeps_writers
  std::uint64_t shrunk_from = 0;
  // The op whose return the search could not get past on the counterexample, and the model
  // states it had reached there.
  std::optional<HistoryOp> stuck_op;
  std::vector<std::string> states_tried;
  // unknown: the longest prefix of the history, in invocation order, shown linearizable (every
  // op invoked before `prefix_before_ns`).
  std::uint64_t prefix_ops = 0;
  std::int64_t prefix_before_ns = 0;
  std::uint64_t ops = 0;             // operations in the history (fail ones included)
  std::uint64_t keys = 0;            // keys checked or to check
  std::uint64_t keys_witnessed = 0;  // keys whose witness order was verified
  std::uint64_t steps = 0;           // search steps
};

// Why the model cannot check this history ("FILE:LINE: field 'f': ..."), or none.
std::optional<std::string> unsupported_operation(const History& history, const Model& model,
                                                 const std::string& file);

// Precondition: unsupported_operation(history, model) is none.
CheckResult check_linearizability(const History& history, const Model& model,
                                  const CheckOptions& options = {});

// A report for humans: the summary, then for a counterexample one row per op and the states
// tried; for unknown, how far the check got.
std::string format_result(const CheckResult& result);

}  // namespace ry::lin
