// `railyard view`: one self-contained HTML page of a trace (traces/view/README.md). The trace is
// streamed twice (once to count its events, once to keep the window the page embeds), so memory
// grows with the embedded window, never with the trace.
#pragma once

#include <cstdint>
#include <string>

#include "traces/export/export.hpp"

namespace ry::view {

struct Options {
  // The most events the page embeds. A 100,000-event page opens in about a second in Chromium
  // (tools/BENCHMARKS.md); beyond this cap the page holds a window and says so.
  std::uint64_t events_max = 200'000;
  // An explicit step window (--steps FIRST..LAST); otherwise the window is chosen (window.hpp).
  bool steps_given = false;
  std::uint64_t first_step = 0;
  std::uint64_t last_step = UINT64_MAX;
};

// Writes the page for `trace` to `out` ("" or "-": standard output), as OUT.tmp renamed into
// place when complete. Errors as railyard export's: "FILE:LINE: field 'f': what", exit 2; I/O
// errors exit 5.
exp::Result write_page(const std::string& trace, const std::string& out, const Options& options);

}  // namespace ry::view
