// Helpers shared by the TRAINS checkers (protocol/trains/README.md section 7): reading a train's
// key back from the protocol-agnostic MessageInfo (on_drop sees only that), the digest of the
// content that must never change once a train is closed, and one-line renderings of keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/common/message_info.hpp"
#include "protocol/trains/messages.hpp"

namespace ry::trains {

// What a MessageInfo of kind "train" (trains::describe) tells about the train it describes.
struct WireTrain {
  Key key;
  std::uint64_t lseq = 0;
};

// nullopt for an ack, another protocol's message, or a train description that
// lacks the issuer or clock field (odd input). A missing lseq reads as 0.
[[nodiscard]] std::optional<WireTrain> wire_train(const MessageInfo& info) noexcept;

// Hash of what a closed train carries: its view, issuer, clock, byte count and payloads (sender,
// seq, data). Unlike content_digest it leaves out `holders` (which grows by one at every new
// holder on the propagation lap, protocol/trains/README.md section 2), `acks` and `stable_clock`:
// equal for every copy of one closed train, wherever and whenever it travels.
[[nodiscard]] std::uint64_t closed_content_digest(const Train& train) noexcept;

// "(clock,issuer)", the key in protocol/trains/README.md's notation.
[[nodiscard]] std::string describe_key(const Key& key);

}  // namespace ry::trains
