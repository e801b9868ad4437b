#include "tools/engine/shrink.hpp"

#include <algorithm>
#include <chrono>

#include "tools/engine/schedule_file.hpp"
#include "tools/engine/simulation.hpp"

namespace ry {

FailureSignature FailureSignature::of(const RunResult& r) {
  return {r.outcome, r.outcome == Outcome::violation ? r.violation.property : std::string()};
}

bool FailureSignature::matches(const RunResult& r) const {
  return r.outcome == outcome &&
         (outcome != Outcome::violation || r.violation.property == property);
}

std::string FailureSignature::describe() const {
  return outcome == Outcome::violation ? "violation of " + property : to_string(outcome);
}

RunSize size_of(const RunOptions& o, const RunResult& r) {
  return {o.nodes,      o.schedule.size(), o.network.size(), o.workload.empty() ? 0 : o.clients,
          r.operations, r.stats.steps,     o.time_ms};
}

namespace {

using Clock = std::chrono::steady_clock;
using Action = FaultStep::Action;

std::string size_text(const RunSize& s) {
  return std::to_string(s.nodes) + " nodes, " + std::to_string(s.faults) + " faults, " +
         std::to_string(s.decisions) + " network decisions, " + std::to_string(s.clients) +
         " clients, " + std::to_string(s.time_ms) + " ms";
}

// A violation at time T needs nothing after T: the safety phase ends just after it.
RunOptions cut_short(const RunOptions& o, const RunResult& r) {
  RunOptions c = o;
  if (r.outcome != Outcome::violation || r.sim_end.ns >= o.time_ms * ms_ns) return c;
  c.time_ms = std::max<std::int64_t>(1, r.sim_end.ns / ms_ns + 1);
  std::erase_if(c.schedule, [&](const FaultStep& s) { return s.at_ns > c.time_ms * ms_ns; });
  std::erase_if(c.network, [&](const LinkDecision& d) { return d.at_ns > r.sim_end.ns; });
  return c;
}

// The run without its highest-numbered node: faults and network decisions that name it go, a
// partition's side loses it (and goes if nothing is left to cut).
RunOptions without_last_node(const RunOptions& o) {
  RunOptions c = o;
  const std::uint32_t last = o.nodes - 1;
  c.nodes = last;
  if (c.workload == "broadcast") c.clients = std::min(c.clients, c.nodes);
  std::erase_if(c.network, [&](const LinkDecision& d) { return d.from == last || d.to == last; });
  for (FaultStep& s : c.schedule) {
    std::erase(s.side, last);
    std::erase_if(s.links, [&](const auto& l) { return l.first == last || l.second == last; });
  }
  std::erase_if(c.schedule, [&](const FaultStep& s) {
    if (s.action == Action::heal) return false;
    if (s.action != Action::partition) {
      const bool link = s.action == Action::clog || s.action == Action::cut;
      return s.node == last || (link && s.peer == last);
    }
    if (s.shape == "isolate" || s.shape == "ring_cut") return s.node == last;
    if (s.shape == "links") return s.links.empty();
    if (s.shape == "bridge" && s.peer == last) return true;
    return s.side.empty() || s.side.size() >= c.nodes;
  });
  return c;
}

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& options, FailureSignature signature)
      : options_(options), signature_(std::move(signature)), start_(Clock::now()) {}

  // Runs a candidate; if it fails the same way, it becomes the current best (as recorded).
  bool try_candidate(const RunOptions& candidate) {
    if (out_of_time()) return false;
    ++candidates_;
    RunOptions o = candidate;
    o.record = true;
    RunResult r = simulate_any(o, nullptr);
    if (!signature_.matches(r)) return false;
    best_ = scripted_options(o, r);
    best_result_ = std::move(r);
    say("candidate " + std::to_string(candidates_) + ": " +
        size_text(size_of(best_, best_result_)));
    return true;
  }

  void set_best(RunOptions o, RunResult r) {
    best_ = std::move(o);
    best_result_ = std::move(r);
  }

  [[nodiscard]] bool out_of_time() {
    if (!exhausted_ && seconds() > options_.budget_s) exhausted_ = true;
    return exhausted_;
  }
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }
  void say(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }

  // ddmin over one list of the best candidate (its faults or its network decisions): removes
  // chunks while the rest still fails, halving the chunks down to single items.
  template <class T>
  void ddmin(std::vector<T> RunOptions::*list) {
    if ((best_.*list).empty()) return;
    {
      RunOptions none = best_;
      (none.*list).clear();
      if (try_candidate(none)) return;
    }
    std::size_t chunks = 2;
    while (!out_of_time()) {
      const std::vector<T>& items = best_.*list;
      const std::size_t n = items.size();
      if (n < 2) break;
      chunks = std::min(chunks, n);
      bool removed = false;
      for (std::size_t c = 0; c < chunks && !removed; ++c) {
        const std::size_t lo = n * c / chunks;
        const std::size_t hi = n * (c + 1) / chunks;
        RunOptions candidate = best_;
        auto& rest = candidate.*list;
        rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(lo),
                   rest.begin() + static_cast<std::ptrdiff_t>(hi));
        removed = try_candidate(candidate);
      }
      if (removed) {
        chunks = std::max<std::size_t>(chunks - 1, 2);
      } else if (chunks >= n) {
        break;  // every single item was tried
      } else {
        chunks = std::min(chunks * 2, n);
      }
    }
  }

  // Replaces fault i by each weaker form in turn while the run still fails.
  void weaken_faults() {
    for (std::size_t i = 0; i < best_.schedule.size() && !out_of_time(); ++i) {
      bool weaker = true;
      for (int round = 0; weaker && round < 12 && i < best_.schedule.size(); ++round) {
        weaker = false;
        for (const FaultStep& w : weaker_forms(best_.schedule[i])) {
          RunOptions candidate = best_;
          candidate.schedule[i] = w;
          if (try_candidate(candidate)) {
            weaker = true;
            break;
          }
        }
      }
    }
  }

  // The highest-numbered node goes, with every fault and network decision that names it.
  void fewer_nodes() {
    while (best_.nodes > 2 && !out_of_time()) {
      const RunOptions candidate = without_last_node(best_);
      if (validate(candidate) || !try_candidate(candidate)) return;
    }
  }

  // A shorter safety phase, the faults after its end dropped.
  void shorter_run() {
    while (best_.time_ms > 1 && !out_of_time()) {
      RunOptions candidate = best_;
      candidate.time_ms = best_.time_ms / 2;
      std::erase_if(candidate.schedule,
                    [&](const FaultStep& s) { return s.at_ns > candidate.time_ms * ms_ns; });
      if (!try_candidate(candidate)) return;
    }
  }

  // Fewer operations: the clients' think time doubled, while the failure stays.
  void slower_clients() {
    for (int i = 0; i < 8 && !best_.workload.empty() && !out_of_time(); ++i) {
      RunOptions candidate = best_;
      candidate.interval_us = best_.interval_us * 2;
      if (validate(candidate) || !try_candidate(candidate)) return;
    }
  }

  // The schedule moved earlier as a whole (all of it, then half of it), so that the run reaches
  // its faults sooner and everything before them, which is only traffic, goes.
  void earlier_faults() {
    for (int i = 0; i < 8 && !best_.schedule.empty() && !out_of_time(); ++i) {
      const Nanos first = best_.schedule.front().at_ns;
      if (first < ms_ns) return;
      bool moved = false;
      for (const Nanos shift : {first, first / 2}) {
        RunOptions candidate = best_;
        for (FaultStep& step : candidate.schedule) step.at_ns -= shift;
        if (try_candidate(candidate)) {
          moved = true;
          break;
        }
      }
      if (!moved) return;
    }
  }

  // The safety phase ends just after the violation, wherever the search has moved it.
  void cut_short_again() {
    const RunOptions shorter = cut_short(best_, best_result_);
    if (shorter.time_ms != best_.time_ms) try_candidate(shorter);
  }

  void fewer_clients() {
    if (best_.workload.empty()) return;
    for (std::uint32_t c = 1; c < best_.clients && !out_of_time(); ++c) {
      RunOptions candidate = best_;
      candidate.clients = c;
      if (try_candidate(candidate)) return;
    }
  }

  // Removing any one remaining fault or decision must make the failure go away; one whose
  // removal still fails is removed, and the check starts over.
  void make_one_minimal() {
    checks_ = 0;
    bool again = true;
    while (again && !out_of_time()) {
      again = remove_one(&RunOptions::schedule) || remove_one(&RunOptions::network);
    }
    one_minimal_ = !out_of_time();
  }

  template <class T>
  bool remove_one(std::vector<T> RunOptions::*list) {
    for (std::size_t i = 0; i < (best_.*list).size(); ++i) {
      if (out_of_time()) return false;
      RunOptions candidate = best_;
      (candidate.*list).erase((candidate.*list).begin() + static_cast<std::ptrdiff_t>(i));
      ++checks_;
      if (try_candidate(candidate)) return true;
    }
    return false;
  }

  RunOptions best_;
  RunResult best_result_;
  std::uint64_t candidates_ = 0;
  std::uint64_t checks_ = 0;
  bool one_minimal_ = false;

 private:
  // Weaker forms of a fault, strongest first.
  static std::vector<FaultStep> weaker_forms(const FaultStep& s) {
    std::vector<FaultStep> out;
    auto with = [&](auto change) {
      FaultStep w = s;
      change(w);
      if (!(w == s)) out.push_back(std::move(w));
    };
    switch (s.action) {
      case Action::crash:
        if (s.moment.empty()) {
          with([](FaultStep& w) {
            w.action = Action::pause;
            if (w.duration_ns == 0) w.duration_ns = 50 * ms_ns;
          });
        }
        break;
      case Action::partition:
        if (!s.side.empty() && s.shape != "one_way") {
          with([](FaultStep& w) {
            w.shape = "one_way";
            w.peer = 0;
          });
        } else if (s.shape == "isolate") {
          with([](FaultStep& w) {
            w.shape = "one_way";
            w.side = {w.node};
            w.node = 0;
          });
        } else if (s.shape == "links" && s.links.size() > 1) {
          with([](FaultStep& w) { w.links.resize(w.links.size() / 2); });
        }
        break;
      case Action::disk:
        if (s.disk == "corrupt" || s.disk == "misdirect") {
          with([](FaultStep& w) { w.disk = "torn"; });
        }
        break;
      case Action::clock_jump:
        if (s.delta_ns / 2 != 0) with([](FaultStep& w) { w.delta_ns /= 2; });
        break;
      case Action::clock_drift:
        if (s.ppm / 2 != 0) with([](FaultStep& w) { w.ppm /= 2; });
        break;
      default: break;
    }
    if (s.duration_ns >= 2 * ms_ns) with([](FaultStep& w) { w.duration_ns /= 2; });
    return out;
  }

  const ShrinkOptions& options_;
  FailureSignature signature_;
  Clock::time_point start_;
  bool exhausted_ = false;
};

}  // namespace

std::optional<ShrinkReport> shrink(const RunOptions& scripted, const ShrinkOptions& options,
                                   std::string& error) {
  RunOptions first = scripted;
  first.record = true;
  RunResult result = simulate_any(first, nullptr);
  if (result.outcome == Outcome::passed || result.outcome == Outcome::halted) {
    error =
        "the run does not fail (" + std::string(to_string(result.outcome)) + "): nothing to shrink";
    return std::nullopt;
  }
  ShrinkReport report;
  report.signature = FailureSignature::of(result);
  report.original = scripted_options(first, result);
  report.before = size_of(report.original, result);

  Shrinker s(options, report.signature);
  s.set_best(report.original, result);
  s.say("shrinking a " + report.signature.describe() + ": " + size_text(report.before));
  const RunOptions shorter = cut_short(s.best_, s.best_result_);
  if (shorter.time_ms != s.best_.time_ms) s.try_candidate(shorter);
  // Smaller worlds first: every later candidate runs faster in them.
  s.fewer_nodes();
  s.fewer_clients();
  s.slower_clients();
  s.ddmin(&RunOptions::schedule);
  s.earlier_faults();
  s.weaken_faults();
  s.ddmin(&RunOptions::network);
  s.shorter_run();
  s.fewer_clients();
  s.cut_short_again();
  s.make_one_minimal();

  report.shrunk = s.best_;
  report.shrunk_result = s.best_result_;
  report.after = size_of(report.shrunk, report.shrunk_result);
  report.candidates = s.candidates_;
  report.one_minimal = s.one_minimal_;
  report.minimal_checks = s.checks_;
  report.budget_exhausted = s.out_of_time();
  report.wall_s = s.seconds();
  return report;
}

}  // namespace ry
