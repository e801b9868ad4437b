// What fault schedules and workload clients may do to a running simulation, independent of the
// protocol: the World implements it for every core. Code written against Cluster (the nemesis,
// scripted scenarios, clients) runs in fibers and is resumed only by the scheduler.
#pragma once

#include <cstdint>

#include "protocol/common/effects.hpp"
#include "sim/clock.hpp"
#include "sim/fiber.hpp"
#include "sim/network.hpp"
#include "sim/observer.hpp"

namespace ry {

class Cluster : public FiberHost {
 public:
  [[nodiscard]] virtual std::uint32_t node_count() const noexcept = 0;
  [[nodiscard]] virtual bool is_up(NodeId node) const noexcept = 0;
  [[nodiscard]] virtual bool is_paused(NodeId node) const noexcept = 0;

  // Process faults. Crash loses everything but the synced disk; restart rebuilds the core from
  // that disk; pause stalls the node (its events wait) like a long GC pause.
  virtual void crash(NodeId node) = 0;
  virtual void restart(NodeId node) = 0;
  virtual void pause(NodeId node, Nanos duration_ns) = 0;

  virtual Network& network() noexcept = 0;
  virtual NodeClock& clock(NodeId node) noexcept = 0;

  // A client request to one node (a broadcast, a command). False if the node is down.
  virtual bool client_request(NodeId node, ClientRequest request) = 0;

  // Records an injected fault for the trace and the summary (cuts and heals made directly on
  // network() report themselves through this too).
  virtual void report_fault(const FaultInfo& fault) = 0;

  // Starts a fiber now; it runs when the scheduler reaches it.
  virtual void spawn(Fiber::Body body) = 0;

  [[nodiscard]] virtual std::uint64_t seed() const noexcept = 0;
};

}  // namespace ry
