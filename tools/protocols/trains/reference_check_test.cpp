// `--reference` on whole runs: a bug-free run agrees with the reference to the end (no faults:
// the ring never changes); planted bug O1 (payloads delivered in load order, the same at every
// node, so total order, agreement and integrity hold) is caught as reference_order, naming the
// node and the position, and passes without --reference.
#include <gtest/gtest.h>

#include "tools/engine/run_options.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {
namespace {

RunResult run(bool reference, std::vector<std::string> bugs, std::uint64_t seed = 1) {
  RunOptions o;
  o.protocol = "trains";
  o.faults = "none";
  o.time_ms = 200;
  o.seed = seed;
  o.reference = reference;
  o.bugs = std::move(bugs);
  o.quiet = true;
  resolve(o);
  return simulate_any(o, nullptr);
}

std::string summary(const RunResult& r, const std::string& label) {
  for (const auto& [l, v] : r.summary) {
    if (l == label) return v;
  }
  return "";
}

TEST(TrainsReference, BugFreeRunAgreesToTheEnd) {
  const RunResult r = run(true, {});
  EXPECT_EQ(r.outcome, Outcome::passed) << r.violation.detail;
  EXPECT_NE(summary(r, "reference").find("to the end"), std::string::npos)
      << summary(r, "reference");
  EXPECT_FALSE(summary(r, "reference").starts_with("0 deliveries")) << summary(r, "reference");
}

TEST(TrainsReference, LoadOrderDeliveryIsCaughtOnlyByTheReference) {
  const RunResult caught = run(true, {"O1"});
  ASSERT_EQ(caught.outcome, Outcome::violation);
  EXPECT_EQ(caught.violation.property, "reference_order");
  ASSERT_EQ(caught.violation.nodes.size(), 1U);
  EXPECT_NE(caught.violation.detail.find("at position"), std::string::npos)
      << caught.violation.detail;
  const RunResult missed = run(false, {"O1"});
  EXPECT_EQ(missed.outcome, Outcome::passed) << missed.violation.detail;
}

}  // namespace
}  // namespace ry
