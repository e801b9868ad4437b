#include "tools/engine/scenario.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace ry {
namespace {

// Writes `text` to a temporary file and loads it as a scenario.
class ScenarioFile : public ::testing::Test {
 protected:
  std::optional<Scenario> load(const std::string& text) {
    {
      std::ofstream out(path_);
      out << text;
    }
    return load_scenario(path_, error_, io_error_);
  }
  void TearDown() override { std::remove(path_.c_str()); }
  // One file per test: CTest runs the tests of this fixture in parallel processes.
  std::string path_ = ::testing::TempDir() + "scenario_test_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
  std::string error_;
  bool io_error_ = false;
};

TEST_F(ScenarioFile, LoadsOptionsScheduleAndExpectation) {
  const auto s = load(R"({
    "name": "split",
    "description": "a split",
    "options": {"mode": "uto", "nodes": 5, "seed": 9, "faults": "none", "time_ms": 700},
    "schedule": [{"at_ms": 150, "do": "partition", "shape": "split", "side": [0, 1]}],
    "expect": {"outcome": "violation", "property": "uniform_total_order"}
  })");
  ASSERT_TRUE(s) << error_;
  EXPECT_EQ(s->name, "split");
  EXPECT_EQ(s->options.mode, "uto");
  EXPECT_EQ(s->options.seed, 9U);
  EXPECT_EQ(s->options.schedule.size(), 1U);
  EXPECT_EQ(s->options.scenario, path_);
  EXPECT_EQ(s->expect.outcome, Outcome::violation);
  EXPECT_EQ(s->expect.property, "uniform_total_order");
  // The schedule travels in the trace header, so replay needs no scenario file.
  EXPECT_NE(to_json(s->options).find("\"schedule\":[{\"at_ms\":150"), std::string::npos);
}

TEST_F(ScenarioFile, BadInputGetsOneLineWithFileLineAndField) {
  EXPECT_FALSE(load("{\n  \"name\": \"x\",\n  \"expect\": {\"outcome\": \"pass\"},\n}"));
  EXPECT_EQ(error_.rfind(path_ + ":4: malformed JSON: ", 0), 0U) << error_;
  EXPECT_FALSE(
      load("{\"name\": \"x\",\n \"options\": {\"nodes\": \"five\"},\n"
           " \"expect\": {\"outcome\": \"pass\"}}"));
  EXPECT_EQ(error_, path_ + ":2: field 'options.nodes': expected an integer");
  EXPECT_FALSE(
      load("{\"name\": \"x\",\n \"options\": {\"nodes\": 1},\n"
           " \"expect\": {\"outcome\": \"pass\"}}"));
  EXPECT_EQ(error_, path_ + ":2: field 'options.nodes': must be between 2 and 1000000");
  EXPECT_FALSE(load("{\"name\": \"x\", \"expect\": {\"outcome\": \"pass\"},\n \"sheduel\": []}"));
  EXPECT_EQ(error_, path_ +
                        ":2: field 'sheduel': unknown key (expected name, description, options, "
                        "schedule, network, expect)");
  EXPECT_FALSE(load("{\"name\": \"x\", \"expect\": {\"outcome\": \"win\"}}"));
  EXPECT_EQ(error_, path_ +
                        ":1: field 'expect.outcome': unknown outcome 'win' (expected pass, halt, "
                        "no_liveness or violation)");
  EXPECT_FALSE(load("{\"name\": \"x\", \"expect\": {\"outcome\": \"pass\", \"property\": \"p\"}}"));
  EXPECT_EQ(error_, path_ + ":1: field 'expect.property': only a violation names a property");
  EXPECT_FALSE(load("{\"name\": \"x\"}"));
  EXPECT_EQ(error_, path_ + ":1: missing field 'expect'");
  EXPECT_FALSE(
      load("{\"name\": \"x\", \"options\": {\"nodes\": 3},\n\"schedule\": [\n"
           "{\"at_ms\": 1, \"do\": \"crash\", \"node\": 3}], \"expect\": {\"outcome\": "
           "\"pass\"}}"));
  EXPECT_EQ(error_, path_ + ":3: field 'schedule[0].node': must be between 0 and 2");
  EXPECT_FALSE(io_error_);
}

TEST_F(ScenarioFile, UnknownNamesAndDuplicateKeysAreInputErrors) {
  EXPECT_FALSE(
      load("{\"name\": \"x\",\n \"expect\": {\"outcome\": \"violation\", \"property\": "
           "\"total_order\"}}"));
  EXPECT_EQ(error_.rfind(path_ + ":2: field 'expect.property': no checker of protocol trains "
                                 "reports 'total_order' ",
                         0),
            0U)
      << error_;
  EXPECT_FALSE(io_error_);
  // nlohmann keeps the last of two equal keys; the first would be ignored without a word.
  EXPECT_FALSE(
      load("{\"name\": \"x\",\n \"options\": {\"nodes\": 3,\n \"nodes\": 5},\n"
           " \"expect\": {\"outcome\": \"pass\"}}"));
  EXPECT_EQ(error_, path_ + ":3: field 'options.nodes': key given twice");
  EXPECT_FALSE(load("{\"name\": \"x\", \"expect\": {\"outcome\": \"pass\"},\n \"name\": \"y\"}"));
  EXPECT_EQ(error_, path_ + ":2: field 'name': key given twice");
  EXPECT_FALSE(
      load("{\"name\": \"x\", \"schedule\": [{\"at_ms\": 1, \"do\": \"heal\",\n \"do\": "
           "\"heal\"}], \"expect\": {\"outcome\": \"pass\"}}"));
  EXPECT_EQ(error_, path_ + ":2: field 'schedule[0].do': key given twice");
}

TEST_F(ScenarioFile, DeepOrHugeFilesAreRefusedAtOnce) {
  EXPECT_FALSE(load(std::string(100'000, '[')));
  EXPECT_EQ(error_, path_ + ":1: nesting deeper than 64 levels: not a scenario file");
  EXPECT_FALSE(io_error_);
  EXPECT_FALSE(load("{\"name\": \"" + std::string((16 << 20) + 10, 'x') + "\"}"));
  EXPECT_EQ(error_, path_ + ": larger than 16 MiB: not a scenario file");
  EXPECT_FALSE(io_error_);
}

TEST(Scenario, AMissingFileIsAnIoError) {
  std::string error;
  bool io_error = false;
  EXPECT_FALSE(load_scenario("/nonexistent/x.json", error, io_error));
  EXPECT_TRUE(io_error);
  EXPECT_EQ(error, "/nonexistent/x.json: cannot read the scenario file");
}

TEST(Scenario, MismatchComparesOutcomeAndProperty) {
  RunResult r;
  r.outcome = Outcome::violation;
  r.violation.property = "total_order";
  EXPECT_FALSE(mismatch({Outcome::violation, ""}, r));
  EXPECT_FALSE(mismatch({Outcome::violation, "total_order"}, r));
  EXPECT_EQ(*mismatch({Outcome::violation, "integrity"}, r),
            "expected violation of integrity, observed violation of total_order");
  EXPECT_EQ(*mismatch({Outcome::passed, ""}, r),
            "expected pass, observed violation of total_order");
  r.outcome = Outcome::passed;
  EXPECT_EQ(*mismatch({Outcome::violation, "clock_bound"}, r),
            "expected violation of clock_bound, observed pass");
  r.outcome = Outcome::halted;
  EXPECT_FALSE(mismatch({Outcome::halted, ""}, r));
  EXPECT_EQ(*mismatch({Outcome::passed, ""}, r), "expected pass, observed halt");
}

}  // namespace
}  // namespace ry
