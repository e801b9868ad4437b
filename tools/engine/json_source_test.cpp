#include "tools/engine/json_source.hpp"

#include <gtest/gtest.h>

namespace ry {
namespace {

constexpr const char* doc = R"({
  "name": "x",
  "options": {"nodes": 5,
              "seed": 2},
  "schedule": [
    {"at_ms": 1, "do": "heal"},
    {"at_ms": 2,
     "do": "crash", "node": 7}
  ],
  "odd \"key\"": {"a/b": [1, [2,
    3]]}
})";

TEST(JsonSource, NamesTheLineOfEveryMemberAndElement) {
  const JsonSource source("f.json", doc);
  EXPECT_EQ(source.where(""), "f.json:1");
  EXPECT_EQ(source.where("/name"), "f.json:2");
  EXPECT_EQ(source.where("/options/nodes"), "f.json:3");
  EXPECT_EQ(source.where("/options/seed"), "f.json:4");
  EXPECT_EQ(source.where("/schedule/0"), "f.json:6");
  EXPECT_EQ(source.where("/schedule/1"), "f.json:7");
  EXPECT_EQ(source.where("/schedule/1/node"), "f.json:8");
  EXPECT_EQ(source.where("/odd \\\"key\\\"/a~1b/1/1"), "f.json:11");
}

TEST(JsonSource, FallsBackToTheClosestKnownParent) {
  const JsonSource source("f.json", doc);
  EXPECT_EQ(source.where("/schedule/1/missing"), "f.json:7");
  EXPECT_EQ(source.where("/nothing/here"), "f.json:1");
}

TEST(JsonSource, OneLineDocumentsNameTheirLine) {
  EXPECT_EQ(JsonSource("t.jsonl", 1).where("/config/nodes"), "t.jsonl:1");
}

TEST(JsonSource, FindsTheFirstKeyGivenTwiceInOneObject) {
  const JsonSource ok("f.json", doc);
  EXPECT_FALSE(ok.duplicate());
  const JsonSource dup("f.json", "{\"a\": {\"x\": 1, \"y\": [{\"x\": 2}],\n \"x\": 3}, \"x\": 4}");
  ASSERT_TRUE(dup.duplicate());
  EXPECT_EQ(dup.duplicate()->pointer, "/a/x");
  EXPECT_EQ(dup.duplicate()->line, 2);
  // An escaped key is the same key once decoded, as nlohmann reads it.
  const JsonSource escaped("f.json", R"({"ab": 1, "a\u0062": 2})");
  ASSERT_TRUE(escaped.duplicate());
  EXPECT_EQ(escaped.duplicate()->pointer, "/a\\u0062");
}

TEST(JsonSource, DeepNestingIsFoundAndNotScannedWhole) {
  const std::string deep(100'000, '[');
  EXPECT_EQ(nesting_too_deep(deep), 1);
  EXPECT_EQ(nesting_too_deep("\n\n" + std::string(65, '{')), 3);
  EXPECT_FALSE(nesting_too_deep(std::string(64, '[') + std::string(64, ']')));
  // Brackets inside strings do not nest.
  EXPECT_FALSE(nesting_too_deep("[\"" + std::string(100, '[') + "\\\"\"]"));
  // The scan of a deep document stops at the limit instead of growing a pointer per level.
  const JsonSource source("f.json", deep);
  EXPECT_EQ(source.where("/0/0"), "f.json:1");
}

TEST(JsonSource, OneLineEscapesControlCharacters) {
  EXPECT_EQ(one_line(std::string("a\nb\tc\0d\x7f", 8)), "a\\nb\\tc\\x00d\\x7f");
  EXPECT_EQ(one_line("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 is not a control character
}

TEST(JsonSource, FieldNamesReadLikeCode) {
  EXPECT_EQ(field_name("/schedule/3/at_ms"), "schedule[3].at_ms");
  EXPECT_EQ(field_name("/options/nodes"), "options.nodes");
  EXPECT_EQ(field_name("/a~1b"), "a/b");
  EXPECT_EQ(field_name(""), "");
}

}  // namespace
}  // namespace ry
