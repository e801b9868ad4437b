// `railyard export TRACE --format F [-o OUT]`: a trace in another tool's format (README.md,
// "Exporting a run"; traces/export/). Exit 0, 2 on bad input (one line: file, line, field),
// 5 on an I/O error; nothing is left under OUT unless the export completed.
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>

#include "sim/verdict.hpp"
#include "tools/cli/commands.hpp"
#include "traces/export/export.hpp"

namespace ry {

namespace {

struct ExportCommand {
  std::string trace;
  std::string format;
  std::string out;
  std::string steps;
  exp::Options options;
};

}  // namespace

std::optional<std::string> parse_step_window(const std::string& text, std::uint64_t& first,
                                             std::uint64_t& last) {
  const std::size_t dots = text.find("..");
  auto number = [](std::string_view s, std::uint64_t& v) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
  };
  if (dots == std::string::npos || !number(std::string_view(text).substr(0, dots), first) ||
      !number(std::string_view(text).substr(dots + 2), last) || first > last) {
    return "--steps: expected FIRST..LAST (step numbers, FIRST <= LAST), got '" + text + "'";
  }
  return std::nullopt;
}

namespace {

int command_export(const ExportCommand& c) {
  exp::Options options = c.options;
  if (!c.steps.empty()) {
    if (auto problem = parse_step_window(c.steps, options.first_step, options.last_step)) {
      return usage_error(*problem);
    }
  }
  const exp::Result r = exp::export_trace(c.trace, c.format, c.out, options);
  if (r.status != exp::Status::ok) {
    std::fprintf(stderr, "railyard: error: %s\n", r.error.c_str());
    return static_cast<int>(r.status == exp::Status::io_error ? Outcome::environment
                                                              : Outcome::usage);
  }
  return static_cast<int>(Outcome::passed);
}

}  // namespace

std::function<int()> add_export_command(CLI::App& app) {
  auto c = std::make_shared<ExportCommand>();
  CLI::App* sub = app.add_subcommand(
      "export",
      "write a trace in another tool's format (Perfetto, ShiViz, Porcupine, Jepsen, "
      "mermaid, Apalache/Quint ITF)");
  sub->add_option("trace", c->trace, "the trace file")->required();
  sub->add_option("--format", c->format, std::string(exp::format_names()))
      ->required()
      ->check(CLI::IsMember({"chrome", "shiviz", "porcupine", "edn", "mermaid", "itf"}));
  sub->add_option("-o,--output", c->out, "the output file (default: standard output)");
  sub->add_option("--steps", c->steps, "mermaid: only the events of steps FIRST..LAST");
  sub->add_option("--max-messages", c->options.messages_max,
                  "mermaid: refuse a diagram with more arrows than this")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000}));
  return [sub, c]() { return sub->parsed() ? command_export(*c) : -1; };
}

}  // namespace ry
