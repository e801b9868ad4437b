// The one property of the `ring` protocol, a token-passing ring of N nodes: there is exactly one
// token and it goes round in order. The ring core notes Note{kind="accept", a=hop, b=lap} each
// time a node durably accepts the token; hops count from 1 (node 0 sends hop 1 to node 1), hop h
// is accepted at node h % N, in lap h / N. So the accepted hops must be exactly 1, 2, 3, ... with
// no repeat (a second token, or a restarted node accepting again) and no gap (a lost hop that
// something regenerated), each at node h % N with lap h / N. O(1) per note.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "invariants/checker.hpp"

namespace ry::ring {

class TokenChecker final : public Checker {
 public:
  // `node_count` > 0: the number of nodes of the ring.
  TokenChecker(Verdict& verdict, std::uint32_t node_count) noexcept;

  [[nodiscard]] std::string_view name() const override { return "ring_token"; }

  void on_note(const Step& step, NodeRef node, const Note& note) override;

  // The hop the token must be accepted with next (1 before any).
  [[nodiscard]] std::int64_t next_hop() const noexcept { return next_hop_; }

 private:
  void check_accept(const Step& step, NodeRef node, std::int64_t hop, std::int64_t lap);
  void report(const Step& step, NodeRef node, std::int64_t hop, std::int64_t lap,
              const std::string& what);

  std::int64_t node_count_;
  std::int64_t next_hop_ = 1;
  // The last accepted hop, to name both sides of a repeat or a gap.
  NodeRef last_node_;
  std::uint64_t last_step_ = 0;
  bool any_accepted_ = false;
};

}  // namespace ry::ring
