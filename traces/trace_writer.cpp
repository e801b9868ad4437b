#include "traces/trace_writer.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"
#include "traces/json_line.hpp"
#include "traces/temp_files.hpp"
#include "traces/text_buffer.hpp"

#ifndef RY_BUILD_ID
#define RY_BUILD_ID "railyard-unknown"
#endif

namespace ry {

namespace {
// 2: client ids and histories (client, invoke/ok/fail/info), a protocol's own options only.
constexpr int schema_version = 2;
using Line = BasicJsonLine<TextBuffer>;

Line& event_start(Line& j, const Step& s, std::string_view kind) {
  return j.begin().field("step", s.index).field("t", s.time.ns).field("ev", kind);
}

Line& node_fields(Line& j, NodeRef n) {
  return j.field("node", n.id.value).field("inc", n.incarnation);
}

// `id` pairs a send with its receipts and drops (traces/SCHEMA.md); `copies` is written only
// when the network duplicates the message.
void message_fields(Line& j, const MessageInfo& m) {
  j.field("id", m.id).symbol("msg", m.kind);
  for (int i = 0; i < m.count; ++i) {
    const Field& f = m.fields[static_cast<std::size_t>(i)];
    j.field(f.name, f.value);
  }
  j.hex("digest", m.digest);
}
}  // namespace

TraceWriter::TraceWriter(LineSink sink) : sink_(std::move(sink)), hash_(fnv_offset) {}

void TraceWriter::flush() {
  if (!stopped_ && !buffer_.empty() && !sink_(buffer_.view())) stopped_ = true;
  buffer_.clear();
  line_start_ = 0;
}

void TraceWriter::emit_event() {
  buffer_.push_back('\n');
  const std::string_view all = buffer_.view();
  hash_ = ry::stream_hash(all.substr(line_start_), hash_);
  ++events_;
  line_start_ = all.size();
  if (line_start_ >= chunk_bytes) flush();
}

void TraceWriter::write_header(std::string_view protocol, std::uint64_t seed,
                               std::string_view config_json) {
  flush();
  Line j(buffer_);
  j.begin()
      .field("type", "header")
      .field("schema", schema_version)
      .field("protocol", protocol)
      .field("build", RY_BUILD_ID)
      .field("seed", seed)
      .raw("config", config_json)
      .end()
      .newline();
  flush();
}

void TraceWriter::write_footer(std::string_view outcome, std::uint64_t steps,
                               std::string_view extra_json) {
  flush();
  Line j(buffer_);
  j.begin()
      .field("type", "footer")
      .field("outcome", outcome)
      .field("steps", steps)
      .field("events", events_)
      .hex("hash", hash_);
  if (!extra_json.empty()) {
    buffer_.push_back(',');
    buffer_.append(extra_json.data(), extra_json.size());
  }
  j.end().newline();
  flush();
}

void TraceWriter::on_send(const Step& s, NodeRef from, NodeId to, const MessageInfo& m) {
  Line j(buffer_);
  node_fields(event_start(j, s, "send"), from).field("to", to.value);
  if (m.copies == 2) j.field("copies", m.copies);
  message_fields(j, m);
  j.end();
  emit_event();
}

void TraceWriter::on_receive(const Step& s, NodeRef to, NodeId from, const MessageInfo& m) {
  Line j(buffer_);
  node_fields(event_start(j, s, "recv"), to).field("from", from.value);
  message_fields(j, m);
  j.end();
  emit_event();
}

void TraceWriter::on_drop(const Step& s, NodeId from, NodeId to, const MessageInfo& m,
                          DropReason why) {
  Line j(buffer_);
  event_start(j, s, "drop")
      .field("node", from.value)
      .field("to", to.value)
      .field("why", to_string(why));
  message_fields(j, m);
  j.end();
  emit_event();
}

void TraceWriter::on_timer(const Step& s, NodeRef n, TimerId t) {
  Line j(buffer_);
  node_fields(event_start(j, s, "timer"), n).field("timer", t.value).end();
  emit_event();
}

void TraceWriter::on_client(const Step& s, NodeRef n, const ClientRequest& r) {
  Line j(buffer_);
  node_fields(event_start(j, s, "client"), n)
      .field("client", r.id.client.value)
      .field("seq", r.id.seq)
      .field("bytes", static_cast<std::uint64_t>(r.data.size()))
      .hex("digest", fnv1a(r.data))
      .end();
  emit_event();
}

void TraceWriter::on_reply(const Step& s, NodeRef n, const ClientReply& r) {
  Line j(buffer_);
  node_fields(event_start(j, s, "reply"), n)
      .field("client", r.id.client.value)
      .field("seq", r.id.seq)
      .field("status", to_string(r.status));
  if (!r.value.empty()) j.field("value", std::string_view{r.value});
  if (r.leader_hint) j.field("hint", r.leader_hint->value);
  if (r.position != 0) j.field("position", r.position);
  j.end();
  emit_event();
}

void TraceWriter::on_status(const Step& s, NodeRef n, const Status& status) {
  Line j(buffer_);
  node_fields(event_start(j, s, "status"), n);
  for (std::size_t i = 0; i < status.size; ++i)
    j.field(status.fields[i].name, status.fields[i].value);
  j.end();
  emit_event();
}

void TraceWriter::on_history(const Step& s, const HistoryEvent& e) {
  Line j(buffer_);
  event_start(j, s, to_string(e.type))
      .field("client", e.request.client.value)
      .field("seq", e.request.seq)
      .field("node", e.node.value)
      .field("f", to_string(e.op->f));
  if (e.op->f == OpKind::broadcast) {
    // The payload is in the node's `client` line; an invoke names its size only.
    if (e.type == HistoryType::invoke)
      j.field("bytes", static_cast<std::uint64_t>(e.op->value.size()));
  } else {
    if (!e.op->key.empty()) j.field("key", std::string_view{e.op->key});
    if (e.type == HistoryType::invoke) {
      if (e.op->f == OpKind::cas) j.field("expected", std::string_view{e.op->expected});
      if (is_write(e.op->f)) j.field("value", std::string_view{e.op->value});
    }
  }
  if (e.type == HistoryType::ok && !e.output.empty()) j.field("value", e.output);
  if (e.type == HistoryType::fail && !e.output.empty()) j.field("error", e.output);
  if (e.applied != 0) j.field("applied", e.applied);
  j.end();
  emit_event();
}

void TraceWriter::on_deliver(const Step& s, NodeRef n, const Delivery& d) {
  Line j(buffer_);
  node_fields(event_start(j, s, "deliver"), n)
      .field("sender", d.id.sender.value)
      .field("seq", d.id.seq)
      .hex("digest", d.digest)
      .end();
  emit_event();
}

void TraceWriter::on_view(const Step& s, NodeRef n, const ViewInstall& v) {
  Line j(buffer_);
  node_fields(event_start(j, s, "view"), n).field("view", v.view.value).array("members");
  for (NodeId m : v.members) j.element(std::int64_t{m.value});
  j.end_array().end();
  emit_event();
}

void TraceWriter::on_state_transfer(const Step& s, NodeRef n, const StateTransfer& t) {
  Line j(buffer_);
  node_fields(event_start(j, s, "state_transfer"), n)
      .field("position", t.position)
      .hex("log_digest", t.digest);
  if (t.donor >= 0) j.field("donor", t.donor);
  j.end();
  emit_event();
}

void TraceWriter::on_truncate(const Step& s, NodeRef n, const LogTruncation& t) {
  Line j(buffer_);
  node_fields(event_start(j, s, "truncate"), n).field("from", t.from).end();
  emit_event();
}

void TraceWriter::on_note(const Step& s, NodeRef n, const Note& note) {
  Line j(buffer_);
  node_fields(event_start(j, s, "note"), n)
      .symbol("note", note.kind)
      .field("a", note.a)
      .field("b", note.b)
      .field("c", note.c)
      .end();
  emit_event();
}

void TraceWriter::on_crash(const Step& s, NodeRef n) {
  Line j(buffer_);
  node_fields(event_start(j, s, "crash"), n).end();
  emit_event();
}

void TraceWriter::on_restart(const Step& s, NodeRef n) {
  Line j(buffer_);
  node_fields(event_start(j, s, "restart"), n).end();
  emit_event();
}

void TraceWriter::on_fault(const Step& s, const FaultInfo& f) {
  Line j(buffer_);
  event_start(j, s, "fault").symbol("fault", f.kind);
  if (f.node >= 0) j.field("node", f.node);
  if (f.peer >= 0) j.field("peer", f.peer);
  j.field("value", f.value);
  if (!f.detail.empty()) j.field("detail", f.detail);
  j.end();
  emit_event();
}

TraceFile::TraceFile(std::string path) : path_(std::move(path)), tmp_path_(path_ + ".tmp") {
  // A rename over a device node, a FIFO or a symlink to one would replace it with a regular
  // file (`--trace /dev/null` as root): such a target is written in place.
  struct stat target {};
  if (::stat(path_.c_str(), &target) == 0 && !S_ISREG(target.st_mode)) {
    direct_ = true;
    tmp_path_ = path_;
    file_ = std::fopen(path_.c_str(), "wb");
  } else {
    file_ = std::fopen(tmp_path_.c_str(), "wb");
  }
  if (file_ == nullptr) {
    error_ = tmp_path_ + ": cannot open for writing: " + std::strerror(errno);
    return;
  }
  if (!direct_) temp_slot_ = register_temp_file(tmp_path_.c_str());
  add_abort_hook(&TraceFile::on_abort, this);
}

TraceFile::~TraceFile() {
  remove_abort_hook(&TraceFile::on_abort, this);
  if (file_ != nullptr) discard();
}

void TraceFile::set_error(const std::string& what, int error_number) {
  if (failed_) return;  // the first failure is the one that explains the rest
  failed_ = true;
  error_ = tmp_path_ + ": " + what + ": " + std::strerror(error_number);
}

bool TraceFile::write(std::string_view lines) {
  if (file_ == nullptr || failed_) return false;
  if (std::fwrite(lines.data(), 1, lines.size(), file_) != lines.size()) {
    set_error("write failed", errno);
    return false;
  }
  return true;
}

void TraceFile::close_and_remove() noexcept {
  unregister_temp_file(temp_slot_);
  temp_slot_ = -1;
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  if (!direct_) std::remove(tmp_path_.c_str());
}

bool TraceFile::commit() {
  if (file_ == nullptr) return false;
  remove_abort_hook(&TraceFile::on_abort, this);
  if (failed_) {
    close_and_remove();
    return false;
  }
  if (std::fflush(file_) != 0 || std::ferror(file_) != 0) {
    set_error("write failed", errno);
    close_and_remove();
    return false;
  }
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    set_error("write failed at close", errno);
    close_and_remove();
    return false;
  }
  if (direct_) return true;
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    error_ = path_ + ": cannot rename from " + tmp_path_ + ": " + std::strerror(errno);
    failed_ = true;
    close_and_remove();
    return false;
  }
  unregister_temp_file(temp_slot_);
  temp_slot_ = -1;
  return true;
}

void TraceFile::discard() {
  if (file_ == nullptr) return;
  remove_abort_hook(&TraceFile::on_abort, this);
  close_and_remove();
}

void TraceFile::on_abort(void* self) noexcept {
  auto* file = static_cast<TraceFile*>(self);
  if (file->file_ == nullptr) return;
  if (file->abort_footer_ && !file->failed_) file->abort_footer_();
  const bool written =
      !file->failed_ && std::fflush(file->file_) == 0 && std::ferror(file->file_) == 0;
  const bool closed = std::fclose(file->file_) == 0;
  file->file_ = nullptr;
  unregister_temp_file(file->temp_slot_);
  file->temp_slot_ = -1;
  if (!written || !closed) {
    // Not complete up to the failing step: not worth keeping under the trace's name.
    if (!file->direct_) std::remove(file->tmp_path_.c_str());
    return;
  }
  if (file->direct_ || std::rename(file->tmp_path_.c_str(), file->path_.c_str()) == 0) {
    std::fprintf(stderr, "railyard: trace up to the failing step: %s\n", file->path_.c_str());
  }
}

}  // namespace ry
