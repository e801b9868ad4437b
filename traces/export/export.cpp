#include "traces/export/export.hpp"

#include <charconv>

#include "traces/export/output_file.hpp"
#include "traces/trace_reader.hpp"

namespace ry::exp {

namespace {

constexpr std::string_view names[] = {"chrome", "shiviz", "porcupine", "edn", "mermaid", "itf"};

std::unique_ptr<Exporter> make(std::string_view format, const Options& options) {
  if (format == "chrome") return make_chrome();
  if (format == "shiviz") return make_shiviz();
  if (format == "porcupine") return make_porcupine();
  if (format == "edn") return make_edn();
  if (format == "mermaid") return make_mermaid(options);
  if (format == "itf") return make_itf();
  return nullptr;
}

// Output is handed to the file in blocks of about this size.
constexpr std::size_t flush_bytes = 256 * 1024;

}  // namespace

std::string_view format_names() { return "chrome, shiviz, porcupine, edn, mermaid, itf"; }

bool known_format(std::string_view format) {
  for (std::string_view n : names) {
    if (n == format) return true;
  }
  return false;
}

Result export_trace(const std::string& trace, std::string_view format, const std::string& out,
                    const Options& options) {
  Result r;
  auto exporter = make(format, options);
  if (!exporter) {
    r.status = Status::input_error;
    r.error = "--format: unknown format '" + std::string(format) + "' (expected " +
              std::string(format_names()) + ")";
    return r;
  }
  TraceReader reader(trace);
  if (!reader.error().empty()) {
    r.status = reader.io_error() ? Status::io_error : Status::input_error;
    r.error = reader.error();
    return r;
  }
  OutputFile file(out);
  if (!file.ok()) {
    r.status = Status::io_error;
    r.error = file.error();
    return r;
  }
  TextBuffer buffer;
  auto flush = [&] {
    const bool written = file.write(buffer.view());
    buffer.clear();
    return written;
  };
  auto fail_io = [&] {
    r.status = Status::io_error;
    r.error = file.error();
    file.discard();
    return r;
  };
  std::string line;
  std::uint64_t line_number = 1;
  try {
    exporter->header(reader.header(), buffer);
    EventLine event;
    bool footer_seen = false;
    while (reader.next_line(line)) {
      line_number = reader.line_number();
      if (footer_seen) throw InputError("a line after the footer");
      if (line.starts_with(R"({"type":"footer")")) {
        footer_seen = true;
        continue;
      }
      event.parse(line);
      exporter->event(event, buffer);
      ++r.events;
      if (buffer.size() >= flush_bytes && !flush()) return fail_io();
    }
    if (!footer_seen) throw InputError("truncated trace: no footer");
    line_number = reader.line_number();
    exporter->footer(reader.footer(), buffer);
  } catch (const InputError& e) {
    file.discard();
    r.status = Status::input_error;
    r.error = trace + ":" + std::to_string(line_number) + ": " + e.what();
    return r;
  }
  if (!flush() || !file.commit()) return fail_io();
  return r;
}

void put_int(TextBuffer& out, std::int64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void put_json_string(TextBuffer& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': put(out, "\\\""); break;
      case '\\': put(out, "\\\\"); break;
      case '\n': put(out, "\\n"); break;
      case '\t': put(out, "\\t"); break;
      case '\r': put(out, "\\r"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          put(out, "\\u00");
          out.push_back("0123456789abcdef"[(c >> 4) & 0xf]);
          out.push_back("0123456789abcdef"[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void put_us(TextBuffer& out, std::int64_t ns) {
  put_int(out, ns / 1000);
  const auto frac = static_cast<int>(ns % 1000);
  const char digits[4] = {'.', static_cast<char>('0' + frac / 100),
                          static_cast<char>('0' + frac / 10 % 10),
                          static_cast<char>('0' + frac % 10)};
  out.append(digits, 4);
}

std::uint32_t node_count(const nlohmann::json& header) {
  const auto& config = header["config"];
  const auto it = config.find("nodes");
  if (it == config.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0 ||
      it->get<std::uint64_t>() > 1'000'000) {
    throw InputError("header: field 'config.nodes': missing, or not a node count");
  }
  return static_cast<std::uint32_t>(it->get<std::uint64_t>());
}

}  // namespace ry::exp
