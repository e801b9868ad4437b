// libFuzzer target: the client history reader, as `railyard check-history` reads a file
// (railyard JSON Lines or Jepsen EDN, told apart by the first characters), then the
// linearizability check on whatever it accepts, under a small step budget. Any input must give a
// history or one error line, and the check must end within its budget.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "invariants/history/linearizability.hpp"
#include "traces/history_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto history = ry::parse_history(text, "fuzz.edn", error);
  if (!history) {
    if (error.empty() || error.find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  // Both models, as `--model auto` may pick either; a model that cannot check an operation says
  // so in one line instead.
  for (const auto& model : {ry::lin::register_model(), ry::lin::kv_model()}) {
    if (const auto why = ry::lin::unsupported_operation(*history, *model, "fuzz.edn")) {
      if (why->find('\n') != std::string::npos) __builtin_trap();
      continue;
    }
    ry::lin::CheckOptions options;
    options.steps_max = 10'000;
    options.shrink_steps_max = 10'000;
    (void)ry::lin::check_linearizability(*history, *model, options);
  }
  return 0;
}
