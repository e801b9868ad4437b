#include "tools/protocols/ring/driver.hpp"

namespace ry {

ring::Config RingDriver::config() const {
  ring::Config c;
  c.nodes = options_.nodes;
  c.retransmit_ns = options_.param("ring_retransmit_us") * us_ns;
  c.persist = options_.param("ring_persist") != 0;
  c.laps_max = static_cast<std::uint64_t>(options_.param("laps"));
  return c;
}

void RingDriver::attach(World<Core>&, CheckerSuite<Core>& checkers) {
  checker_ = &checkers.add<ring::TokenChecker>(options_.nodes);
}

void RingDriver::begin_liveness(World<Core>&) { hops_at_heal_ = accepted(); }

bool RingDriver::live(World<Core>&) const {
  const auto n = static_cast<std::int64_t>(options_.nodes);
  const std::int64_t laps = options_.param("laps");
  if (laps > 0) return accepted() >= laps * n;
  return accepted() - hops_at_heal_ >= 2 * n;
}

std::string RingDriver::liveness_failure(World<Core>&) {
  return "the token made " + std::to_string(accepted() - hops_at_heal_) +
         " hops after the heal (needs " + std::to_string(2 * options_.nodes) +
         "); last accepted hop " + std::to_string(accepted());
}

void RingDriver::summarize(World<Core>&, RunResult& result) {
  const auto n = static_cast<std::int64_t>(options_.nodes);
  result.summary.emplace_back("hops accepted", std::to_string(accepted()));
  result.summary.emplace_back("laps completed", std::to_string(accepted() / n));
}

}  // namespace ry
