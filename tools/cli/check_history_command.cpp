#include <cstdio>
#include <string>

#include "invariants/history/linearizability.hpp"
#include "sim/verdict.hpp"
#include "tools/cli/check_history.hpp"
#include "traces/history_reader.hpp"

namespace ry {

namespace {

bool looks_like_kv(const History& h) {
  for (const HistoryOp& op : h.ops) {
    if (op.keyed || op.op.f == OpKind::get || op.op.f == OpKind::put || op.op.f == OpKind::append) {
      return true;
    }
  }
  return false;
}

int input_error(const std::string& what) {
  std::fprintf(stderr, "railyard: error: %s\n", what.c_str());
  return static_cast<int>(Outcome::usage);
}

}  // namespace

int command_check_history(const CheckHistoryOptions& o) {
  if (o.model != "auto" && o.model != "register" && o.model != "kv") {
    return input_error("--model: must be auto, register or kv, not \"" + o.model + "\"");
  }
  std::string error;
  bool io_error = false;
  const std::optional<History> history = read_history(o.path, error, &io_error);
  if (!history) {
    std::fprintf(stderr, "railyard: error: %s\n", error.c_str());
    return static_cast<int>(io_error ? Outcome::environment : Outcome::usage);
  }
  const bool kv = o.model == "kv" || (o.model == "auto" && looks_like_kv(*history));
  const auto model = kv ? lin::kv_model() : lin::register_model();
  if (const auto why = lin::unsupported_operation(*history, *model, o.path))
    return input_error(*why);

  lin::CheckOptions options;
  options.budget_ms = o.budget_ms;
  options.steps_max = o.steps_max;
  const lin::CheckResult result = lin::check_linearizability(*history, *model, options);
  const std::string report = o.quiet ? result.summary + "\n" : lin::format_result(result);
  std::fputs(report.c_str(), stdout);
  switch (result.verdict) {
    case lin::Verdict::linearizable: return static_cast<int>(Outcome::passed);
    case lin::Verdict::not_linearizable: return static_cast<int>(Outcome::violation);
    case lin::Verdict::unknown: return static_cast<int>(Outcome::no_liveness);
  }
  return static_cast<int>(Outcome::usage);
}

}  // namespace ry
