#include "invariants/checker.hpp"

namespace ry {

// Out of line so that the vtable has one home (the key function) instead of one per user.
Checker::~Checker() = default;

}  // namespace ry
