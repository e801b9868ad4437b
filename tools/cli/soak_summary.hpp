// The JSON summary of a soak, of one shard of it, or of shards merged: written by `soak` and
// `soak-merge`, read back by `soak-merge`. A merged summary of every shard is field for field the
// summary the unsharded soak writes, except the fields that measure time (time_fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/cli/shard.hpp"
#include "tools/engine/coverage.hpp"
#include "tools/engine/fault_log.hpp"

namespace ry {

struct SoakFailure {
  std::uint64_t seed = 0;
  std::string kind;      // violation, no_liveness, crashed, ...
  std::string property;  // the violated property; "liveness" for no_liveness; else the kind
  std::string detail;
  std::string reproduce;
};

struct SoakSummary {
  bool interrupted = false;
  bool partial = false;                       // merged without some shards (soak-merge --partial)
  std::vector<std::uint64_t> shards_missing;  // of a partial merge
  std::string build;
  std::string protocol;
  std::uint64_t nodes = 0;
  std::string faults;
  bool swarm = false;
  std::uint64_t seeds_first = 0;
  std::uint64_t seeds_last = 0;
  std::optional<Shard> shard;  // a shard's summary; none for a whole soak or a merge
  bool stop_on_failure = false;
  std::uint64_t seeds_run = 0;
  std::uint64_t halted = 0;
  std::uint64_t steps = 0;
  std::uint64_t checks = 0;
  FaultCounts fault_counts{};
  std::vector<SoakFailure> failures;                                // by seed
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seeds_done;  // ranges, if interrupted
  std::string run_options;  // JSON object text, as in a trace header's "config"
  // Time. A soak: its wall time and its seeds' CPU time (user + system of every child). A
  // merge: the longest shard's wall time (the shards are meant to run at once) and the sum of
  // their CPU time; shards_wall_ms lists each shard's.
  std::int64_t wall_ms = 0;
  std::int64_t cpu_ms = 0;
  std::vector<std::int64_t> shards_wall_ms;
  // The union of every seed's abstract states and transitions (tools/engine/coverage.hpp): kept
  // whole, not only counted, so that shards merge by union. Absent for protocols without one.
  Coverage coverage;
};

// "coverage: N abstract states, M transitions".
std::string coverage_line(const Coverage& coverage);

// The fields that measure time, and so may differ between two soaks of the same seeds.
inline constexpr const char* time_fields[] = {"wall_ms", "cpu_ms", "seeds_per_s_x1000",
                                              "seeds_per_cpu_s_x1000", "shards_wall_ms"};

// One JSON object and a newline. Failures are written by seed, whatever order they ran in.
std::string to_json(const SoakSummary& summary);

// Reads a summary written by to_json. On error returns nothing and sets `error` to
// "PATH: field 'x': what" (one line).
std::optional<SoakSummary> read_soak_summary(const std::string& path, std::string& error);

}  // namespace ry
