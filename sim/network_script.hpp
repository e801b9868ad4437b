// The network's decisions that matter for a failure (which sends it lost, which it duplicated),
// keyed by what survives a change of the code: the directed link, the send's number on that link
// and the message's kind, never a position in a random stream. A run can write them down (with
// its faults, tools/engine/schedule_file.hpp); a replay takes them from the file instead of the
// seeded draws, so a schedule still means the same losses after a core changes what it sends
// elsewhere. The first send whose kind differs from its record means the run has left the
// schedule: from there on the seeded draws decide, and that point is reported.
//
// The seeded draws are still made on replay (and ignored until the run leaves the schedule), so
// that an unchanged core replays its recorded run event for event.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry {

struct LinkDecision {
  enum class Fate : std::uint8_t { lost, duplicated };
  Nanos at_ns = 0;  // when it was sent (for people and for cutting a schedule short)
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint64_t send = 0;  // the send's number on the link from -> to, from 1
  std::string kind;        // the message's kind (MessageInfo::kind)
  Fate fate = Fate::lost;
  friend bool operator==(const LinkDecision&, const LinkDecision&) = default;
};

std::string_view fate_name(LinkDecision::Fate fate);

// Where a replay left its schedule.
struct Divergence {
  Nanos at_ns = 0;
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint64_t send = 0;
  std::string recorded_kind;  // what the schedule says that send was
  std::string kind;           // what it is now
};

// "12.345678 ms: send 17 on 0->1 is a 'token', the schedule has a 'train' (lost) there".
std::string describe(const Divergence& d);

class NetworkScript {
 public:
  // Recording only: every decision is the seeded one.
  NetworkScript() = default;
  // Replay: `decisions` decide, as long as the sends match them.
  explicit NetworkScript(const std::vector<LinkDecision>& decisions);

  // A send on from -> to of `kind` at `now_ns` (cut or not: every send is numbered).
  void begin_send(NodeId from, NodeId to, std::string_view kind, Nanos now_ns);
  // Whether that send is lost, given the seeded draw; then, if it was not, whether it is
  // duplicated.
  bool lost(bool drawn);
  bool duplicated(bool drawn);

  // What the network really did, in send order.
  [[nodiscard]] const std::vector<LinkDecision>& record() const noexcept { return record_; }
  [[nodiscard]] const std::optional<Divergence>& divergence() const noexcept { return left_; }
  [[nodiscard]] bool replaying() const noexcept { return replay_ && !left_; }

 private:
  bool decide(LinkDecision::Fate fate, bool drawn);

  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint64_t>;
  bool replay_ = false;
  std::map<Key, LinkDecision> script_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> sends_;  // per link
  LinkDecision current_;
  const LinkDecision* scripted_ = nullptr;  // the current send's record, if any
  std::vector<LinkDecision> record_;
  std::optional<Divergence> left_;
};

}  // namespace ry
