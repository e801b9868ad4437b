// What one run produced: its outcome, what stopped it, and the figures the summary prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/fault.hpp"
#include "sim/nemesis.hpp"
#include "sim/network_script.hpp"
#include "sim/verdict.hpp"
#include "sim/world.hpp"
#include "tools/engine/coverage.hpp"
#include "tools/engine/fault_log.hpp"

namespace ry {

struct RunResult {
  Outcome outcome = Outcome::passed;
  Violation violation;          // when outcome == violation
  std::string liveness_detail;  // when outcome == no_liveness or halted
  WorldStats stats;
  NemesisStats faults;
  FaultCounts fault_counts{};           // every injected fault, nemesis and schedule alike
  std::vector<std::string> fault_list;  // the first FaultLog::list_max, with times and targets
  std::string swarm;                    // the swarm mix, when --swarm
  std::uint64_t checks = 0;
  std::uint64_t operations = 0;  // client operations invoked
  std::uint64_t trace_events = 0;
  std::uint64_t trace_hash = 0;
  Time sim_end;
  // With RunOptions::record: every fault applied (nemesis and schedule alike, with the time it
  // was applied) and every loss and duplication, for a schedule file.
  Schedule recorded_faults;
  std::vector<LinkDecision> recorded_network;
  // A scripted run that left its recorded network decisions: where (sim/network_script.hpp).
  std::optional<Divergence> divergence;
  // The abstract states and transitions the run reached (tools/engine/coverage.hpp); empty for
  // a protocol that defines none.
  Coverage coverage;
  // Protocol-specific lines of the summary, in order: (label, value).
  std::vector<std::pair<std::string, std::string>> summary;
};

}  // namespace ry
