// The plan of an exclusion view change (README.md section 5): a pure function of the reports of a
// majority of the old view, so every member that applies it ends the old view with the same
// sequence.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/trains/bugs.hpp"
#include "protocol/trains/messages.hpp"

namespace ry::trains {

struct NodeReport {
  NodeId node;
  Report report;
};

// boundary[q] = the highest clock of slot q that any reporter has seen or, for the issuer itself,
// created. Every key above the lowest reported done watermark and up to the boundary is a step:
// Deliver its closed content if any report holds it (closed content is unique per key), else Skip
// (nobody holds it closed, so by G0 nobody delivered it). Steps are in key order.
// Bugs: B8 leaves the issuer's own report out of its slot's boundary; B10 skips every key that
// some reporter has not done, held or not.
[[nodiscard]] Plan make_plan(const std::vector<NodeReport>& reports, std::uint32_t slots,
                             const BugSet& bugs);

}  // namespace ry::trains
