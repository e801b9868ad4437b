#include "invariants/describe.hpp"

#include <array>
#include <charconv>

namespace ry {

std::string describe(MsgId id) {
  return "(" + std::to_string(id.sender.value) + "," + std::to_string(id.seq) + ")";
}

std::string describe(NodeRef node) {
  return "node " + std::to_string(node.id.value) + "/" + std::to_string(node.incarnation);
}

std::string describe_digest(std::uint64_t digest) {
  // Fixed width, so that two digests line up when a reader compares them by eye.
  std::array<char, 16> hex{};
  const auto result = std::to_chars(hex.data(), hex.data() + hex.size(), digest, 16);
  const auto digits = static_cast<std::size_t>(result.ptr - hex.data());
  return "0x" + std::string(hex.size() - digits, '0') + std::string(hex.data(), digits);
}

std::string describe(const Delivery& delivery) {
  return describe(delivery.id) + " digest " + describe_digest(delivery.digest);
}

}  // namespace ry
