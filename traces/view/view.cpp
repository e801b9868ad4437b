#include "traces/view/view.hpp"

#include <filesystem>

#include "traces/export/output_file.hpp"
#include "traces/trace_reader.hpp"
#include "traces/view/columns.hpp"
#include "traces/view/page_template.hpp"

namespace ry::view {

namespace {

// Which events of the trace the page embeds.
struct Window {
  std::string mode;  // all, first, last (a failing run: the events that led to the end), steps
  std::uint64_t skip = 0;  // events before the window (mode last)
};

Window choose(std::uint64_t total, const nlohmann::json& footer, const Options& o) {
  if (o.steps_given) return {"steps", 0};
  if (total <= o.events_max) return {"all", 0};
  // A failing run is looked at for how it failed, which is at its end.
  const std::string outcome = footer.value("outcome", "");
  if (outcome != "passed" && outcome != "halted") return {"last", total - o.events_max};
  return {"first", 0};
}

// Header and footer as JSON text that is safe inside <script>: '<', '>' and '&' only occur in
// JSON strings, where their \u escapes mean the same.
void put_script_json(TextBuffer& out, const nlohmann::json& j) {
  const std::string text = j.dump();
  for (const char c : text) {
    if (c == '<') {
      out.append("\\u003c", 6);
    } else if (c == '>') {
      out.append("\\u003e", 6);
    } else if (c == '&') {
      out.append("\\u0026", 6);
    } else {
      out.push_back(c);
    }
  }
}

void put_field(TextBuffer& out, std::string_view key, std::uint64_t value) {
  out.push_back('"');
  out.append(key.data(), key.size());
  out.append("\":", 2);
  const std::string text = std::to_string(value);
  out.append(text.data(), text.size());
  out.push_back(',');
}

exp::Result io_failure(const std::string& error) {
  exp::Result r;
  r.status = exp::Status::io_error;
  r.error = error;
  return r;
}

}  // namespace

exp::Result write_page(const std::string& trace, const std::string& out, const Options& options) {
  exp::Result r;
  // Pass 1: how many events, to choose the window before keeping any.
  std::uint64_t total = 0;
  {
    TraceReader reader(trace);
    if (!reader.error().empty()) {
      r.status = reader.io_error() ? exp::Status::io_error : exp::Status::input_error;
      r.error = reader.error();
      return r;
    }
    std::string line;
    while (reader.next_line(line)) {
      if (!line.starts_with(R"({"type":"footer")")) ++total;
    }
  }
  TraceReader reader(trace);
  if (!reader.error().empty()) return io_failure(reader.error());
  const Window window = choose(total, reader.footer(), options);
  const auto& sim_ns = reader.footer().find("sim_ns");
  Columns columns(sim_ns != reader.footer().end() && sim_ns->is_number_integer()
                      ? sim_ns->get<std::int64_t>()
                      : 0);
  std::uint64_t index = 0;
  std::uint64_t kept = 0;  // events of the window (faults before it are kept besides)
  std::uint64_t first_kept = UINT64_MAX;
  std::uint64_t last_kept = 0;
  bool capped = false;
  std::string line;
  std::uint64_t line_number = 1;
  try {
    exp::node_count(reader.header());
    exp::EventLine event;
    bool footer_seen = false;
    while (reader.next_line(line)) {
      line_number = reader.line_number();
      if (footer_seen) throw exp::InputError("a line after the footer");
      if (line.starts_with(R"({"type":"footer")")) {
        footer_seen = true;
        continue;
      }
      event.parse(line);
      columns.count(event);
      const std::uint64_t step = event.step();
      bool in_window = false;
      bool before = false;
      if (window.mode == "steps") {
        in_window = step >= options.first_step && step <= options.last_step;
        before = step < options.first_step;
      } else {
        in_window = index >= window.skip;
        before = !in_window;
      }
      if (in_window && kept >= options.events_max) {
        in_window = false;
        capped = true;
      }
      if (in_window) {
        ++kept;
        columns.keep(event);
        first_kept = std::min(first_kept, step);
        last_kept = step;
      } else if (before) {
        columns.before(event);
      }
      ++index;
    }
    if (!footer_seen) throw exp::InputError("truncated trace: no footer");
  } catch (const exp::InputError& e) {
    r.status = exp::Status::input_error;
    r.error = trace + ":" + std::to_string(line_number) + ": " + e.what();
    return r;
  }
  r.events = index;

  const std::size_t marker = page_template.find(data_marker);
  TextBuffer page;
  page.append(page_template.data(), marker);
  page.append("{\"meta\":{", 9);
  put_field(page, "total", index);
  put_field(page, "cap", options.events_max);
  put_field(page, "first_step", first_kept == UINT64_MAX ? 0 : first_kept);
  put_field(page, "last_step", last_kept);
  page.append("\"capped\":", 9);
  page.append(capped ? "true," : "false,", capped ? 5 : 6);
  page.append("\"window\":", 9);
  put_script_string(page, window.mode);
  page.append(",\"file\":", 8);
  put_script_string(page, std::filesystem::path(trace).filename().string());
  page.append("},\"header\":", 11);
  put_script_json(page, reader.header());
  page.append(",\"footer\":", 10);
  put_script_json(page, reader.footer());
  page.push_back(',');
  columns.write_json(page);
  page.push_back('}');
  const std::string_view rest = page_template.substr(marker + data_marker.size());
  page.append(rest.data(), rest.size());

  exp::OutputFile file(out);
  if (!file.ok()) return io_failure(file.error());
  if (!file.write(page.view()) || !file.commit()) {
    r = io_failure(file.error());
    file.discard();
  }
  return r;
}

}  // namespace ry::view
