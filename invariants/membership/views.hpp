// Shared pieces of the membership checkers that reason about views (protocol/trains/README.md
// section 5): member sets, the first install of each view id, and the view floor that bounds their
// memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "invariants/node_table.hpp"
#include "protocol/common/ids.hpp"
#include "sim/observer.hpp"

namespace ry::membership {

// A view's members, sorted by node id, without repeats.
using Members = std::vector<NodeId>;

// `members` sorted and without repeats. ViewInstall promises sorted members; a checker must not
// depend on that promise to stay correct (a buggy core is what it is there to catch).
Members normalized(std::vector<NodeId> members);

// How many nodes two member sets share (both normalized). O(|a| + |b|).
std::size_t common_count(const Members& a, const Members& b);

// "{0,1,4}"
std::string describe_members(const Members& members);

// The first install observed of one view id: the reference every later install is compared with.
struct ViewRecord {
  Members members;
  NodeRef first;
  std::uint64_t step = 0;
};

// The highest view id each node has installed, over all its incarnations, and their minimum over
// nodes 0..N-1: the view floor. When every node's view ids only rise, across restarts too (the
// primary_component checker enforces it), no node will ever install a view below the floor again,
// so what a checker keeps about older views can go. With N unknown (0), or while some node has
// installed nothing yet, there is no floor and nothing goes. O(N) per install (installs are rare).
class ViewFloor {
 public:
  explicit ViewFloor(std::uint32_t nodes) noexcept : nodes_(nodes) {}

  void record(NodeId node, ViewId view);
  [[nodiscard]] std::optional<ViewId> floor() const;

 private:
  std::uint32_t nodes_;
  NodeTable<std::optional<ViewId>> highest_;
};

}  // namespace ry::membership
