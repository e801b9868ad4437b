// What fault schedules and workload clients may do to a running simulation, independent of the
// protocol: the World implements it for every core. Code written against Cluster (the nemesis,
// scripted scenarios, clients) runs in fibers and is resumed only by the scheduler.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/common/effects.hpp"
#include "sim/clock.hpp"
#include "sim/disk.hpp"
#include "sim/fiber.hpp"
#include "sim/network.hpp"
#include "sim/observer.hpp"
#include "sim/partition.hpp"

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

  // Crash at a protocol moment: the next time `node`'s core emits a Note whose kind equals
  // `moment` in a handler (or a state transfer for "state_transfer", a log truncation for
  // "truncate"), that step's deliveries, replies, views, transfer and notes are reported as
  // usual (a node that delivered and then crashed did deliver), its sends are dropped (never
  // sent, never reported), its timers are not armed, and the node crashes (unsynced writes
  // lost), reported as fault {crash, node, detail "at <moment>"} before on_crash. One-shot;
  // survives a crash of the node by other means. Arming again replaces the moment.
  virtual void crash_at(NodeId node, std::string moment) = 0;
  virtual void cancel_crash_at(NodeId node) = 0;

  // Network faults, each reported. partition() cuts every link of `p` and reports
  // {partition, value = links cut, detail = p.describe()}; heal_partition() heals the links of
  // `p` and reports {heal, detail = p.describe()}; heal_partitions() heals every cut (made by
  // partitions or by network().cut) and reports {heal}. clog() holds the directed link's traffic
  // for `duration_ns` (Network::clog) and reports {clog, node from, peer to, value duration}.
  virtual void partition(const Partition& p) = 0;
  virtual void heal_partition(const Partition& p) = 0;
  virtual void heal_partitions() = 0;
  virtual void clog(NodeId from, NodeId to, Nanos duration_ns) = 0;

  // Disk faults (sim/disk.hpp), seeded from the disk stream, reported as
  // {disk_torn|disk_corrupt|disk_misdirect|disk_slow, node, value duration}. `duration_ns`
  // matters only for slow: for that long, sync latency is multiplied by slow_disk_factor.
  virtual void disk_fault(NodeId node, DiskFault fault, Nanos duration_ns) = 0;

  // Clock faults (semantics in sim/clock.hpp), reported as {clock_jump, node, value delta} and
  // {clock_drift, node, value ppm}. |ppm| < NodeClock::drift_ppm_max (asserted).
  virtual void clock_jump(NodeId node, Nanos delta_ns) = 0;
  virtual void set_drift(NodeId node, std::int64_t ppm) = 0;

  virtual Network& network() noexcept = 0;
  virtual NodeClock& clock(NodeId node) noexcept = 0;

  // A client request to one node (a broadcast, a command). False if the node is down.
  virtual bool client_request(NodeId node, ClientRequest request) = 0;

  // Records a client's invocation or completion (sim/history.hpp) for the observers.
  virtual void report_history(const HistoryEvent& event) = 0;

  // Records an injected fault for the trace and the summary (cuts and heals made directly on
  // network() report themselves through this too).
  virtual void report_fault(const FaultInfo& fault) = 0;

  // Starts a fiber now; it runs when the scheduler reaches it.
  virtual void spawn(Fiber::Body body) = 0;

  [[nodiscard]] virtual std::uint64_t seed() const noexcept = 0;
};

}  // namespace ry
