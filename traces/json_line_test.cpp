#include "traces/json_line.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ry {
namespace {

TEST(JsonLine, KeysInTheOrderWrittenAndExactText) {
  std::string out;
  JsonLine j(out);
  j.begin()
      .field("b", std::int64_t{1})
      .field("a", "x")
      .field("t", true)
      .field("f", false)
      .field("u", std::uint32_t{7})
      .field("i", -3)
      .end()
      .newline();
  EXPECT_EQ(out, R"({"b":1,"a":"x","t":true,"f":false,"u":7,"i":-3})"
                 "\n");
}

TEST(JsonLine, EscapesQuotesBackslashesAndControlCharacters) {
  const std::string nasty = std::string("q\"b\\n\nt\tr\r") + '\0' + "\x01\x1f\x7f end";
  std::string out;
  JsonLine(out).begin().field("s", nasty).end();
  EXPECT_EQ(out, R"({"s":"q\"b\\n\nt\tr\r\u0000\u0001\u001f)"
                 "\x7f"
                 R"( end"})");
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["s"].get<std::string>(), nasty);
}

TEST(JsonLine, EveryControlCharacterRoundTrips) {
  std::string all;
  for (int c = 0; c < 0x20; ++c) all.push_back(static_cast<char>(c));
  std::string out;
  JsonLine(out).begin().field("s", all).array("a").element(all).end_array().end();
  EXPECT_EQ(out.find('\n'), std::string::npos);  // one line, whatever the content
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["s"].get<std::string>(), all);
  EXPECT_EQ(parsed["a"][0].get<std::string>(), all);
}

TEST(JsonLine, IntegersAtTheExtremes) {
  std::string out;
  JsonLine(out)
      .begin()
      .field("min", INT64_MIN)
      .field("max", INT64_MAX)
      .field("umax", UINT64_MAX)
      .field("zero", std::uint64_t{0})
      .end();
  EXPECT_EQ(out, R"({"min":-9223372036854775808,"max":9223372036854775807,)"
                 R"("umax":18446744073709551615,"zero":0})");
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["min"].get<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(parsed["max"].get<std::int64_t>(), INT64_MAX);
  EXPECT_EQ(parsed["umax"].get<std::uint64_t>(), UINT64_MAX);
}

TEST(JsonLine, HexIsSixteenLowercaseDigits) {
  std::string out;
  JsonLine(out)
      .begin()
      .hex("z", 0)
      .hex("s", 0x1234)
      .hex("m", UINT64_MAX)
      .hex("p", 0x0123456789abcdefULL)
      .end();
  EXPECT_EQ(out, R"({"z":"0000000000000000","s":"0000000000001234","m":"ffffffffffffffff",)"
                 R"("p":"0123456789abcdef"})");
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(std::stoull(parsed["p"].get<std::string>(), nullptr, 16), 0x0123456789abcdefULL);
}

TEST(JsonLine, NestedObjectsArraysAndRaw) {
  std::string inner;
  JsonLine(inner).begin().field("n", 3).end();
  std::string out;
  JsonLine j(out);
  j.begin().field("a", 1).object("o").field("x", 2).end();
  j.array("arr").element(std::int64_t{-1}).element("s").begin_element().field("k", 0).end();
  j.end_array().raw("cfg", inner).array("empty").end_array().end();
  EXPECT_EQ(out, R"({"a":1,"o":{"x":2},"arr":[-1,"s",{"k":0}],"cfg":{"n":3},"empty":[]})");
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["o"]["x"], 2);
  EXPECT_EQ(parsed["arr"].size(), 3U);
  EXPECT_EQ(parsed["arr"][2]["k"], 0);
  EXPECT_EQ(parsed["cfg"]["n"], 3);
  EXPECT_TRUE(parsed["empty"].empty());
}

TEST(JsonLine, AppendsToExistingTextAndStartsFreshObjects) {
  std::string out = "prefix ";
  JsonLine j(out);
  j.begin().field("a", 1).end().newline();
  j.begin().field("b", 2).end().newline();  // no stray comma from the previous object
  EXPECT_EQ(out, "prefix {\"a\":1}\n{\"b\":2}\n");
}

}  // namespace
}  // namespace ry
