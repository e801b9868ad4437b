#include "tools/engine/properties.hpp"

#include <algorithm>

#include "tools/engine/protocol_descriptor.hpp"

namespace ry {

bool is_property(std::string_view protocol, std::string_view name) {
  const ProtocolDescriptor* p = find_protocol(protocol);
  if (p == nullptr) return false;
  if (name == "linearizability" && p->has_workload("kv")) return true;
  return std::find(p->properties.begin(), p->properties.end(), name) != p->properties.end();
}

}  // namespace ry
