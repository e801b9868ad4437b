#include "invariants/raft/snapshot_checker.hpp"

#include <optional>
#include <string>

namespace ry::raft {
namespace {

// The chain hash a node vouches for at `index`: from its log, or from its own snapshot when the
// log no longer holds that index. Nothing if it has not committed `index`.
std::optional<std::uint64_t> committed_hash(const Core& c, Index index) {
  if (c.commit_index() < index) return std::nullopt;
  if (const auto h = c.log().hash_at(index)) return h;
  if (c.snapshot() && c.snapshot()->last_index == index) return c.snapshot()->last_hash;
  return std::nullopt;
}

}  // namespace

void SnapshotChecker::on_note(const Step& step, NodeRef node, const Note& note) {
  const std::string_view kind = note.kind;
  if ((kind != "snapshot" && kind != "snapshot_installed") || node.id.value >= nodes_) return;
  const Core* c = core_of_(node.id);
  if (c == nullptr || !c->snapshot()) return;
  const Snapshot& s = *c->snapshot();
  const std::string who = "node " + std::to_string(node.id.value) + "'s snapshot at index " +
                          std::to_string(s.last_index);
  ++checks_;
  // A snapshot stands for applied, hence committed, entries (sections 7.1 and 7.3).
  if (c->commit_index() < s.last_index) {
    verdict_.violate("snapshot_safety", step.index, {node.id},
                     who + " is past its commit index " + std::to_string(c->commit_index()));
    return;
  }
  for (std::uint32_t i = 0; i < nodes_; ++i) {
    const NodeId other{i};
    if (other == node.id) continue;
    const Core* o = core_of_(other);
    if (o == nullptr) continue;
    ++checks_;
    const auto h = committed_hash(*o, s.last_index);
    if (h && *h != s.last_hash) {
      verdict_.violate("snapshot_safety", step.index, {node.id, other},
                       who + " names another prefix (chain hash) than node " + std::to_string(i) +
                           " committed there");
      return;
    }
  }
}

}  // namespace ry::raft
