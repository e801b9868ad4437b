// Bounded progress on whole TRAINS runs (issue 18): planted bug P1 (the link's retransmission
// timeout doubles and is never reset) stalls hops on a lossy link while every safety property and
// the liveness phase still pass. Swarm seed 15 is the first of seeds 1..300 the checker catches
// (README.md, "Soak blind spots"); the same seed passes without the bug, and with the bug when
// the check is off (the soak before it).
#include <gtest/gtest.h>

#include "tools/engine/run_options.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {
namespace {

RunResult run(std::vector<std::string> bugs, bool check) {
  RunOptions o;
  o.protocol = "trains";
  o.swarm = true;
  o.seed = 15;
  o.bugs = std::move(bugs);
  o.progress_check = check;
  o.quiet = true;
  resolve(o);
  return simulate_any(o, nullptr);
}

TEST(TrainsBoundedProgress, BackoffStallIsCaughtNamingTheNodeAndTheLinks) {
  const RunResult r = run({"P1"}, true);
  ASSERT_EQ(r.outcome, Outcome::violation);
  EXPECT_EQ(r.violation.property, "bounded_progress");
  ASSERT_EQ(r.violation.nodes.size(), 1U);
  EXPECT_NE(r.violation.detail.find("unacked links: "), std::string::npos) << r.violation.detail;
}

TEST(TrainsBoundedProgress, ControlsPass) {
  const RunResult clean = run({}, true);
  EXPECT_EQ(clean.outcome, Outcome::passed) << clean.violation.detail;
  const RunResult unchecked = run({"P1"}, false);
  EXPECT_EQ(unchecked.outcome, Outcome::passed) << unchecked.violation.detail;
}

}  // namespace
}  // namespace ry
