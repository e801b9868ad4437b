// Workload clients: fibers that invoke operations at nodes and record a history (sim/history.hpp).
// Client ids are not node ids. Two shapes:
//
//  - broadcast (open loop): client c hands node c a payload of `payload_bytes` every
//    `interval_ns` (with seeded jitter) whatever became of the last one; the node's answer
//    (accepted or rejected) completes the operation as ok or fail; a node that is down or paused
//    fails it at once (it never got there). Payloads are named (c, seq), so unique.
//  - kv (closed loop): client c invokes one key-value operation at a time (get, put, append, cas
//    on `keys` keys, every written value distinct) at its current node and waits for the result.
//    A `not_leader` reply sends it to the hinted node; a timeout or a refusal to another node,
//    retrying the same request id (applying it at most once is the protocol's job). After
//    `attempts_max` tries the operation ends as `info` if any attempt might have reached a node's
//    queue, else `fail`. Then it thinks for a seeded while and invokes the next.
//
// Every draw comes from the workload stream, so a run stays a pure function of its seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/common/prng.hpp"
#include "sim/cluster.hpp"
#include "sim/observer.hpp"

namespace ry {

enum class WorkloadKind : std::uint8_t { broadcast, kv };

struct ClientOptions {
  WorkloadKind kind = WorkloadKind::broadcast;
  std::uint32_t clients = 1;
  Nanos interval_ns = 5 * ms_ns;  // broadcast: mean time between two; kv: mean think time
  std::uint32_t payload_bytes = 64;
  std::uint32_t keys = 5;
  Nanos timeout_ns = 100 * ms_ns;
  std::uint32_t attempts_max = 3;
};

struct ClientStats {
  std::uint64_t invoked = 0;
  std::uint64_t ok = 0;
  std::uint64_t fail = 0;
  std::uint64_t info = 0;
  std::uint64_t node_down = 0;  // attempts refused because the node was down or paused
  std::uint64_t retries = 0;    // attempts after the first (timeouts, not_leader, refusals)
};

class Clients final : public Observer {
 public:
  Clients(Cluster& cluster, ClientOptions options);
  Clients(const Clients&) = delete;
  Clients& operator=(const Clients&) = delete;

  // Spawns one fiber per client.
  void start();
  // No new operations; operations still waiting end as info when their wait ends.
  void stop() noexcept { stopped_ = true; }
  // Ends every operation still open as info (the run is over: nobody will learn more).
  void finish();

  [[nodiscard]] const ClientStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const ClientOptions& options() const noexcept { return options_; }
  // Operations invoked and not completed yet.
  [[nodiscard]] std::uint64_t open() const noexcept { return stats_.invoked - completed(); }

  void on_reply(const Step& step, NodeRef node, const ClientReply& reply) override;

 private:
  // One client's operation in flight (a client has at most one, but for open-loop broadcasts).
  struct Open {
    RequestId id;
    Operation op;
    std::uint32_t key_index = 0;  // kv: which of the `keys` keys op.key names
    NodeId node;
    bool maybe_applied = false;  // some attempt may have reached a node's queue
    bool replied = false;
    ClientReply reply;
    Fiber* fiber = nullptr;  // closed loop: the waiting fiber
  };

  void broadcast_client(Fiber& fiber, ClientId client);
  void kv_client(Fiber& fiber, ClientId client);
  // `key_index` is set to the drawn key's index.
  Operation draw_operation(ClientId client, std::uint64_t seq, const std::vector<std::string>& seen,
                           std::uint32_t& key_index);
  void invoke(Open& open);
  void complete(Open& open, HistoryType type, std::string_view output, std::uint64_t applied);
  Open* find(RequestId id);
  [[nodiscard]] std::uint64_t completed() const noexcept {
    return stats_.ok + stats_.fail + stats_.info;
  }
  NodeId next_node(NodeId node) const { return NodeId{(node.value + 1) % cluster_.node_count()}; }

  Cluster& cluster_;
  ClientOptions options_;
  Prng prng_;
  ClientStats stats_;
  std::vector<Open> open_;  // one slot per client, never reallocated after start()
  std::uint64_t history_index_ = 0;
  bool stopped_ = false;
};

}  // namespace ry
