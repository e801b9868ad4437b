// async-primary in the registry (tools/engine/protocol_descriptor.hpp): the baseline that loses
// acknowledged writes by design. The protocol: protocol/async_primary/README.md.
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/protocols/async_primary/driver.hpp"

namespace ry {

namespace {

constexpr Choice workloads[] = {
    {"kv", "closed-loop clients on the primary's key-value store, following not_leader hints"},
};

constexpr ParamSpec params[] = {
    {"async_tick_us", "--async-tick-us",
     "period of the monitors' hellos, the replicas' syncs and the failure detector (us)", 5'000,
     100, 10'000'000},
    {"async_down_after_ms", "--async-down-after-ms",
     "a monitor sees the primary down after this long without its hello (ms)", 50, 1, 600'000},
    {"async_failover_timeout_ms", "--async-failover-timeout-ms",
     "an unfinished failover is retried after this, plus up to as much again (ms)", 100, 1,
     600'000},
    {"async_quorum", "--async-quorum",
     "monitors that must see the primary down before a failover (0: a majority)", 0, 0, 1'000},
};

constexpr std::string_view crash_moments[] = {
    "config", "demote", "elected", "failover", "full_resync", "promote", "sdown",
};

constexpr std::string_view properties[] = {"acknowledged_writes", "replica_state"};

std::optional<std::string> validate_options(const RunOptions& o) {
  if (o.nodes < 3) return "nodes: async-primary needs at least 3 (monitors on three or more)";
  if (o.params.contains("async_quorum") && o.param("async_quorum") > o.nodes) {
    return "async_quorum: more than the " + std::to_string(o.nodes) + " monitors";
  }
  return std::nullopt;
}

}  // namespace

extern const ProtocolDescriptor async_primary_protocol;
const ProtocolDescriptor async_primary_protocol{
    .name = "async-primary",
    .summary =
        "a primary that acknowledges before it replicates, failed over by a quorum of "
        "monitors (Redis with Sentinel); loses acknowledged writes by design",
    .modes = {},
    .workloads = workloads,
    .params = params,
    .bugs = {},
    .crash_moments = crash_moments,
    .properties = properties,
    .restarts = [](const RunOptions&) { return true; },  // memory only: it comes back empty
    .disk_faults = false,                                // it keeps nothing on its disk
    .validate = validate_options,
    .simulate = simulate<AsyncPrimaryDriver>,
};

}  // namespace ry
