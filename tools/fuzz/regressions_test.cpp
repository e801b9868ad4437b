// Replays tools/fuzz/regressions/: inputs that once crashed, hung or misreported a fuzz target
// (or a user), through the same readers as the targets, in the ordinary test build. Each must
// give a value or one error line, in bounded time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/engine/json_source.hpp"
#include "tools/engine/options_json.hpp"
#include "tools/engine/scenario.hpp"
#include "traces/trace_reader.hpp"

namespace ry {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const char* target) {
  const fs::path dir = fs::path(__FILE__).parent_path() / "regressions" / target;
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_one_line(const std::string& error, const fs::path& input) {
  EXPECT_FALSE(error.empty()) << input;
  EXPECT_EQ(error.find('\n'), std::string::npos) << input << ": " << error;
  EXPECT_EQ(error.find('\0'), std::string::npos) << input << ": " << error;
}

TEST(FuzzRegressions, Scenario) {
  const auto files = inputs("scenario");
  EXPECT_FALSE(files.empty());
  for (const auto& input : files) {
    std::string error;
    if (!parse_scenario(input.string(), slurp(input), error)) expect_one_line(error, input);
  }
}

TEST(FuzzRegressions, Trace) {
  const auto files = inputs("trace");
  EXPECT_FALSE(files.empty());
  for (const auto& input : files) {
    TraceReader reader(input.string());
    if (!reader.error().empty()) {
      expect_one_line(reader.error(), input);
      EXPECT_NE(reader.error().find("not a trace"), std::string::npos) << reader.error();
      continue;
    }
    std::string error;
    (void)options_from_json(reader.header()["config"], JsonSource(input.string(), 1), "/config",
                            error);
    std::string line;
    while (reader.next_line(line)) {
    }
  }
}

TEST(FuzzRegressions, JsonSource) {
  const auto files = inputs("json_source");
  EXPECT_FALSE(files.empty());
  for (const auto& input : files) {
    const std::string text = slurp(input);
    const JsonSource source(input.string(), text);
    EXPECT_EQ(source.where("/a/b").rfind(input.string(), 0), 0U);
    (void)field_name(text);
  }
}

}  // namespace
}  // namespace ry
