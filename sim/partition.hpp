// Named network partitions (README.md, "Network"): pure functions that say which directed
// links a partition cuts, so the nemesis, scenario files and tests agree on what "a bridge" or "a
// one-way split" means. A cut link loses everything sent on it until healed.
//
// Node ids must be below `nodes` (asserted: scenario parsers check user input first). Duplicate
// ids in a side are ignored. A side that is empty or holds every node cuts nothing.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry {

struct Partition {
  std::string shape;  // "isolate", "split", "ring_cut", "bridge", "one_way", "links"
  // Directed links (from, to) that lose everything, sorted and without duplicates.
  std::vector<std::pair<NodeId, NodeId>> cut;
  // What describe() returns, set by the functions below. If empty, describe() lists the links.
  std::string label;

  // For the trace and the summary: "{0,1}|{2,3,4}", "3|rest", "ring 2-3", "{0,1}->{2,3,4}",
  // "bridge 2: {0,1}|{3,4}", "links 0->1,2->3".
  [[nodiscard]] std::string describe() const;
  [[nodiscard]] bool cuts(NodeId from, NodeId to) const;
};

// `node` cannot talk with any other node, in either direction.
Partition isolate(std::uint32_t nodes, NodeId node);
// `side` and the rest cannot talk, in either direction (majority/minority when side is small).
Partition split(std::uint32_t nodes, const std::vector<NodeId>& side);
// Only the two directions between `at` and (at + 1) % nodes are cut: a ring broken in one place.
Partition ring_cut(std::uint32_t nodes, NodeId at);
// `side` and the rest (minus `bridge`) cannot talk; both still talk with `bridge`, in both
// directions. The bridge is never cut, even if it is listed in `side`.
Partition bridge(std::uint32_t nodes, const std::vector<NodeId>& side, NodeId bridge);
// Everything from `from_side` to the rest is lost; the rest still reaches `from_side`.
Partition one_way(std::uint32_t nodes, const std::vector<NodeId>& from_side);
// Exactly these directed links.
Partition links(std::uint32_t nodes, std::vector<std::pair<NodeId, NodeId>> directed);

}  // namespace ry
