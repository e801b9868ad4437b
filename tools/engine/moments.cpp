#include "tools/engine/moments.hpp"

#include <algorithm>

#include "tools/engine/protocol_descriptor.hpp"

namespace ry {

std::span<const std::string_view> crash_moments(std::string_view protocol) {
  const ProtocolDescriptor* p = find_protocol(protocol);
  return p != nullptr ? p->crash_moments : std::span<const std::string_view>{};
}

bool is_crash_moment(std::string_view protocol, std::string_view moment) {
  const auto moments = crash_moments(protocol);
  return std::find(moments.begin(), moments.end(), moment) != moments.end();
}

}  // namespace ry
