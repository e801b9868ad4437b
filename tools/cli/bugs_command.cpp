// `railyard bugs`: the planted-bug catalogue (docs/trains.md section 8).
#include <cstdio>

#include "protocol/common/bugs.hpp"
#include "tools/cli/commands.hpp"

namespace ry {

int command_bugs() {
  std::printf(
      "Bugs that can be planted with --bug NAME (default off, compiled into every build):\n");
  for (const BugInfo& b : bug_catalogue) {
    std::printf("  %-4s %-8s %.*s\n", b.name.data(), b.where.data(),
                static_cast<int>(b.summary.size()), b.summary.data());
  }
  return 0;
}

}  // namespace ry
