#include "invariants/raft/config_checker.hpp"

#include <string>

namespace ry::raft {

void ConfigChecker::on_note(const Step& step, NodeRef node, const Note& note) {
  const std::string_view kind = note.kind;
  if ((kind != "commit" && kind != "config") || node.id.value >= nodes_) return;
  const Core* c = core_of_(node.id);
  if (c == nullptr || c->role() != Role::leader) return;
  const std::string who =
      "leader " + std::to_string(node.id.value) + " of term " + std::to_string(c->term());
  ++checks_;
  if (c->membership() != c->config_at(c->last_index())) {
    verdict_.violate("config_safety", step.index, {node.id},
                     who + " uses a configuration that its log does not hold (rule 8.1)");
    return;
  }
  if (kind != "config") return;
  // Rule 8.2: the config entries above the commit index, and whether this term committed.
  const Log& log = c->log();
  std::uint32_t pending = 0;
  Index newest = 0;
  for (Index i = std::max(c->commit_index(), log.base()) + 1; i <= log.last_index(); ++i) {
    ++checks_;
    if (log.at(i).kind == EntryKind::config) {
      ++pending;
      newest = i;
    }
  }
  if (pending > 1) {
    verdict_.violate("config_safety", step.index, {node.id},
                     who + " holds " + std::to_string(pending) +
                         " uncommitted config entries: two changes in flight (rule 8.2)");
    return;
  }
  const auto committed_term = c->term_at(c->commit_index());
  if (pending == 1 && c->term_at(newest) == c->term() &&
      (!committed_term || *committed_term != c->term())) {
    verdict_.violate("config_safety", step.index, {node.id},
                     who + " appended config entry " + std::to_string(newest) +
                         " before committing an entry of its term (rule 8.2)");
  }
}

}  // namespace ry::raft
