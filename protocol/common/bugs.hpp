// Planted bugs (docs/trains.md section 8): real mistakes of earlier implementations, compiled
// into every build and switched on only by `--bug NAME`. The testbed must catch each one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ry {

enum class Bug : std::uint8_t { B2, B3, B4, B5, B6, B7, B8, B9, B10, B12, Q1, U1 };

struct BugInfo {
  Bug bug;
  std::string_view name;
  std::string_view where;  // "checker" or the protocol it lives in
  std::string_view summary;
};

inline constexpr std::array<BugInfo, 12> bug_catalogue = {{
    {Bug::B2, "B2", "checker", "total-order checker's prefix test without the length guard"},
    {Bug::B3, "B3", "trains", "G3 skips issuers this node has never heard from"},
    {Bug::B4, "B4", "trains",
     "no clock-gap hint when the first train seen from an issuer has clock > 1"},
    {Bug::B5, "B5", "trains",
     "no duplicate filter on local broadcast: a payload already on a train is queued again"},
    {Bug::B6, "B6", "trains",
     "re-admission keeps the rejoiner's stale duplicate filter and pending payloads"},
    {Bug::B7, "B7", "trains", "G3 also waits on issuers that were excluded"},
    {Bug::B8, "B8", "trains",
     "view-change boundary uses seen only, not the issuer's own last issued clock"},
    {Bug::B9, "B9", "trains",
     "no floor: trains of an older view keep circulating and get recycled"},
    {Bug::B10, "B10", "trains",
     "the plan skips every key not done by all reporters, even ones someone holds"},
    {Bug::B12, "B12", "trains", "delivery not frozen between report and install"},
    {Bug::Q1, "Q1", "trains",
     "no quorum rule: both sides of a partition install views (split brain)"},
    {Bug::U1, "U1", "trains",
     "G0 missing: the issuer delivers alone, before f+1 members hold the train"},
}};

constexpr std::optional<Bug> bug_from_name(std::string_view name) {
  for (const auto& info : bug_catalogue) {
    if (info.name == name) return info.bug;
  }
  return std::nullopt;
}

constexpr std::string_view bug_name(Bug bug) {
  return bug_catalogue[static_cast<std::size_t>(bug)].name;
}

// A set of planted bugs; empty in every normal run.
class BugSet {
 public:
  constexpr BugSet() = default;
  constexpr void add(Bug bug) { bits_ |= 1U << static_cast<unsigned>(bug); }
  [[nodiscard]] constexpr bool has(Bug bug) const {
    return (bits_ >> static_cast<unsigned>(bug)) & 1U;
  }
  [[nodiscard]] constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(BugSet, BugSet) = default;

 private:
  std::uint32_t bits_ = 0;
};

}  // namespace ry
