// The outcome of a run so far. Checkers record the first safety violation here; the scheduler
// stops at the end of the step in which one was recorded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry {

// Exit codes of README.md, "Command line", plus `halted`.
enum class Outcome : int {
  passed = 0,
  violation = 1,
  usage = 2,
  no_liveness = 3,
  nondeterminism = 4,
  environment = 5,
  // Safety held and progress stopped because the protocol, by its specification, cannot make
  // progress in what the faults left (TRAINS uto, or any protocol without recovery, with a node
  // crashed for good). No liveness was owed, so the exit code is 0; the summary says "halted".
  halted = 6,
};

constexpr int exit_code(Outcome o) { return o == Outcome::halted ? 0 : static_cast<int>(o); }

constexpr const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::passed: return "passed";
    case Outcome::violation: return "violation";
    case Outcome::usage: return "usage";
    case Outcome::no_liveness: return "no_liveness";
    case Outcome::nondeterminism: return "nondeterminism";
    case Outcome::environment: return "environment";
    case Outcome::halted: return "halted";
  }
  return "?";
}

struct Violation {
  std::string property;  // e.g. "uniform_total_order"
  std::uint64_t step = 0;
  std::vector<NodeId> nodes;
  std::string detail;  // one line
};

class Verdict {
 public:
  // Keeps only the first violation: later ones are usually consequences of it.
  void violate(std::string property, std::uint64_t step, std::vector<NodeId> nodes,
               std::string detail) {
    if (violation_) return;
    violation_ = true;
    first_ = Violation{std::move(property), step, std::move(nodes), std::move(detail)};
  }
  [[nodiscard]] bool violated() const noexcept { return violation_; }
  [[nodiscard]] const Violation& first() const noexcept { return first_; }

 private:
  bool violation_ = false;
  Violation first_;
};

}  // namespace ry
