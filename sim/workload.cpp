#include "sim/workload.hpp"

#include <string>

namespace ry {

Workload::Workload(Cluster& cluster, WorkloadOptions options)
    : cluster_(cluster), options_(std::move(options)), prng_(cluster.seed(), Stream::workload) {
  RY_ASSERT(options_.interval_ns > 0);
}

void Workload::start() {
  for (NodeId node : options_.clients) {
    cluster_.spawn([this, node](Fiber& fiber) { client(fiber, node); });
  }
}

void Workload::client(Fiber& fiber, NodeId node) {
  std::uint64_t seq = 0;
  const Nanos half = options_.interval_ns / 2;
  while (fiber.sleep(half + prng_.between(0, options_.interval_ns))) {
    if (stopped_) return;
    ++seq;
    ++stats_.attempted;
    std::string data(options_.payload_bytes, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) {
      data[i] = static_cast<char>('a' + (seq + i + node.value) % 26);
    }
    if (!cluster_.client_request(node, ClientRequest{RequestId{ClientId{node.value}, seq}, std::move(data)})) {
      ++stats_.node_down;
    }
  }
}

}  // namespace ry
