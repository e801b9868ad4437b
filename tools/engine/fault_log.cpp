#include "tools/engine/fault_log.hpp"

#include <cstdio>

namespace ry {

std::size_t fault_kind_index(std::string_view kind) {
  for (std::size_t i = 0; i < fault_kinds.size(); ++i) {
    if (fault_kinds[i] == kind) return i;
  }
  return fault_kind_other;
}

std::string describe_fault(Time at, const FaultInfo& f) {
  char time[32];
  std::snprintf(time, sizeof time, "%9.3f ms  ", static_cast<double>(at.ns) / 1e6);
  std::string out = time;
  out += f.kind;
  if (f.node >= 0) out += " " + std::to_string(f.node);
  if (f.peer >= 0) out += "->" + std::to_string(f.peer);
  if (!f.detail.empty()) out += " " + f.detail;
  const std::string_view kind = f.kind;
  if (f.value != 0) {
    if (kind == "clock_jump") {
      out += " by " + std::to_string(f.value / us_ns) + " us";
    } else if (kind == "clock_drift") {
      out += " to " + std::to_string(f.value) + " ppm";
    } else {
      out += " for " + std::to_string(f.value / us_ns) + " us";
    }
  }
  return out;
}

void FaultLog::on_fault(const Step& step, const FaultInfo& fault) {
  ++total_;
  ++counts_[fault_kind_index(fault.kind)];
  if (list_.size() < list_max) list_.push_back(describe_fault(step.time, fault));
}

}  // namespace ry
