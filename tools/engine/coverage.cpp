#include "tools/engine/coverage.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace ry {

void Coverage::merge(const Coverage& other) {
  std::vector<std::uint64_t> s;
  std::set_union(states.begin(), states.end(), other.states.begin(), other.states.end(),
                 std::back_inserter(s));
  states = std::move(s);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> t;
  std::set_union(transitions.begin(), transitions.end(), other.transitions.begin(),
                 other.transitions.end(), std::back_inserter(t));
  transitions = std::move(t);
}

void CoverageTracker::on_status(const Step&, NodeRef node, const Status& status) {
  status_[node.id.value] = status;
  dirty_ = true;
}
void CoverageTracker::on_crash(const Step&, NodeRef node) {
  up_[node.id.value] = 0;
  status_[node.id.value] = Status{};
  dirty_ = true;
}
void CoverageTracker::on_restart(const Step&, NodeRef node) {
  up_[node.id.value] = 1;
  dirty_ = true;
}

void CoverageTracker::on_fault(const Step& step, const FaultInfo& f) {
  const auto until = [&](Time& t) {
    t = std::max(t, step.time + std::max<std::int64_t>(f.value, 0));
  };
  if (std::strcmp(f.kind, "cut") == 0) ++cuts_;
  if (std::strcmp(f.kind, "heal") == 0) {
    if (f.node >= 0) {
      cuts_ = std::max<std::int64_t>(cuts_ - 1, 0);
    } else {
      partition_ = false;
    }
  }
  if (std::strcmp(f.kind, "heal_all") == 0) {
    cuts_ = 0;
    partition_ = false;
  }
  if (std::strcmp(f.kind, "partition") == 0) partition_ = true;
  if (std::strcmp(f.kind, "pause") == 0) until(paused_until_);
  if (std::strcmp(f.kind, "clog") == 0) until(clogged_until_);
  if (std::strcmp(f.kind, "disk_slow") == 0) until(slow_until_);
  dirty_ = true;
}

std::uint32_t CoverageTracker::fault_bits(Time now) const {
  std::uint32_t bits = 0;
  if (std::find(up_.begin(), up_.end(), 0) != up_.end()) bits |= fault_down;
  if (now < paused_until_) bits |= fault_paused;
  if (cuts_ > 0) bits |= fault_cut;
  if (partition_) bits |= fault_partition;
  if (now < clogged_until_) bits |= fault_clog;
  if (now < slow_until_) bits |= fault_disk_slow;
  return bits;
}

void CoverageTracker::after_step(const Step& step) {
  // Timed faults end without an event: their expiry is a change too.
  const bool expired = (paused_until_.ns != 0 && step.time >= paused_until_) ||
                       (clogged_until_.ns != 0 && step.time >= clogged_until_) ||
                       (slow_until_.ns != 0 && step.time >= slow_until_);
  if (!dirty_ && !expired) return;
  dirty_ = false;
  if (step.time >= paused_until_) paused_until_ = Time{0};
  if (step.time >= clogged_until_) clogged_until_ = Time{0};
  if (step.time >= slow_until_) slow_until_ = Time{0};
  const std::uint64_t state = abstract_(AbstractInputs{status_, up_, fault_bits(step.time)});
  if (have_state_ && state == state_) return;
  if (states_.size() < Coverage::max_entries) states_.insert(state);
  if (have_state_ && transitions_.size() < Coverage::max_entries) {
    transitions_.emplace(state_, state);
  }
  have_state_ = true;
  state_ = state;
}

Coverage CoverageTracker::coverage() const {
  return Coverage{{states_.begin(), states_.end()}, {transitions_.begin(), transitions_.end()}};
}

std::uint64_t pack_fields(std::initializer_list<std::pair<std::uint64_t, unsigned>> fields) {
  std::uint64_t out = 0;
  for (const auto& [value, bits] : fields) {
    const std::uint64_t max = (std::uint64_t{1} << bits) - 1;
    out = (out << bits) | std::min(value, max);
  }
  return out;
}

}  // namespace ry
