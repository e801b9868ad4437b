// The shape every protocol core has (README.md, "The one interface"). A core is built from
// an immutable config, its node id, a per-node seed and what it recovers from its disk; crash
// destroys it. Entry points are noexcept and append effects; `describe` (found by ADL) tells
// observers what a message is; `state_digest` hashes the state for determinism checks and,
// later, state-space exploration.
#pragma once

#include <concepts>
#include <cstdint>

#include "protocol/common/effects.hpp"
#include "protocol/common/message_info.hpp"

namespace ry {

template <class C>
concept ProtocolCore = std::copy_constructible<C> &&
    requires(C& core, const C& view, NodeId from, const typename C::Message& message, Time now,
             TimerId timer, const ClientRequest& request, Effects<typename C::Message>& fx,
             const typename C::Config& config, const Recovery& recovery) {
  {C(config, from, std::uint64_t{0}, recovery)};
  { core.on_start(now, fx) }
  noexcept;
  { core.on_message(from, message, now, fx) }
  noexcept;
  { core.on_timer(timer, now, fx) }
  noexcept;
  { core.on_disk_synced(now, fx) }
  noexcept;
  { core.on_client(request, now, fx) }
  noexcept;
  { view.state_digest() }
  noexcept->std::same_as<std::uint64_t>;
  { describe(message) }
  noexcept->std::same_as<MessageInfo>;
};

}  // namespace ry
