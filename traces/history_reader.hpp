// Reads a client history for the linearizability checker: railyard's JSON Lines (HISTORY.md,
// history.schema.json) or a Jepsen history.edn (one map per line), told apart by the first
// non-blank characters (`{"` or `{:`/`#`). Invocations are paired with completions by process:
// a process has at most one operation open; an info completion leaves it open forever (it may
// take effect at any later time); operations still open at the end of the file are info too.
//
// Errors are one line, "FILE:LINE: field 'f': what", never an abort: lines longer than
// history_line_max, files larger than history_file_max and nesting deeper than a handful of
// levels are refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "invariants/history/history.hpp"

namespace ry {

inline constexpr std::size_t history_line_max = 1 << 20;
inline constexpr std::uint64_t history_file_max = std::uint64_t{1} << 30;

// `io_error`, if given, is set when the file could not be read (exit 5 rather than 2).
std::optional<History> read_history(const std::string& path, std::string& error,
                                    bool* io_error = nullptr);

// The same for a history already in memory; `name` stands for the file in messages.
std::optional<History> parse_history(std::string_view text, const std::string& name,
                                     std::string& error);

}  // namespace ry
