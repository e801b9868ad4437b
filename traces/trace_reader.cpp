#include "traces/trace_reader.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>

#include "traces/json_limits.hpp"

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
  probe.seekg(0, std::ios::end);
  const std::streamoff size = probe.tellg();
  if (size <= 0) {
    error_ = path_ + ":1: empty file, not a trace";
    return;
  }
  probe.seekg(0);

  // The header first: a file whose first line is not one is not a trace at all, whatever its
  // last line holds. At most line_bytes_max are read, so a huge file of one line is not read
  // whole.
  std::string first;
  bool first_complete = false;
  {
    std::streambuf* buf = probe.rdbuf();
    for (auto c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
      if (c == '\n') {
        first_complete = true;
        break;
      }
      if (first.size() >= line_bytes_max) {
        fail(1, "not a trace: the first line is longer than " +
                    std::to_string(line_bytes_max >> 20) + " MiB (no header)");
        return;
      }
      first.push_back(static_cast<char>(c));
    }
  }
  // The writer begins every trace with exactly this: a cut inside the header is a truncated
  // trace; anything else is some other file.
  constexpr std::string_view header_start = R"({"type":"header",)";
  if (!first_complete && first.starts_with(header_start)) {
    fail(1, "truncated trace: the last line is incomplete (no footer)");
    return;
  }
  if (first.find('\0') != std::string::npos) {
    fail(1, "not a trace: a NUL byte in the first line (not a header)");
    return;
  }
  if (nesting_too_deep(first)) {
    fail(1, "not a trace: nesting deeper than " + std::to_string(json_depth_max) +
                " levels (the first line is not a header)");
    return;
  }
  header_ = nlohmann::json::parse(first, nullptr, false);
  if (header_.is_discarded() || !header_.is_object()) {
    fail(1, "not a trace: the first line is not a header (not a JSON object)");
    return;
  }
  if (header_.value("type", "") != "header") {
    fail(1, "not a trace: the first line is not a header (field 'type' must be \"header\")");
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
    return;
  }

  // The footer is the last line: find it without reading the whole file.
  probe.clear();
  std::streamoff pos = size - 1;
  probe.seekg(pos);
  if (probe.get() != '\n') {
    fail(last_line_number(probe, false),
         "truncated trace: the last line is incomplete (no footer)");
    return;
  }
  // Back from the final newline, a block at a time, to the newline before it.
  std::string last;
  {
    const std::streamoff end = pos;  // the final newline
    char block[4096];
    std::streamoff start = 0;
    bool found = false;
    while (pos > 0 && !found) {
      const std::streamoff from = pos >= static_cast<std::streamoff>(sizeof block)
                                      ? pos - static_cast<std::streamoff>(sizeof block)
                                      : 0;
      probe.seekg(from);
      probe.read(block, pos - from);
      for (std::streamoff i = pos - from; i > 0; --i) {
        if (block[i - 1] == '\n') {
          start = from + i;
          found = true;
          break;
        }
      }
      pos = from;
      if (end - pos > static_cast<std::streamoff>(line_bytes_max)) {
        fail(last_line_number(probe, true),
             "truncated trace: the last line is longer than any footer");
        return;
      }
    }
    last.resize(static_cast<std::size_t>(end - start));
    probe.clear();
    probe.seekg(start);
    probe.read(last.data(), static_cast<std::streamsize>(last.size()));
  }
  if (!nesting_too_deep(last) && last.find('\0') == std::string::npos)
    footer_ = nlohmann::json::parse(last, nullptr, false);
  if (footer_.is_discarded() || !footer_.is_object() || footer_.value("type", "") != "footer") {
    footer_ = nullptr;
    fail(last_line_number(probe, true), "truncated trace: the last line is not a footer");
    return;
  }

  in_.open(path_, std::ios::binary);
  std::string skip;
  if (!in_ || !std::getline(in_, skip)) {
    error_ = path_ + ": cannot read: " + std::strerror(errno);
    io_error_ = true;
    return;
  }
  line_number_ = 1;
}

bool TraceReader::next_line(std::string& line) {
  if (!std::getline(in_, line)) return false;
  ++line_number_;
  return true;
}

}  // namespace ry
