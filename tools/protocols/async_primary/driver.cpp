#include "tools/protocols/async_primary/driver.hpp"

namespace ry {

async_primary::Config AsyncPrimaryDriver::config() const {
  async_primary::Config c;
  c.nodes = options_.nodes;
  c.tick_ns = options_.param("async_tick_us") * us_ns;
  c.down_after_ns = options_.param("async_down_after_ms") * ms_ns;
  c.failover_timeout_ns = options_.param("async_failover_timeout_ms") * ms_ns;
  c.quorum = static_cast<std::uint32_t>(options_.param("async_quorum"));
  return c;
}

void AsyncPrimaryDriver::attach(World<Core>&, CheckerSuite<Core>& checkers) {
  replicas_ = &checkers.add<ReplicaStateChecker>();
  lost_checker_ = &checkers.add<async_primary::LostWritesChecker>();
}

const async_primary::Core* AsyncPrimaryDriver::primary(World<Core>& world) const {
  const Core* best = nullptr;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* c = world.core(NodeId{i});
    if (c == nullptr || c->role() != async_primary::Role::primary) continue;
    if (best == nullptr || c->epoch() > best->epoch()) best = c;
  }
  return best;
}

// One primary of the highest epoch, and every up node on its configuration and its whole
// history (the same replication id and offset).
bool AsyncPrimaryDriver::converged(World<Core>& world) const {
  const Core* p = primary(world);
  if (p == nullptr) return false;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* c = world.core(NodeId{i});
    if (c == nullptr || c == p) continue;
    if (c->epoch() != p->epoch() || c->primary() != p->self()) return false;
    if (c->role() != async_primary::Role::replica) return false;
    if (c->replid() != p->replid() || c->offset() != p->offset()) return false;
  }
  return true;
}

void AsyncPrimaryDriver::check_converged(World<Core>& world) {
  const Core* p = primary(world);
  const std::uint64_t step = world.stats().steps;
  std::vector<NodeId> replicas;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    if (world.core(NodeId{i}) != nullptr) replicas.push_back(NodeId{i});
  }
  // The engine's generic check first (it stops at the first write it misses, and cannot see a
  // loss below a client's highest applied seq), then the exact count.
  (void)replicas_->check_converged(step, replicas, [&world](NodeId node) -> const KvStore* {
    const Core* c = world.core(node);
    return c != nullptr ? &c->kv() : nullptr;
  });
  std::vector<RequestId> applied;
  applied.reserve(p->stream().size());
  for (const async_primary::Entry& e : p->stream()) applied.push_back(e.id);
  lost_ = lost_checker_->count(step, p->self(), applied);
}

bool AsyncPrimaryDriver::live(World<Core>& world) {
  if (!healed_ || !converged(world)) return false;
  if (!lost_) check_converged(world);
  return true;
}

// A failover needs a majority of the monitors: with fewer up, a lost primary is never replaced.
std::optional<std::string> AsyncPrimaryDriver::expected_halt(World<Core>& world) const {
  std::uint32_t up = 0;
  for (std::uint32_t i = 0; i < options_.nodes; ++i) up += world.is_up(NodeId{i}) ? 1U : 0U;
  if (2 * up > options_.nodes) return std::nullopt;
  return std::to_string(options_.nodes - up) + " of " + std::to_string(options_.nodes) +
         " nodes down for good: no majority of monitors to fail over";
}

std::string AsyncPrimaryDriver::liveness_failure(World<Core>& world) {
  const Core* p = primary(world);
  std::string line = p == nullptr ? "no primary after the heal"
                                  : "primary " + std::to_string(p->self().value) + " of epoch " +
                                        std::to_string(p->epoch()) + " at offset " +
                                        std::to_string(p->offset());
  line += "; nodes (epoch/primary/offset):";
  for (std::uint32_t i = 0; i < options_.nodes; ++i) {
    const Core* c = world.core(NodeId{i});
    line += " " + std::to_string(i) + "=";
    if (c == nullptr) {
      line += "down";
      continue;
    }
    const auto pr = c->primary();
    line += std::to_string(c->epoch()) + "/" + (pr ? std::to_string(pr->value) : "?") + "/" +
            std::to_string(c->offset());
  }
  return line;
}

void AsyncPrimaryDriver::summarize(World<Core>& world, RunResult& result) {
  const Core* p = primary(world);
  result.summary.emplace_back("primary", p == nullptr
                                             ? "none"
                                             : std::to_string(p->self().value) + " of epoch " +
                                                   std::to_string(p->epoch()) + ", offset " +
                                                   std::to_string(p->offset()));
  if (!lost_) {
    result.summary.emplace_back("acknowledged", std::to_string(lost_checker_->acknowledged()) +
                                                    " writes; not converged, losses not counted");
    return;
  }
  // Per mille in integers: 1126 of 1998 prints as 56.3%.
  const std::uint64_t permille =
      lost_->acknowledged == 0
          ? 0
          : (lost_->lost * 1000 + lost_->acknowledged / 2) / lost_->acknowledged;
  result.summary.emplace_back("acknowledged", std::to_string(lost_->acknowledged) + " writes, " +
                                                  std::to_string(lost_->lost) + " lost (" +
                                                  std::to_string(permille / 10) + "." +
                                                  std::to_string(permille % 10) + "%)");
}

}  // namespace ry
