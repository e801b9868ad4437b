// The token ring in the registry: the kernel's speed benchmark against SimGrid, and the smallest
// example of a protocol (tools/protocols/ADDING.md). The protocol: protocol/ring/ring.hpp.
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/protocols/ring/driver.hpp"

namespace ry {

namespace {

constexpr ParamSpec params[] = {
    {"laps", "--laps", "stop after this many laps (0: run the whole phase)", 0, 0,
     1'000'000'000'000},
    {"ring_retransmit_us", "--ring-retransmit-us",
     "retransmission timeout (us; 0: no acks, no retransmission)", 1000, 0, 60'000'000},
    {"ring_persist", "--ring-persist", "write and sync each accepted hop before forwarding", 1, 0,
     1, true},
};

constexpr std::string_view crash_moments[] = {"accept"};
constexpr std::string_view properties[] = {"ring_token"};

std::optional<std::string> validate_options(const RunOptions& o) {
  if (o.params.contains("ring_retransmit_us") && o.param("ring_retransmit_us") == 0 &&
      o.loss_ppm.value_or(0) > 0) {
    return "ring_retransmit_us: 0 (no retransmission) cannot survive loss_ppm > 0";
  }
  return std::nullopt;
}

}  // namespace

extern const ProtocolDescriptor ring_protocol;
const ProtocolDescriptor ring_protocol{
    .name = "ring",
    .summary = "a token ring: one token passed node to node, each hop acked and persisted",
    .modes = {},
    .workloads = {},
    .params = params,
    .bugs = {},
    .crash_moments = crash_moments,
    .properties = properties,
    .restarts = [](const RunOptions&) { return true; },
    .disk_faults = false,  // it keeps no checksums
    .validate = validate_options,
    .simulate = simulate<RingDriver>,
};

}  // namespace ry
