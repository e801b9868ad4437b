// Shrinking: a failing run becomes a small schedule that fails the same way. The input is a
// recorded run (tools/engine/schedule_file.hpp: its faults and the network's losses and
// duplications, explicit); each candidate is that run with less in it, replayed from scratch.
// The search, in order, each pass keeping only candidates that fail with the same signature:
//   1. cut the run short: a safety violation at time T needs nothing after T;
//   2. smaller worlds, so that every later candidate runs faster: the highest node removed while
//      the failure stays (with the faults and decisions that name it), fewer clients, and the
//      clients' think time doubled (fewer operations);
//   3. delta debugging (Zeller and Hildebrandt's ddmin, complements only) over the faults, then
//      the whole schedule moved earlier (the traffic before the first fault goes);
//   4. weaken each fault: a crash to a pause, a partition to one direction of it, a corrupt or
//      misdirected write to a torn one, durations, clock jumps and drifts halved;
//   5. ddmin over the network's decisions; a shorter safety phase; fewer clients again; the
//      safety phase cut just after the violation once more;
//   6. a check that the result is 1-minimal: removing any one remaining fault or network
//      decision makes the failure go away (a removal that still fails is taken and the check
//      starts again).
// Every accepted candidate is replaced by what its run recorded, so the schedule always says
// what happened (a crash of a node already down drops out, and a run that left its network
// decisions records the seeded ones it took instead).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "tools/engine/run_options.hpp"
#include "tools/engine/run_result.hpp"

namespace ry {

// "The same failure": the outcome and, for a violation, the property. A shrink never accepts a
// candidate that fails differently, so it cannot drift to another bug.
struct FailureSignature {
  Outcome outcome = Outcome::violation;
  std::string property;

  static FailureSignature of(const RunResult& result);
  [[nodiscard]] bool matches(const RunResult& result) const;
  [[nodiscard]] std::string describe() const;  // "violation of total_order"
};

struct ShrinkOptions {
  double budget_s = 120;  // wall time; past it the best so far is reported, not 1-minimal
  std::function<void(const std::string&)> progress;  // a line per step of the search
};

// The size of a run's failure, before or after.
struct RunSize {
  std::uint32_t nodes = 0;
  std::size_t faults = 0;
  std::size_t decisions = 0;  // network losses and duplications
  std::uint32_t clients = 0;
  std::uint64_t operations = 0;  // client operations invoked
  std::uint64_t steps = 0;
  std::int64_t time_ms = 0;
};

struct ShrinkReport {
  FailureSignature signature;
  RunOptions original;  // scripted
  RunOptions shrunk;    // scripted
  RunResult shrunk_result;
  RunSize before;
  RunSize after;
  std::uint64_t candidates = 0;
  bool one_minimal = false;          // checked, not assumed
  std::uint64_t minimal_checks = 0;  // removals tried by the final check
  bool budget_exhausted = false;
  double wall_s = 0;
};

// Shrinks `scripted` (a recorded run: options.scripted, with its schedule and network), which must
// fail. On error (it does not fail) returns nullopt and sets `error`.
std::optional<ShrinkReport> shrink(const RunOptions& scripted, const ShrinkOptions& options,
                                   std::string& error);

// What a run amounts to, for the report.
RunSize size_of(const RunOptions& options, const RunResult& result);

}  // namespace ry
