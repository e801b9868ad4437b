// Test support for the TRAINS checkers (not part of the library): hand-made trains and steps.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "protocol/trains/messages.hpp"
#include "sim/observer.hpp"

namespace ry::trains::test {

inline Step step(std::uint64_t index) { return Step{index, Time{static_cast<Nanos>(index)}}; }
inline NodeRef ref(std::uint32_t node, std::uint32_t incarnation = 0) {
  return NodeRef{NodeId{node}, incarnation};
}
inline Payload payload(std::uint32_t sender, std::uint64_t seq, std::string data) {
  return Payload{NodeId{sender}, seq, std::move(data)};
}

inline Train train(std::uint32_t issuer, std::uint64_t clock, bool closed = false,
                   std::vector<Payload> payloads = {}, std::uint64_t lseq = 0,
                   std::uint32_t holders = 0) {
  Train t;
  t.issuer = NodeId{issuer};
  t.clock = clock;
  t.closed = closed;
  t.holders = closed && holders == 0 ? 1 : holders;
  t.link.lseq = lseq;
  for (const Payload& p : payloads) t.bytes += p.data.size();
  t.payloads.append(std::move(payloads));
  return t;
}

}  // namespace ry::trains::test
