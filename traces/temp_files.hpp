// The temporary files being written right now (a trace's PATH.tmp), so that a signal handler can
// remove them before the process exits: an interrupted run must not leave a half-written file
// behind (tools/engine/interrupt.hpp installs the handlers). Registration copies the path into a
// fixed table; removal only calls unlink(), so it is async-signal-safe.
#pragma once

#include <cstddef>

namespace ry {

inline constexpr std::size_t temp_files_max = 16;

// Returns a slot to unregister with, or -1 if the table is full or the path too long (then the
// file is simply not removed on a signal).
int register_temp_file(const char* path) noexcept;
void unregister_temp_file(int slot) noexcept;

// Unlinks every registered file. Async-signal-safe.
void remove_temp_files() noexcept;

}  // namespace ry
