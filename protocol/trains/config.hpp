// The immutable configuration of a TRAINS cluster, shared by every node (README.md section 1, 3).
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/common/ids.hpp"
#include "protocol/trains/bugs.hpp"

namespace ry::trains {

struct Config {
  // README.md section 2, "Delivery modes": `uto` requires the ack of every configured node (static
  // ring, halts under faults); `to` requires the acks of the current view's members (crash
  // masking).
  enum class Mode : std::uint8_t { uto, to };

  std::uint32_t nodes = 3;   // N: nodes 0..N-1 form view 0
  std::uint32_t trains = 1;  // K, 1..N: slot t belongs to issuer node t
  Mode mode = Mode::to;
  std::uint64_t train_bytes_max = 64 * 1024;  // payload data bytes one train may carry
  Nanos link_retransmit_ns = 20 * ms_ns;      // the link layer resends what is unacked this long
  // README.md section 5, failure detector (`to` mode only): every member sends a heartbeat to every
  // other member each `heartbeat_ns` and suspects one it has not heard from (any message counts)
  // for `suspect_ns`, both on its own clock. 0 turns the detector off: nothing is ever excluded.
  Nanos heartbeat_ns = 20 * ms_ns;
  Nanos suspect_ns = 100 * ms_ns;
  bool link_fifo = true;  // false: a link delivers in arrival order, so trains may overtake
  // Per slot: how long after start the issuer creates its first train, on its own clock. Missing
  // entries mean 0 (create at start). Staggered starts expose bug B3 (README.md section 8).
  std::vector<Nanos> issuer_start_ns;
  BugSet bugs;
  // A replicated key-value store on top of the total order (the `kv` workload): every node
  // applies each delivered operation (protocol/common/client.hpp) to its KvStore, and the node a
  // client asked answers once it has applied it (README.md, "TRAINS as a key-value store").
  bool kv = false;

  [[nodiscard]] Nanos issuer_start(std::uint32_t slot) const noexcept {
    return slot < issuer_start_ns.size() ? issuer_start_ns[slot] : 0;
  }
  [[nodiscard]] bool has(Bug bug) const noexcept { return bugs.has(bug); }
};

}  // namespace ry::trains
