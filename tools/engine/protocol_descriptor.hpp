// What railyard knows about one protocol, in one place (docs: tools/protocols/ADDING.md). The
// command line, `railyard bugs`, swarm, scenario validation, the trace header and the run engine
// all read descriptors; nothing outside a protocol's own folders names it. Descriptors live in
// tools/protocols/<name>/descriptor.cpp and are collected by the build (CMakeLists.txt), so adding
// one touches no shared file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ry {

struct RunOptions;
struct RunResult;
struct TraceTarget;

// One option of a protocol's own: an integer (or a boolean, 0 or 1; or one of named `choices`,
// held as its index and written as its name) with a default and bounds.
// `key` is its name in the trace header and in scenario files; `flag` is its command-line flag.
struct ParamSpec {
  std::string_view key;
  std::string_view flag;
  std::string_view help;
  std::int64_t fallback = 0;  // the default
  std::int64_t min = 0;
  std::int64_t max = 0;
  bool boolean = false;
  std::span<const std::string_view> choices = {};

  // The value as the command line and the trace header spell it.
  [[nodiscard]] std::string text(std::int64_t value) const;
  // The value a command-line word names, or nothing.
  [[nodiscard]] std::optional<std::int64_t> parse(std::string_view word) const;
};

// A mode or a workload: a name and one line of help. The first of a list is the default.
struct Choice {
  std::string_view name;
  std::string_view help;
};

// A planted bug: a real mistake compiled into every build, switched on by `--bug NAME`.
// `where` is the protocol or the checker it lives in.
struct BugSpec {
  std::string_view name;
  std::string_view where;
  std::string_view summary;
};

struct ProtocolDescriptor {
  std::string_view name;
  std::string_view summary;
  std::span<const Choice> modes;      // empty: the protocol has none
  std::span<const Choice> workloads;  // empty: it takes no clients
  std::span<const ParamSpec> params;
  std::span<const BugSpec> bugs;
  // Note kinds a scripted crash may target (`crash` at a protocol moment).
  std::span<const std::string_view> crash_moments;
  // Every property its checkers can report: a scenario's `expect.property` must name one.
  std::span<const std::string_view> properties;
  // Capabilities: does a crashed node come back (restart from its disk)? Does its core verify
  // what it reads back from disk (else disk faults test what it never claimed)?
  bool (*restarts)(const RunOptions& options) = nullptr;
  bool disk_faults = false;
  // Rules across options, after each option's own bounds: one line naming the field, or nothing.
  std::optional<std::string> (*validate)(const RunOptions& options) = nullptr;
  // One seeded run (tools/engine/simulation.hpp's simulate<Driver>).
  RunResult (*simulate)(const RunOptions& options, const TraceTarget* trace) = nullptr;

  [[nodiscard]] const ParamSpec* param(std::string_view key) const;
  [[nodiscard]] bool has_bug(std::string_view bug) const;
  [[nodiscard]] bool has_mode(std::string_view mode) const;
  [[nodiscard]] bool has_workload(std::string_view workload) const;
};

// Every registered protocol, in name order.
std::span<const ProtocolDescriptor* const> protocols();
// The protocol called `name`, or nullptr.
const ProtocolDescriptor* find_protocol(std::string_view name);
// "raft, ring or trains".
std::string protocol_names();

}  // namespace ry
