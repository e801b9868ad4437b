// Every injected fault of a run, for the summary: counts per kind and the list with times and
// targets (the trace has them all; the summary keeps the first `list_max` so a long run's
// memory stays flat).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/observer.hpp"

namespace ry {

// The fault kinds the simulator reports (sim/nemesis.cpp, sim/world.hpp, tools/schedule.cpp),
// in the order summaries print them; anything else counts as "other".
inline constexpr std::array<std::string_view, 14> fault_kinds = {
    "crash",     "restart",      "pause",          "cut",        "partition",
    "heal",      "heal_all",     "clog",           "clock_jump", "clock_drift",
    "disk_torn", "disk_corrupt", "disk_misdirect", "disk_slow"};
inline constexpr std::size_t fault_kind_other = fault_kinds.size();
using FaultCounts = std::array<std::uint64_t, fault_kinds.size() + 1>;

std::size_t fault_kind_index(std::string_view kind);

// "12.300 ms  partition {0,1}|{2,3,4}"
std::string describe_fault(Time at, const FaultInfo& fault);

class FaultLog final : public Observer {
 public:
  static constexpr std::size_t list_max = 200;

  void on_fault(const Step& step, const FaultInfo& fault) override;

  [[nodiscard]] const FaultCounts& counts() const noexcept { return counts_; }
  [[nodiscard]] const std::vector<std::string>& list() const noexcept { return list_; }
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }

 private:
  FaultCounts counts_{};
  std::vector<std::string> list_;
  std::uint64_t total_ = 0;
};

}  // namespace ry
