// Strong types shared by every protocol core and the simulator. Times are integer nanoseconds of
// simulated time; nothing in railyard reads the host's clock (README.md, "Simulator").
#pragma once

#include <compare>
#include <cstdint>

namespace ry {

using Nanos = std::int64_t;  // a duration in simulated nanoseconds

constexpr Nanos us_ns = 1'000;
constexpr Nanos ms_ns = 1'000'000;
constexpr Nanos s_ns = 1'000'000'000;

// A point in simulated time (global time for the simulator, local clock time for a core).
struct Time {
  Nanos ns = 0;
  friend constexpr auto operator<=>(Time, Time) = default;
  friend constexpr Time operator+(Time t, Nanos d) { return Time{t.ns + d}; }
  friend constexpr Nanos operator-(Time a, Time b) { return a.ns - b.ns; }
};

struct NodeId {
  std::uint32_t value = 0;
  friend constexpr auto operator<=>(NodeId, NodeId) = default;
};

// Chosen by a core; unique per node. Setting a timer whose id is already armed re-arms it.
struct TimerId {
  std::uint64_t value = 0;
  friend constexpr auto operator<=>(TimerId, TimerId) = default;
};

// Identifies one broadcast (or one client command) across the whole run: the sender's own
// counter makes it unique. Ordering checkers compare these, whatever the protocol.
struct MsgId {
  NodeId sender;
  std::uint64_t seq = 0;
  friend constexpr auto operator<=>(MsgId, MsgId) = default;
};

struct ViewId {
  std::uint64_t value = 0;
  friend constexpr auto operator<=>(ViewId, ViewId) = default;
};

}  // namespace ry
