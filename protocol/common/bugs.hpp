// Planted bugs: real mistakes of earlier implementations, compiled into every build and switched
// on only by `--bug NAME`; the testbed must catch each one. Each protocol has its own catalogue
// (an enum and its names, e.g. protocol/trains/bugs.hpp); this is the set type they share.
#pragma once

#include <cstdint>

namespace ry {

template <class Bug>
class BugSet {
 public:
  constexpr BugSet() = default;
  constexpr void add(Bug bug) { bits_ |= std::uint64_t{1} << static_cast<unsigned>(bug); }
  [[nodiscard]] constexpr bool has(Bug bug) const {
    return (bits_ >> static_cast<unsigned>(bug)) & 1U;
  }
  [[nodiscard]] constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(BugSet, BugSet) = default;

 private:
  std::uint64_t bits_ = 0;  // one bit per enumerator: a catalogue holds at most 64 bugs
};

}  // namespace ry
