// Output files of soak and soak-merge (summaries, JUnit XML): checked before any work starts, so
// that a soak of hours does not end in "cannot write", and written whole or not at all.
#pragma once

#include <optional>
#include <string>

namespace ry {

// Why `path` cannot be written, or nothing. Tries PATH.tmp and removes it.
std::optional<std::string> check_output_path(const std::string& path);

// Writes `text` under PATH.tmp and renames it into place (a device or FIFO is written in place).
// On failure sets `error` to "PATH: cannot write the WHAT: reason" and leaves no PATH.tmp.
bool write_output_file(const std::string& path, const std::string& text, const std::string& what,
                       std::string& error);

}  // namespace ry
