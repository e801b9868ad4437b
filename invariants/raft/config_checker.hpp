// Raft's config_safety (protocol/raft/README.md sections 8 and "Simulation checkers"): the
// single-server changes are safe only if a leader's configuration is the one its log puts in
// force (rule 8.1: a configuration takes effect when appended, never beside the log), and if a
// leader appends a config entry only after committing an entry of its own term and with no
// other config entry above its commit (rule 8.2, Ongaro's 2015 correction): otherwise two
// changes can be in flight at once and two leaders can hold disjoint majorities.
// Checked at a leader's "commit" notes (rule 8.1: O(voters)) and "config" notes (rule 8.2: a
// scan of the uncommitted tail, which the commit bounds).
#pragma once

#include <cstdint>

#include "invariants/raft/log_checker.hpp"

namespace ry::raft {

class ConfigChecker final : public Checker {
 public:
  ConfigChecker(Verdict& verdict, std::uint32_t nodes, CoreOf core_of)
      : Checker(verdict), core_of_(std::move(core_of)), nodes_(nodes) {}

  [[nodiscard]] std::string_view name() const override { return "config_safety"; }

  void on_note(const Step& step, NodeRef node, const Note& note) override;

 private:
  CoreOf core_of_;
  std::uint32_t nodes_;
};

}  // namespace ry::raft
