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

TEST(JsonSource, FieldNamesReadLikeCode) {
  EXPECT_EQ(field_name("/schedule/3/at_ms"), "schedule[3].at_ms");
  EXPECT_EQ(field_name("/options/nodes"), "options.nodes");
  EXPECT_EQ(field_name("/a~1b"), "a/b");
  EXPECT_EQ(field_name(""), "");
}

}  // namespace
}  // namespace ry
