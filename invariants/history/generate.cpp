#include "invariants/history/generate.hpp"

#include <algorithm>
#include <map>

#include "invariants/history/linearizability.hpp"
#include "protocol/common/prng.hpp"

namespace ry {

namespace {

// One op and the moment it takes effect (or none: a timed-out op that never did).
struct Planned {
  HistoryOp op;
  std::optional<std::int64_t> effect_ns;
};

// Applies the ops at their effect moments, in time order, to one register per key, filling in
// read outputs, failing cas ops that did not match, and numbering the applied ops.
void apply_in_effect_order(std::vector<Planned>& planned, bool with_applied) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    if (planned[i].effect_ns) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return *planned[a].effect_ns < *planned[b].effect_ns;
  });
  std::map<std::string, std::string> state;
  std::uint64_t position = 0;
  for (const std::size_t i : order) {
    HistoryOp& h = planned[i].op;
    std::string& value = state[h.op.key];
    switch (h.op.f) {
      case OpKind::read:
      case OpKind::get:
        if (h.outcome == OpOutcome::ok) h.output = value;
        break;
      case OpKind::write:
      case OpKind::put: value = h.op.value; break;
      case OpKind::append: value += h.op.value; break;
      case OpKind::cas:
        if (value != h.op.expected) {
          if (h.outcome == OpOutcome::ok) h.outcome = OpOutcome::fail;
          continue;  // no effect, no position
        }
        value = h.op.value;
        break;
      case OpKind::broadcast: break;
    }
    if (with_applied) h.applied = ++position;
  }
}

History to_history(std::vector<Planned>& planned) {
  std::sort(planned.begin(), planned.end(),
            [](const Planned& a, const Planned& b) { return a.op.invoke_ns < b.op.invoke_ns; });
  History h;
  h.ops.reserve(planned.size());
  for (Planned& p : planned) h.ops.push_back(std::move(p.op));
  return h;
}

std::string value_name(Prng& rng, std::uint32_t values) {
  return std::to_string(rng.below(values));
}

// A read made stale: it returns the value the register held before the last write that
// completed before the read was invoked. Tried on reads from the middle of the history until
// the checker confirms the history is no longer linearizable.
void plant_stale_read(History& h) {
  const auto model = lin::register_model();
  lin::CheckOptions quick;
  quick.steps_max = 2'000'000;
  quick.shrink = false;
  quick.use_witness = false;
  for (std::size_t r = h.ops.size() / 2; r < h.ops.size(); ++r) {
    HistoryOp& read = h.ops[r];
    if (read.op.f != OpKind::read || read.outcome != OpOutcome::ok) continue;
    // The register's value before the latest write completed before the read: replay ok writes
    // by completion time (a guess at a stale value; the checker decides).
    std::string before;
    std::string current;
    for (const HistoryOp& w : h.ops) {
      if (w.op.f == OpKind::read || w.outcome != OpOutcome::ok) continue;
      if (!w.complete_ns || *w.complete_ns >= read.invoke_ns) continue;
      before = current;
      current = w.op.value;
    }
    if (before == current || !read.output || *read.output == before) continue;
    const std::string kept = *read.output;
    read.output = before;
    if (lin::check_linearizability(h, *model, quick).verdict == lin::Verdict::not_linearizable)
      return;
    read.output = kept;
  }
}

}  // namespace

History generate_register_history(const GenerateOptions& o) {
  Prng rng(o.seed);
  const auto clients = static_cast<std::uint32_t>(
      rng.between(o.clients_min, std::max(o.clients_min, o.clients_max)));
  const auto total =
      static_cast<std::uint64_t>(rng.between(o.ops_min, std::max(o.ops_min, o.ops_max)));
  const std::uint32_t values = std::max<std::uint32_t>(o.values, 1);
  std::vector<std::int64_t> free_at(clients, 0);
  std::vector<std::uint64_t> process(clients);
  for (std::uint32_t c = 0; c < clients; ++c) process[c] = c;
  std::vector<Planned> planned;
  planned.reserve(total);
  for (std::uint64_t i = 0; i < total; ++i) {
    // The client that is free first invokes next (ties by client number), after a short think.
    const auto c = static_cast<std::uint32_t>(std::min_element(free_at.begin(), free_at.end()) -
                                              free_at.begin());
    Planned p;
    HistoryOp& h = p.op;
    h.process = process[c];
    h.invoke_ns = free_at[c] + rng.between(0, 2'000'000);
    const std::uint64_t pick = rng.below(4);
    if (pick < 2) {
      h.op.f = OpKind::read;
    } else if (pick == 2) {
      h.op.f = OpKind::write;
      h.op.value = value_name(rng, values);
    } else {
      h.op.f = OpKind::cas;
      h.op.expected = value_name(rng, values);
      h.op.value = value_name(rng, values);
    }
    const std::int64_t latency = rng.between(1'000'000, 20'000'000);
    if (rng.chance_ppm(o.info_ppm)) {
      // A timeout: it took effect during its time or not at all; the client moves on as a new
      // process (Jepsen gives a crashed process a new id: process + clients).
      h.outcome = OpOutcome::info;
      if (rng.below(2) == 0) p.effect_ns = h.invoke_ns + rng.between(0, latency);
      process[c] += clients;
    } else {
      h.outcome = OpOutcome::ok;
      h.complete_ns = h.invoke_ns + latency;
      p.effect_ns = h.invoke_ns + rng.between(0, latency);
    }
    free_at[c] = h.invoke_ns + latency;
    planned.push_back(std::move(p));
  }
  apply_in_effect_order(planned, o.with_applied);
  History h = to_history(planned);
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    h.ops[i].invoke_line = 2 * i + 1;
    h.ops[i].complete_line = h.ops[i].complete_ns ? 2 * i + 2 : 0;
  }
  if (o.stale_read) plant_stale_read(h);
  return h;
}

History generate_kv_history(std::uint64_t seed, std::uint64_t ops, std::uint32_t keys,
                            std::uint32_t clients) {
  Prng rng(seed);
  keys = std::max<std::uint32_t>(keys, 1);
  clients = std::max<std::uint32_t>(clients, 1);
  std::vector<std::int64_t> free_at(clients, 0);
  std::vector<Planned> planned;
  planned.reserve(ops);
  std::map<std::string, std::string> last_written;
  for (std::uint64_t i = 0; i < ops; ++i) {
    const auto c = static_cast<std::uint32_t>(i % clients);
    Planned p;
    HistoryOp& h = p.op;
    h.process = c;
    h.keyed = true;
    h.op.key = "k" + std::to_string(rng.below(keys));
    h.invoke_ns = free_at[c] + rng.between(0, 100'000);
    const std::uint64_t pick = rng.below(8);
    if (pick < 4) {
      h.op.f = OpKind::get;
    } else if (pick < 6) {
      h.op.f = OpKind::put;
      h.op.value = std::to_string(i);
      last_written[h.op.key] = h.op.value;
    } else if (pick == 6) {
      h.op.f = OpKind::append;
      h.op.value = "+";
    } else {
      h.op.f = OpKind::cas;
      h.op.expected = last_written[h.op.key];
      h.op.value = std::to_string(i);
    }
    const std::int64_t latency = rng.between(200'000, 5'000'000);
    h.outcome = OpOutcome::ok;
    h.complete_ns = h.invoke_ns + latency;
    p.effect_ns = h.invoke_ns + rng.between(0, latency);
    free_at[c] = *h.complete_ns;
    planned.push_back(std::move(p));
  }
  apply_in_effect_order(planned, true);
  // Failed cas ops are dropped by the checker; keep them out of the witness's concern.
  History h = to_history(planned);
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    h.ops[i].invoke_line = 2 * i + 1;
    h.ops[i].complete_line = 2 * i + 2;
  }
  return h;
}

}  // namespace ry
