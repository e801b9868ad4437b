// libFuzzer target: the trace reader (header, footer, event lines) and the options it rebuilds a
// run from, as `railyard replay` reads a file. Any input must give a trace or one error line.
// TraceReader reads a path (it seeks to the footer), so each input goes through a file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "tools/engine/json_source.hpp"
#include "tools/engine/options_json.hpp"
#include "traces/trace_reader.hpp"

namespace {
const std::string& input_path() {
  static const std::string path = "/tmp/ry_trace_fuzz_" + std::to_string(getpid()) + ".jsonl";
  return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = input_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  ry::TraceReader reader(path);
  if (!reader.error().empty()) {
    if (reader.error().find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  std::string error;
  (void)ry::options_from_json(reader.header()["config"], ry::JsonSource(path, 1), "/config", error);
  std::string line;
  while (reader.next_line(line)) {
  }
  return 0;
}
