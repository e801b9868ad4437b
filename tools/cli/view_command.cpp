// `railyard view TRACE -o run.html`: one self-contained HTML page of a run, a space-time diagram
// with faults, protocol state per step, the client history and the violation (traces/view/).
// Exit 0, 2 on bad input (one line: file, line, field), 5 on an I/O error; nothing is left under
// OUT unless the page is complete.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "sim/verdict.hpp"
#include "tools/cli/commands.hpp"
#include "traces/view/view.hpp"

namespace ry {

namespace {

struct ViewCommand {
  std::string trace;
  std::string out;
  std::string steps;
  view::Options options;
};

int command_view(const ViewCommand& c) {
  view::Options options = c.options;
  if (!c.steps.empty()) {
    if (auto problem = parse_step_window(c.steps, options.first_step, options.last_step)) {
      return usage_error(*problem);
    }
    options.steps_given = true;
  }
  const exp::Result r = view::write_page(c.trace, c.out, options);
  if (r.status != exp::Status::ok) {
    std::fprintf(stderr, "railyard: error: %s\n", r.error.c_str());
    return static_cast<int>(r.status == exp::Status::io_error ? Outcome::environment
                                                              : Outcome::usage);
  }
  return static_cast<int>(Outcome::passed);
}

}  // namespace

std::function<int()> add_view_command(CLI::App& app) {
  auto c = std::make_shared<ViewCommand>();
  CLI::App* sub = app.add_subcommand(
      "view", "write one self-contained HTML page of a trace: nodes, messages, faults, state");
  sub->add_option("trace", c->trace, "the trace file")->required();
  sub->add_option("-o,--output", c->out, "the HTML file (default: standard output)");
  sub->add_option("--steps", c->steps, "embed only the events of steps FIRST..LAST");
  sub->add_option("--max-events", c->options.events_max,
                  "the most events embedded; a longer trace is windowed (the page says so)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{2'000'000}));
  return [sub, c]() { return sub->parsed() ? command_view(*c) : -1; };
}

}  // namespace ry
