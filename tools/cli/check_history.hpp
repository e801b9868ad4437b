// `railyard check-history FILE`: is a client history (railyard JSON Lines or a Jepsen
// history.edn, traces/HISTORY.md) linearizable? Exit codes follow README.md: 0 linearizable,
// 1 not linearizable (the counterexample is printed), 2 input error (one line naming file, line
// and field), 3 unknown (the budget ran out; how far the check got is printed), 5 I/O error.
#pragma once

#include <cstdint>
#include <string>

namespace ry {

struct CheckHistoryOptions {
  std::string path;
  std::string model = "auto";        // auto | register | kv; auto: kv if any op has a key or is a
                                     // get, put or append
  std::uint64_t budget_ms = 60'000;  // wall time for the search; 0: none
  std::uint64_t steps_max = 0;       // search steps; 0: none (a reproducible budget)
  bool quiet = false;                // the one-line summary only
};

int command_check_history(const CheckHistoryOptions& o);

}  // namespace ry
