#include "traces/trace_reader.hpp"

#include <cerrno>
#include <cstring>

namespace ry {

namespace {
// The number of the file's last line. Only an error needs it, so only an error pays for the
// full read.
std::uint64_t last_line_number(std::ifstream& in, bool ends_with_newline) {
  in.clear();
  in.seekg(0);
  std::uint64_t newlines = 0;
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < n; ++i) newlines += buf[i] == '\n' ? 1U : 0U;
  }
  return ends_with_newline ? newlines : newlines + 1;
}
}  // namespace

void TraceReader::fail(std::uint64_t line, const std::string& what) {
  if (!error_.empty()) return;
  error_ = path_ + ":" + std::to_string(line) + ": " + what;
}

TraceReader::TraceReader(std::string path) : path_(std::move(path)) {
  std::ifstream probe(path_, std::ios::binary);
  if (!probe) {
    error_ = path_ + ": cannot open: " + std::strerror(errno);
    io_error_ = true;
    return;
  }
  // The footer is the last line: find it without reading the whole file.
  probe.seekg(0, std::ios::end);
  const std::streamoff size = probe.tellg();
  if (size <= 0) {
    error_ = path_ + ":1: empty file, not a trace";
    return;
  }
  std::streamoff pos = size - 1;
  probe.seekg(pos);
  if (probe.get() != '\n') {
    fail(last_line_number(probe, false),
         "truncated trace: the last line is incomplete (no footer)");
    return;
  }
  while (pos > 0) {
    probe.seekg(pos - 1);
    if (probe.get() == '\n') break;
    --pos;
  }
  probe.seekg(pos);
  std::string last;
  std::getline(probe, last);
  footer_ = nlohmann::json::parse(last, nullptr, false);
  if (footer_.is_discarded() || !footer_.is_object() || footer_.value("type", "") != "footer") {
    fail(last_line_number(probe, true), "truncated trace: the last line is not a footer");
    return;
  }

  in_.open(path_, std::ios::binary);
  std::string first;
  if (!std::getline(in_, first)) {
    error_ = path_ + ": cannot read: " + std::strerror(errno);
    io_error_ = true;
    return;
  }
  line_number_ = 1;
  header_ = nlohmann::json::parse(first, nullptr, false);
  if (header_.is_discarded() || !header_.is_object()) {
    fail(1, "header: not a JSON object");
    return;
  }
  if (header_.value("type", "") != "header") {
    fail(1, "header: field 'type' must be \"header\"");
    return;
  }
  if (!header_.contains("schema") || !header_["schema"].is_number_integer() ||
      header_["schema"] != 2) {
    fail(1,
         "header: field 'schema': unsupported schema version (this build reads 2; schema 1 "
         "traces were written before client histories and protocol descriptors)");
    return;
  }
  if (!header_.contains("config") || !header_["config"].is_object()) {
    fail(1, "header: field 'config': missing or not an object");
  }
}

bool TraceReader::next_line(std::string& line) {
  if (!std::getline(in_, line)) return false;
  ++line_number_;
  return true;
}

}  // namespace ry
