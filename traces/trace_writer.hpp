// The trace writer: an observer that turns every event of a run into one JSON line (schema in
// traces/SCHEMA.md and traces/trace.schema.json). Lines go to a sink: a file for `run`, a
// comparator for `replay`. It keeps a hash of the event stream for the footer, so two runs can
// be compared by one number and a replay can say where they first differ.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "sim/observer.hpp"
#include "traces/text_buffer.hpp"

namespace ry {

// Receives complete lines, each with its trailing newline, a block of them at a time (the
// header and the footer each on their own). Returns false to stop the run (replay does, at the
// first divergence).
using LineSink = std::function<bool(std::string_view line)>;

class TraceWriter final : public Observer {
 public:
  explicit TraceWriter(LineSink sink);

  // The header: `config_json` is a complete JSON object (the run's full configuration).
  void write_header(std::string_view protocol, std::uint64_t seed, std::string_view config_json);
  // The footer: outcome, counts and the hash of the event stream. `extra_json` is a JSON object
  // body (without braces) appended to the footer, or empty.
  void write_footer(std::string_view outcome, std::uint64_t steps, std::string_view extra_json);

  [[nodiscard]] std::uint64_t events() const noexcept { return events_; }
  [[nodiscard]] std::uint64_t stream_hash() const noexcept { return hash_; }
  [[nodiscard]] bool sink_stopped() const noexcept { return stopped_; }

  void on_send(const Step&, NodeRef from, NodeId to, const MessageInfo&) override;
  void on_receive(const Step&, NodeRef to, NodeId from, const MessageInfo&) override;
  void on_drop(const Step&, NodeId from, NodeId to, const MessageInfo&, DropReason) override;
  void on_timer(const Step&, NodeRef, TimerId) override;
  void on_client(const Step&, NodeRef, const ClientRequest&) override;
  void on_reply(const Step&, NodeRef, const ClientReply&) override;
  void on_deliver(const Step&, NodeRef, const Delivery&) override;
  void on_view(const Step&, NodeRef, const ViewInstall&) override;
  void on_state_transfer(const Step&, NodeRef, const StateTransfer&) override;
  void on_truncate(const Step&, NodeRef, const LogTruncation&) override;
  void on_note(const Step&, NodeRef, const Note&) override;
  void on_crash(const Step&, NodeRef) override;
  void on_restart(const Step&, NodeRef) override;
  void on_fault(const Step&, const FaultInfo&) override;
  void on_history(const Step&, const HistoryEvent&) override;
  void on_status(const Step&, NodeRef, const Status&) override;

 private:
  void emit_event();
  void flush();

  // Events are handed to the sink in blocks of about this size: one call per line costs more
  // than formatting the line.
  static constexpr std::size_t chunk_bytes = 64 * 1024;

  LineSink sink_;
  TextBuffer buffer_;
  std::size_t line_start_ = 0;  // where the line being written starts in buffer_
  std::uint64_t events_ = 0;
  std::uint64_t hash_;
  bool stopped_ = false;
};

// A file written under a temporary name and renamed into place only when complete, so a
// half-written trace is never mistaken for a whole one. If the process aborts on an assertion,
// the abort hook writes an "aborted" footer and renames the file: complete up to the failing step.
// Every write, the flush and the close are checked: after an I/O error (a full disk, a file-size
// limit) commit() fails, says why, and removes the temporary file. The temporary file is
// registered (traces/temp_files.hpp) so that SIGINT or SIGTERM removes it too.
//
// Only a regular file (or nothing) is ever replaced by the rename: when `path` exists and is not
// a regular file (/dev/null, /dev/stdout, a FIFO), it is written directly, with no temporary file.
class TraceFile {
 public:
  // Opens `path`.tmp (or `path` itself, see above) for writing; error() says why if it failed.
  explicit TraceFile(std::string path);
  TraceFile(const TraceFile&) = delete;
  TraceFile& operator=(const TraceFile&) = delete;
  ~TraceFile();

  [[nodiscard]] bool ok() const noexcept { return file_ != nullptr; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  // Whether the file is written in place (the target is not a regular file).
  [[nodiscard]] bool direct() const noexcept { return direct_; }

  // False once any write failed (every later write and commit() fail too).
  bool write(std::string_view lines);
  // Flushes, closes and renames into place. False (and error()) on an I/O error.
  bool commit();
  // Removes the temporary file (the run failed in a way that leaves no trace worth keeping).
  void discard();

  // Called from the abort hook: the footer to write before renaming.
  void set_abort_footer(std::function<void()> writer) { abort_footer_ = std::move(writer); }

 private:
  static void on_abort(void* self) noexcept;
  // Closes the file (and forgets the temporary name); removes it unless written in place.
  void close_and_remove() noexcept;
  void set_error(const std::string& what, int error_number);

  std::string path_;
  std::string tmp_path_;  // == path_ when direct_
  bool direct_ = false;
  int temp_slot_ = -1;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  std::string error_;
  std::function<void()> abort_footer_;
};

}  // namespace ry
