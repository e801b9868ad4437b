// TRAINS in the registry (tools/engine/protocol_descriptor.hpp): its modes, workloads, options,
// planted bugs, crash moments and properties. The protocol itself: protocol/trains/README.md.
#include "tools/engine/protocol_descriptor.hpp"
#include "tools/engine/simulation.hpp"
#include "tools/protocols/trains/driver.hpp"

namespace ry {

namespace {

constexpr Choice modes[] = {
    {"to", "total order with membership: crashed or cut-off nodes are excluded and re-admitted"},
    {"uto", "uniform total order on a static ring: every node acks, a lost node halts the run"},
};

constexpr Choice workloads[] = {
    {"broadcast", "open-loop clients, one per node, broadcasting payloads"},
    {"kv", "closed-loop clients on a key-value store every node applies in delivery order"},
};

constexpr ParamSpec params[] = {
    {"trains", "--trains", "K train slots (issuers 0..K-1)", 2, 1, 1'000'000},
    {"link_retransmit_us", "--link-retransmit-us", "link-layer retransmission timeout (us)", 5000,
     1, 60'000'000},
    {"issuer_stagger_us", "--issuer-stagger-us", "issuers start at seeded times in [0, this] (us)",
     0, 0, 60'000'000},
};

constexpr BugSpec bugs[] = {
    {"B2", "checker", "total-order checker's prefix test without the length guard"},
    {"B3", "trains", "G3 skips issuers this node has never heard from"},
    {"B4", "trains", "no clock-gap hint when the first train seen from an issuer has clock > 1"},
    {"B5", "trains",
     "no duplicate filter on local broadcast: a payload already on a train is queued again"},
    {"B6", "trains",
     "re-admission keeps the rejoiner's stale duplicate filter and pending payloads"},
    {"B7", "trains", "G3 also waits on issuers that were excluded"},
    {"B8", "trains", "view-change boundary uses seen only, not the issuer's own last issued clock"},
    {"B9", "trains", "no floor: trains of an older view keep circulating and get recycled"},
    {"B10", "trains",
     "the plan skips every key not done by all reporters, even ones someone holds"},
    {"B12", "trains", "delivery not frozen between report and install"},
    {"Q1", "trains", "no quorum rule: both sides of a partition install views (split brain)"},
    {"U1", "trains", "G0 missing: the issuer delivers alone, before f+1 members hold the train"},
    {"P1", "trains",
     "link retransmission timeout doubles on every resend and is never reset by an ack"},
    {"O1", "trains", "a train's payloads delivered in load order, not (sender, seq) order"},
};

// The notes of protocol/trains/core.hpp: a scripted crash can fire right after any of them.
constexpr std::string_view crash_moments[] = {
    "clock_gap",        "clock_lost",    "close",
    "distrust",         "dup",           "excluded",
    "frozen_drop",      "gather",        "install",
    "issuer_delivered", "park",          "propose",
    "recovered",        "recovered_log", "recycled",
    "report",           "reserve",       "stable",
    "snapshot_refused", "stale",         "stale_admission",
    "state_transfer",
};

constexpr std::string_view properties[] = {
    "uniform_total_order", "integrity",          "validity",
    "uniform_agreement",   "view_agreement",     "primary_component",
    "virtual_synchrony",   "rejoin_consistency", "no_redelivery_after_restart",
    "train_integrity",     "key_uniqueness",     "clock_bound",
    "acknowledged_writes", "replica_state",      "bounded_progress",
    "reference_order",
};

std::optional<std::string> validate_options(const RunOptions& o) {
  // Every node keeps per-peer membership state (and in `to` heartbeats every member): memory
  // grows as nodes^2, about 60 bytes a pair in uto and 400 in to (measured at 500-4,000 nodes).
  const bool uto = o.mode == "uto";
  if (o.nodes > (uto ? 4000U : 1000U)) {
    return std::string("nodes: trains ") +
           (uto ? "uto runs at most 4000" : "to runs at most 1000") +
           " nodes (each node keeps per-peer state, so memory grows as nodes^2: about " +
           (uto ? "60" : "400") + " bytes a pair)";
  }
  if (o.params.contains("trains") && o.param("trains") > o.nodes) {
    return "trains: must be between 1 and nodes";
  }
  return std::nullopt;
}

}  // namespace

extern const ProtocolDescriptor trains_protocol;
const ProtocolDescriptor trains_protocol{
    .name = "trains",
    .summary = "TRAINS: leaderless ring total-order broadcast with exclusion and re-admission",
    .modes = modes,
    .workloads = workloads,
    .params = params,
    .bugs = bugs,
    .crash_moments = crash_moments,
    .properties = properties,
    // `to` re-admits a restarted node (membership); `uto` is a static ring.
    .restarts = [](const RunOptions& o) { return o.mode != "uto"; },
    .disk_faults = true,
    .validate = validate_options,
    .simulate = simulate<TrainsDriver>,
};

}  // namespace ry
