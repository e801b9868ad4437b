#include "protocol/trains/plan.hpp"

#include <algorithm>
#include <map>

namespace ry::trains {

Plan make_plan(const std::vector<NodeReport>& reports, std::uint32_t slots, const BugSet& bugs) {
  Plan plan;
  plan.boundary.assign(slots, 0);
  std::vector<std::uint64_t> lowest_done(slots, UINT64_MAX);
  std::map<Key, const Train*> held;  // one closed content per key
  for (const NodeReport& r : reports) {
    for (std::uint32_t q = 0; q < slots; ++q) {
      const bool own = r.node.value == q;
      const std::uint64_t seen = q < r.report.seen.size() ? r.report.seen[q] : 0;
      const std::uint64_t done = q < r.report.done_upto.size() ? r.report.done_upto[q] : 0;
      if (!(own && bugs.has(Bug::B8))) {
        plan.boundary[q] = std::max(plan.boundary[q], seen);
        if (own) plan.boundary[q] = std::max(plan.boundary[q], r.report.issued);
      }
      lowest_done[q] = std::min(lowest_done[q], done);
    }
    for (const Train& train : r.report.have) {
      if (train.closed && train.issuer.value < slots) held.try_emplace(train.key(), &train);
    }
  }
  for (std::uint32_t q = 0; q < slots; ++q) {
    const std::uint64_t from = lowest_done[q] == UINT64_MAX ? 0 : lowest_done[q];
    for (std::uint64_t c = from + 1; c <= plan.boundary[q]; ++c) {
      PlanStep step;
      step.key = Key{c, q};
      const auto it = held.find(step.key);
      if (it != held.end() && !bugs.has(Bug::B10)) {
        step.deliver = true;
        step.content = *it->second;
        step.content.link = LinkHeader{};
      }
      plan.steps.push_back(std::move(step));
    }
  }
  std::sort(plan.steps.begin(), plan.steps.end(),
            [](const PlanStep& a, const PlanStep& b) { return a.key < b.key; });
  return plan;
}

}  // namespace ry::trains
