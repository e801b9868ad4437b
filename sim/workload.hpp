// Workload clients: one fiber per broadcasting node, each handing its node a payload of
// `payload_bytes` every `interval_ns` (with seeded jitter), until stopped. Payload ids are
// (node, counter) so they are unique; content is derived from the id, so a run is a pure
// function of its seed.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/common/prng.hpp"
#include "sim/cluster.hpp"

namespace ry {

struct WorkloadOptions {
  std::vector<NodeId> clients;    // nodes that broadcast
  Nanos interval_ns = 5 * ms_ns;  // mean time between two broadcasts of one client
  std::uint32_t payload_bytes = 64;
};

struct WorkloadStats {
  std::uint64_t attempted = 0;  // requests made
  std::uint64_t node_down = 0;  // requests refused because the node was down or paused
};

class Workload {
 public:
  Workload(Cluster& cluster, WorkloadOptions options);

  void start();
  void stop() noexcept { stopped_ = true; }
  [[nodiscard]] const WorkloadStats& stats() const noexcept { return stats_; }

 private:
  void client(Fiber& fiber, NodeId node);

  Cluster& cluster_;
  WorkloadOptions options_;
  Prng prng_;
  WorkloadStats stats_;
  bool stopped_ = false;
};

}  // namespace ry
