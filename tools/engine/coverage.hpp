// Abstract-state coverage (issue 18, "Coverage"): what a run, and a soak, explored. Each protocol
// defines a small abstract state over its nodes' status telemetry (protocol/common/status.hpp),
// which nodes are up, and which fault kinds are active (TRAINS:
// tools/protocols/trains/abstract_state.hpp; Raft: tools/protocols/raft/abstract_state.hpp); the
// tracker records every distinct abstract state a run reaches and every transition between two,
// the RunResult carries them, and a soak's summary holds their union (tools/cli/soak_summary.hpp),
// so shards merge by union too. States are numbers (the protocol packs its fields); sets are kept
// sorted, so summaries are deterministic.
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "sim/observer.hpp"

namespace ry {

struct Coverage {
  std::vector<std::uint64_t> states;                                 // sorted, distinct
  std::vector<std::pair<std::uint64_t, std::uint64_t>> transitions;  // sorted, distinct
  // A run reaches a few hundred at most; a child process sends them through a pipe, whose buffer
  // (64 KiB) must hold them, so each list is capped (the cap is far above what runs reach).
  static constexpr std::size_t max_entries = 1500;

  void merge(const Coverage& other);
  [[nodiscard]] bool empty() const noexcept { return states.empty(); }
};

// Which fault kinds are active now, one bit each (what the abstract states see of the world).
enum FaultBit : std::uint32_t {
  fault_down = 1U << 0,       // a node is crashed
  fault_paused = 1U << 1,     // a node is paused
  fault_cut = 1U << 2,        // a link is cut
  fault_partition = 1U << 3,  // a partition holds
  fault_clog = 1U << 4,       // a link is clogged
  fault_disk_slow = 1U << 5,  // a disk is slow
};

struct AbstractInputs {
  std::span<const Status> status;  // each node's last status (an empty Status before its first)
  std::span<const std::uint8_t> up;
  std::uint32_t faults = 0;  // FaultBit
};

class CoverageTracker final : public Observer {
 public:
  using Abstract = std::uint64_t (*)(const AbstractInputs&);

  CoverageTracker(std::uint32_t nodes, Abstract abstract)
      : abstract_(abstract), status_(nodes), up_(nodes, 1) {}

  void on_status(const Step&, NodeRef node, const Status& status) override;
  void on_crash(const Step&, NodeRef node) override;
  void on_restart(const Step&, NodeRef node) override;
  void on_fault(const Step& step, const FaultInfo& fault) override;
  void after_step(const Step& step) override;

  [[nodiscard]] Coverage coverage() const;

 private:
  [[nodiscard]] std::uint32_t fault_bits(Time now) const;

  Abstract abstract_;
  std::vector<Status> status_;
  std::vector<std::uint8_t> up_;
  std::int64_t cuts_ = 0;
  bool partition_ = false;
  Time paused_until_{0};
  Time clogged_until_{0};
  Time slow_until_{0};
  bool dirty_ = true;
  bool have_state_ = false;
  std::uint64_t state_ = 0;
  std::set<std::uint64_t> states_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> transitions_;
};

// Packs small counters into a state number, `bits` bits each (values above the field's range
// saturate): pack({{members, 4}, {frozen, 1}}).
std::uint64_t pack_fields(std::initializer_list<std::pair<std::uint64_t, unsigned>> fields);

}  // namespace ry
