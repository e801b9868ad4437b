#include "tools/engine/schedule.hpp"

#include <gtest/gtest.h>

#include "tools/engine/json_source.hpp"

namespace ry {
namespace {

using Json = nlohmann::json;

// Parses `text` as the "schedule" of a five-node run whose safety phase lasts 1000 ms (on the
// same first line, so line numbers are those of `text`).
std::optional<Schedule> parse(const std::string& text, std::string& error) {
  const std::string doc = "{\"schedule\": " + text + "}";
  const JsonSource source("s.json", doc);
  return schedule_from_json(Json::parse(doc)["schedule"], 5, 1000, "trains", source, "/schedule",
                            error);
}

std::string error_of(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse(text, error).has_value()) << text;
  return error;
}

TEST(Schedule, ReadsEveryActionAndWritesItBackUnchanged) {
  const std::string text = R"([
    {"at_ms": 0, "do": "partition", "shape": "isolate", "node": 2},
    {"at_ms": 10, "do": "partition", "shape": "split", "side": [1, 0]},
    {"at_ms": 20, "do": "partition", "shape": "ring_cut", "node": 4},
    {"at_ms": 30, "do": "partition", "shape": "bridge", "side": [0, 1], "bridge": 2},
    {"at_ms": 40, "do": "partition", "shape": "one_way", "side": [3]},
    {"at_ms": 50, "do": "partition", "shape": "links", "links": [[0, 1], [2, 3]]},
    {"at_ms": 60, "do": "heal"},
    {"at_ms": 70, "do": "clog", "from": 1, "to": 2, "for_ms": 5},
    {"at_ms": 80, "do": "crash", "node": 1},
    {"at_ms": 80, "do": "crash", "node": 0, "moment": "issuer_delivered"},
    {"at_ms": 90, "do": "restart", "node": 1},
    {"at_ms": 100, "do": "pause", "node": 3, "for_ms": 7},
    {"at_ms": 110, "do": "clock_jump", "node": 4, "by_us": -1500},
    {"at_ms": 120, "do": "clock_drift", "node": 4, "ppm": 250},
    {"at_ms": 130, "do": "disk", "node": 2, "fault": "torn"},
    {"at_ms": 1000, "do": "disk", "node": 2, "fault": "slow", "for_ms": 9}
  ])";
  std::string error;
  const auto schedule = parse(text, error);
  ASSERT_TRUE(schedule) << error;
  ASSERT_EQ(schedule->size(), 16U);
  EXPECT_EQ((*schedule)[1].side, (std::vector<std::uint32_t>{0, 1}));  // sorted
  EXPECT_EQ((*schedule)[3].peer, 2U);
  EXPECT_EQ((*schedule)[7].duration_ns, 5 * ms_ns);
  EXPECT_EQ((*schedule)[9].moment, "issuer_delivered");
  EXPECT_EQ((*schedule)[12].delta_ns, -1500 * us_ns);
  EXPECT_EQ((*schedule)[15].at_ns, 1000 * ms_ns);

  // The trace header's form reads back to the same schedule, and is stable.
  const std::string written = schedule_to_json(*schedule);
  const auto again = parse(written, error);
  ASSERT_TRUE(again) << error << "\n" << written;
  EXPECT_EQ(*again, *schedule);
  EXPECT_EQ(schedule_to_json(*again), written);
}

// A recorded schedule (tools/engine/schedule_file.hpp) keeps the nemesis's nanoseconds and each
// fault's hold; whole milliseconds are still written the way people write them.
TEST(Schedule, RecordedStepsKeepNanosecondsAndHolds) {
  const std::string text = R"([
    {"at_ns": 1234567, "do": "crash", "node": 1, "for_ns": 20000001},
    {"at_ms": 2, "do": "partition", "shape": "split", "side": [0, 1], "for_ms": 30},
    {"at_ns": 2000001, "do": "cut", "from": 3, "to": 4, "for_ns": 1500},
    {"at_ns": 2000002, "do": "cut", "from": 4, "to": 3},
    {"at_ns": 2500000, "do": "clock_jump", "node": 2, "by_ns": -1234}
  ])";
  std::string error;
  const auto schedule = parse(text, error);
  ASSERT_TRUE(schedule) << error;
  EXPECT_EQ((*schedule)[0].at_ns, 1234567);
  EXPECT_EQ((*schedule)[0].duration_ns, 20000001);
  EXPECT_EQ((*schedule)[1].duration_ns, 30 * ms_ns);
  EXPECT_EQ((*schedule)[2].action, FaultStep::Action::cut);
  EXPECT_EQ((*schedule)[3].duration_ns, 0);  // cut for good (until the heal of the phase)
  EXPECT_EQ((*schedule)[4].delta_ns, -1234);
  const std::string written = schedule_to_json(*schedule);
  EXPECT_NE(written.find(R"({"at_ns":1234567,"do":"crash","node":1,"for_ns":20000001})"),
            std::string::npos)
      << written;
  EXPECT_NE(
      written.find(R"({"at_ms":2,"do":"partition","shape":"split","side":[0,1],"for_ms":30})"),
      std::string::npos)
      << written;
  const auto again = parse(written, error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(*again, *schedule);
  EXPECT_EQ(describe((*schedule)[0]), "1.234567 ms: crash 1 for 20.000001 ms");

  EXPECT_EQ(error_of(R"([{"at_ms": 1, "at_ns": 5, "do": "heal"}])"),
            "s.json:1: field 'schedule[0].at_ns': give at_ms or at_ns, not both");
  EXPECT_EQ(error_of(R"([{"do": "heal"}])"), "s.json:1: field 'schedule[0].at_ms': missing");
  EXPECT_EQ(error_of(R"([{"at_ns": 1000000001, "do": "heal"}])"),
            "s.json:1: field 'schedule[0].at_ns': must be between 0 and 1000000000 (the safety "
            "phase, time_ms)");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "cut", "from": 1, "to": 2, "for_ns": 0}])"),
            "s.json:1: field 'schedule[0].for_ns': must be between 1 and 3600000000000");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "restart", "node": 1, "for_ms": 3}])"),
            "s.json:1: field 'schedule[0].for_ms': unknown key for action restart");
}

TEST(Schedule, DescribesStepsForPeople) {
  std::string error;
  const auto s = parse(R"([{"at_ms": 150, "do": "partition", "shape": "split", "side": [0, 1]},
                           {"at_ms": 200, "do": "crash", "node": 3, "moment": "recycled"}])",
                       error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(describe((*s)[0]), "150 ms: partition split {0,1}");
  EXPECT_EQ(describe((*s)[1]), "200 ms: crash 3 at recycled");
}

TEST(Schedule, ErrorsNameTheLineAndTheField) {
  EXPECT_EQ(error_of("[\n{\"at_ms\": 5, \"do\": \"heal\"},\n{\"at_ms\": \"5\", \"do\": \"heal\"}]"),
            "s.json:3: field 'schedule[1].at_ms': expected an integer");
  EXPECT_EQ(
      error_of("[{\"at_ms\": 5,\n \"do\": \"explode\"}]"),
      "s.json:2: field 'schedule[0].do': unknown action 'explode' (expected partition, heal, clog, "
      "cut, crash, restart, pause, clock_jump, clock_drift or disk)");
  EXPECT_EQ(error_of(R"([{"at_ms": 5, "do": "crash", "node": 5}])"),
            "s.json:1: field 'schedule[0].node': must be between 0 and 4");
  EXPECT_EQ(error_of(R"([{"at_ms": 5, "do": "crash", "nod": 1}])"),
            "s.json:1: field 'schedule[0].nod': unknown key for action crash");
  EXPECT_EQ(error_of(R"([{"at_ms": 1001, "do": "heal"}])"),
            "s.json:1: field 'schedule[0].at_ms': must be between 0 and 1000 (the safety phase, "
            "time_ms)");
  EXPECT_EQ(
      error_of(R"([{"at_ms": 9, "do": "heal"}, {"at_ms": 8, "do": "heal"}])"),
      "s.json:1: field 'schedule[1].at_ms': steps must be in time order (the step before is at 9 "
      "ms)");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "partition", "shape": "split", "side": [0, 0]}])"),
            "s.json:1: field 'schedule[0].side': a node is listed twice");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "partition", "shape": "split", "side": [0,1,2,3,4]}])"),
            "s.json:1: field 'schedule[0].side': must leave at least one node on the other side");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "partition", "shape": "isolate", "side": [0]}])"),
            "s.json:1: field 'schedule[0].side': not used by shape isolate");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "partition", "shape": "bridge", "side": [0],
                          "bridge": 0}])"),
            "s.json:2: field 'schedule[0].bridge': the bridge node cannot be on the side");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "partition", "shape": "links", "links": [[1, 1]]}])"),
            "s.json:1: field 'schedule[0].links': expected [from, to] pairs of two different nodes "
            "below 5");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "clog", "from": 1, "to": 1, "for_ms": 3}])"),
            "s.json:1: field 'schedule[0].to': a node has no link to itself");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "disk", "node": 1, "fault": "torn", "for_ms": 3}])"),
            "s.json:1: field 'schedule[0].for_ms': only a slow disk lasts for a time");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "clock_jump", "node": 1, "by_us": 0}])"),
            "s.json:1: field 'schedule[0].by_us': a jump of 0 does nothing");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "pause", "node": 1}])"),
            "s.json:1: field 'schedule[0].for_ms': missing");
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "heal"}, 7])"),
            "s.json:1: field 'schedule[1]': expected an object such as {\"at_ms\": 100, \"do\": "
            "\"heal\"}");
  EXPECT_EQ(error_of(R"({"at_ms": 1})"), "s.json:1: field 'schedule': expected an array");
}

// A crash at a moment the protocol never reaches would never fire, and the run would pass.
TEST(Schedule, ACrashMomentMustBeOneTheProtocolHas) {
  EXPECT_EQ(error_of(R"([{"at_ms": 1, "do": "crash", "node": 1, "moment": "issuer_delivred"}])")
                .rfind("s.json:1: field 'schedule[0].moment': unknown moment 'issuer_delivred' for "
                       "protocol trains (expected one of ",
                       0),
            0U);
  std::string error;
  for (const char* moment : {"issuer_delivered", "recycled", "install", "report", "reserve"}) {
    EXPECT_TRUE(parse(
        std::string(R"([{"at_ms": 1, "do": "crash", "node": 1, "moment": ")") + moment + "\"}]",
        error))
        << error;
  }
  // The ring's only moment is its own; TRAINS's are not the ring's.
  const std::string doc = R"({"schedule": [{"at_ms": 1, "do": "crash", "node": 1,
                              "moment": "issuer_delivered"}]})";
  const JsonSource source("r.json", doc);
  EXPECT_FALSE(schedule_from_json(Json::parse(doc)["schedule"], 5, 1000, "ring", source,
                                  "/schedule", error));
  EXPECT_EQ(error,
            "r.json:2: field 'schedule[0].moment': unknown moment 'issuer_delivered' for "
            "protocol ring (expected one of accept)");
}

}  // namespace
}  // namespace ry
