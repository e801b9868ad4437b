// The search for a linearization of one key's operations: Wing & Gong's algorithm with Lowe's
// just-in-time linearization and memoisation of (set of linearized operations, model state),
// as Porcupine implements it (Lowe, "Testing for linearizability", 2017, section 4; Horn &
// Kroening, "Faster linearizability checking via P-compositionality", 2015).
//
// Calls and returns are sorted by time in a doubly linked list. Walking it, a call whose
// operation the model accepts in the current state is linearized: the op is lifted out of the
// list (call and return) and the walk restarts at the head. Reaching a return whose call was not
// linearized means this order is stuck: the last linearized op is unlifted and the walk resumes
// after its call. A (set, state) pair already explored is skipped. An operation that may take
// effect at any later time (info, pending) has an infinite return: reaching such a return means
// every completed op has been linearized, and the rest may never have happened.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "invariants/history/model.hpp"

namespace ry::lin {

enum class Verdict : std::uint8_t { linearizable, not_linearizable, unknown };

constexpr std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::linearizable: return "linearizable";
    case Verdict::not_linearizable: return "not linearizable";
    case Verdict::unknown: return "unknown";
  }
  return "?";
}

// Steps (deterministic: a simulation that checks its history gets the same verdict every run)
// and wall time (for the command line), shared by every search of one check.
struct SearchBudget {
  std::uint64_t steps_max = 0;  // 0: unlimited
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // The memo of one search grows with its steps: past this many bytes the search stops as if
  // out of steps (deterministic too), rather than exhaust the machine's memory.
  std::uint64_t memo_bytes_max = std::uint64_t{1} << 30;
  std::uint64_t steps = 0;
  bool exhausted = false;

  // Counts one step; false once a limit is reached (the clock is read every 4096 steps).
  bool step() {
    ++steps;
    if (steps_max != 0 && steps > steps_max) exhausted = true;
    if (deadline && (steps & 4095U) == 0 && std::chrono::steady_clock::now() >= *deadline) {
      exhausted = true;
    }
    return !exhausted;
  }
};

struct SearchResult {
  Verdict verdict = Verdict::unknown;
  // The longest linearization found (indexes into the ops searched), for "how far it got".
  std::vector<std::size_t> longest;
  // Where the search got stuck furthest along the time line: the op whose return it could not
  // pass, and the model states it was in there (at most a few).
  std::optional<std::size_t> stuck_op;
  std::vector<std::string> stuck_states;
};

// `ops` are one key's operations (fail outcomes and unknown reads already removed).
SearchResult search_linearization(const Model& model, const std::vector<const HistoryOp*>& ops,
                                  SearchBudget& budget);

}  // namespace ry::lin
