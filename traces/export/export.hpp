// `railyard export`: streams a trace (traces/SCHEMA.md) into another tool's format, one line at
// a time, so a trace of any size exports in constant memory. The formats, what reads them and
// how each is checked: README.md, "Exporting a run".
#pragma once

#include <string>
#include <string_view>

#include "traces/export/exporter.hpp"

namespace ry::exp {

// "chrome, shiviz, porcupine, edn, mermaid, itf"
std::string_view format_names();
[[nodiscard]] bool known_format(std::string_view format);

enum class Status { ok, input_error, io_error };

struct Result {
  Status status = Status::ok;
  std::string error;  // "FILE:LINE: field 'f': what", or the I/O error
  std::uint64_t events = 0;
};

// Exports `trace` to `out` ("" or "-": standard output). A file is written as OUT.tmp and
// renamed into place only when complete: on any error nothing is left under OUT.
Result export_trace(const std::string& trace, std::string_view format, const std::string& out,
                    const Options& options);

}  // namespace ry::exp
