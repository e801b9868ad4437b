#include "traces/trace_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "traces/trace_writer.hpp"

namespace ry {
namespace {

namespace fs = std::filesystem;

class TraceReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("ry_trace_reader_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "t.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void put(const std::string& content) {
    std::ofstream out(path_, std::ios::binary);
    out << content;
  }

  // A complete, valid trace written by the real writer.
  static std::string valid_trace() {
    std::string all;
    TraceWriter w([&all](std::string_view line) {
      all += line;
      return true;
    });
    w.write_header("ring", 5, R"({"nodes":2})");
    w.on_crash(Step{1, Time{10}}, NodeRef{NodeId{1}, 0});
    w.on_restart(Step{2, Time{20}}, NodeRef{NodeId{1}, 1});
    w.write_footer("passed", 2, "");
    return all;
  }

  // The error must be one line, start with "PATH:LINE: " and mention `what`.
  void expect_error(const TraceReader& r, int line, const std::string& what) {
    EXPECT_FALSE(r.error().empty());
    EXPECT_EQ(r.error().find('\n'), std::string::npos) << r.error();
    const std::string prefix = path_ + ":" + std::to_string(line) + ": ";
    EXPECT_EQ(r.error().rfind(prefix, 0), 0U)
        << "got: " << r.error() << "\nwant prefix: " << prefix;
    EXPECT_NE(r.error().find(what), std::string::npos) << r.error();
    EXPECT_FALSE(r.io_error());
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(TraceReaderTest, ReadsAValidTrace) {
  put(valid_trace());
  TraceReader r(path_);
  ASSERT_TRUE(r.error().empty()) << r.error();
  EXPECT_EQ(r.header()["protocol"], "ring");
  EXPECT_EQ(r.header()["seed"], 5);
  EXPECT_EQ(r.header()["config"]["nodes"], 2);
  EXPECT_EQ(r.footer()["outcome"], "passed");
  EXPECT_EQ(r.footer()["events"], 2);
  std::string line;
  std::vector<std::string> rest;
  while (r.next_line(line)) rest.push_back(line);
  ASSERT_EQ(rest.size(), 3U);  // two events, then the footer
  EXPECT_EQ(nlohmann::json::parse(rest[0])["ev"], "crash");
  EXPECT_EQ(nlohmann::json::parse(rest[2])["type"], "footer");
  EXPECT_EQ(r.line_number(), 4U);
}

TEST_F(TraceReaderTest, EmptyFile) {
  put("");
  TraceReader r(path_);
  expect_error(r, 1, "empty");
}

TEST_F(TraceReaderTest, TruncatedLastLine) {
  const std::string full = valid_trace();
  // Cut in the middle of the footer (line 4): no final newline.
  put(full.substr(0, full.size() - 10));
  TraceReader r(path_);
  expect_error(r, 4, "truncated");
}

TEST_F(TraceReaderTest, TruncatedInsideTheFirstLine) {
  put(R"({"type":"header","sch)");
  TraceReader r(path_);
  expect_error(r, 1, "truncated");
}

TEST_F(TraceReaderTest, MissingFooter) {
  const std::string full = valid_trace();
  const std::size_t footer_start = full.rfind('\n', full.size() - 2) + 1;
  put(full.substr(0, footer_start));  // complete lines, but the last one is an event
  TraceReader r(path_);
  expect_error(r, 3, "footer");
}

TEST_F(TraceReaderTest, BadHeader) {
  const std::string full = valid_trace();
  const std::string rest = full.substr(full.find('\n') + 1);
  put("not json at all\n" + rest);
  expect_error(TraceReader(path_), 1, "header");
  put(R"({"type":"event","schema":1,"config":{}})"
      "\n" +
      rest);
  expect_error(TraceReader(path_), 1, "type");
  put(R"({"type":"header","schema":2})"
      "\n" +
      rest);
  expect_error(TraceReader(path_), 1, "config");
  put(R"([1,2,3])"
      "\n" +
      rest);
  expect_error(TraceReader(path_), 1, "header");
}

// A file that does not begin with a header is not a trace, whatever its end looks like: the
// user must not be told it was cut short.
TEST_F(TraceReaderTest, AFileWithoutAHeaderIsNotATrace) {
  put(std::string(100'000, '['));
  expect_error(TraceReader(path_), 1, "not a trace");
  put(std::string(100'000, '[') + "\n");
  expect_error(TraceReader(path_), 1, "not a trace: nesting deeper than 64 levels");
  put("hello\nworld\n");
  expect_error(TraceReader(path_), 1, "not a trace: the first line is not a header");
  put(std::string("\x7f"
                  "ELF\x02\x01\x01\0\0\0",
                  10) +
      "\xff\xfe\n\x01");
  expect_error(TraceReader(path_), 1, "not a trace");
  // Header fine, the last line a deeply nested array: not a footer, and not parsed whole.
  const std::string full = valid_trace();
  put(full.substr(0, full.find('\n') + 1) + std::string(100'000, '[') + "\n");
  expect_error(TraceReader(path_), 2, "not a footer");
}

TEST_F(TraceReaderTest, UnknownSchemaVersion) {
  const std::string full = valid_trace();
  const std::string rest = full.substr(full.find('\n') + 1);
  put(R"({"type":"header","schema":3,"protocol":"ring","config":{}})"
      "\n" +
      rest);
  expect_error(TraceReader(path_), 1, "schema");
  put(R"({"type":"header","schema":"1","protocol":"ring","config":{}})"
      "\n" +
      rest);
  expect_error(TraceReader(path_), 1, "schema");
  put(R"({"type":"header","protocol":"ring","config":{}})"
      "\n" +
      rest);
  expect_error(TraceReader(path_), 1, "schema");
}

TEST_F(TraceReaderTest, MissingFileIsAnIoError) {
  TraceReader r((dir_ / "absent.jsonl").string());
  EXPECT_TRUE(r.io_error());
  EXPECT_NE(r.error().find("absent.jsonl"), std::string::npos);
  EXPECT_EQ(r.error().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace ry
