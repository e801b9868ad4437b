// libFuzzer target: JsonSource, the line finder behind every "file:line: field" error, and the
// nesting check that guards it. It scans whatever it is given (valid JSON or not).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tools/engine/json_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ry::nesting_too_deep(text);
  const ry::JsonSource source("fuzz.json", text);
  (void)source.where("");
  (void)source.where("/options/nodes");
  (void)source.where("/schedule/0/at_ms");
  if (const auto& dup = source.duplicate()) (void)ry::field_name(dup->pointer);
  // The input as a pointer too: field_name must take any string.
  (void)ry::field_name(text);
  return 0;
}
