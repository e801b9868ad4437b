// The events a viewer page embeds, as columns (one array per field) rather than one object per
// event: a 100,000-event page parses in tens of milliseconds this way, and the page can binary
// search the time column to draw only what is on screen. Kinds and message kinds are small
// tables indexed by number; the text of an event's other fields is kept once, for its tooltip,
// search and the state panel.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "traces/export/event_line.hpp"
#include "traces/text_buffer.hpp"

namespace ry::view {

class Columns {
 public:
  // `sim_ns`: the run's length (the footer's), for the density summary of the whole run.
  explicit Columns(std::int64_t sim_ns);

  // Every event of the trace goes through count(): the density summary covers the whole run
  // even when the page embeds a window of it.
  void count(const exp::EventLine& e);
  // An event before the window: its node's latest status is kept (so the state panel is right at
  // the window's start), and faults, crashes and restarts are kept whole (a partition begun
  // before the window is drawn across it).
  void before(const exp::EventLine& e);
  // An event in the window.
  void keep(const exp::EventLine& e);

  [[nodiscard]] std::uint64_t kept() const noexcept { return step_.size(); }

  // Writes the columns as the members of a JSON object (no braces), safe inside <script>.
  void write_json(TextBuffer& out) const;

 private:
  void push(const exp::EventLine& e);
  int index_of(std::map<std::string, int, std::less<>>& table, std::vector<std::string>& names,
               std::string_view name);

  std::vector<std::uint64_t> step_;
  std::vector<std::int64_t> t_, kind_, node_, peer_, id_, msg_, detail_;
  std::vector<std::string> details_;
  std::map<std::string, int, std::less<>> kind_index_, msg_index_, detail_index_;
  std::vector<std::string> kinds_, msgs_;
  // The latest status of each node before the window: step, t, its fields.
  struct Initial {
    std::uint64_t step = 0;
    std::int64_t t = 0;
    std::string fields;
  };
  std::map<std::int64_t, Initial> initial_;
  std::int64_t bucket_ns_ = 1;
  std::vector<std::uint64_t> density_events_, density_sends_;
};

// A JSON string literal that is also safe inside an HTML <script> element ('<', '>' and '&' as
// \u escapes, so no "</script>" can close it early).
void put_script_string(TextBuffer& out, std::string_view s);

}  // namespace ry::view
