// The client history of a run as a file of its own (JSON Lines, traces/HISTORY.md): one event per
// line in the order they happened, in Jepsen's vocabulary (process, type invoke/ok/fail/info, f,
// key, value), so `railyard check-history` and the exporters read it without the trace.
#pragma once

#include <cstdint>

#include "sim/observer.hpp"
#include "traces/text_buffer.hpp"
#include "traces/trace_writer.hpp"

namespace ry {

class HistoryWriter final : public Observer {
 public:
  explicit HistoryWriter(LineSink sink) : sink_(std::move(sink)) {}

  void on_history(const Step& step, const HistoryEvent& event) override;

  [[nodiscard]] std::uint64_t events() const noexcept { return events_; }

 private:
  LineSink sink_;
  TextBuffer buffer_;
  std::uint64_t events_ = 0;
};

}  // namespace ry
