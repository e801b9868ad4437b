// The linearizability checker's speed: 100 Jepsen-shaped register histories (5-10 clients,
// 100-300 ops, 5% timeouts) by search and by witness, and a 1,000,000-op key-value history whose
// every op carries its applied position (the witness path, linear time).
#include <benchmark/benchmark.h>

#include <vector>

#include "invariants/history/generate.hpp"
#include "invariants/history/linearizability.hpp"

namespace ry {
namespace {

std::vector<History> register_histories(bool with_applied) {
  std::vector<History> histories;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    GenerateOptions o;
    o.seed = seed;
    o.with_applied = with_applied;
    histories.push_back(generate_register_history(o));
  }
  return histories;
}

void check_all(benchmark::State& state, const std::vector<History>& histories) {
  const auto model = lin::register_model();
  std::uint64_t ops = 0;
  std::uint64_t steps = 0;
  for (auto _ : state) {
    for (const History& h : histories) {
      const lin::CheckResult r = lin::check_linearizability(h, *model);
      if (r.verdict != lin::Verdict::linearizable) state.SkipWithError(r.summary.c_str());
      ops += h.ops.size();
      steps += r.steps;
    }
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(ops), benchmark::Counter::kIsRate);
  state.counters["steps/history"] =
      static_cast<double>(steps) /
      (static_cast<double>(state.iterations()) * static_cast<double>(histories.size()));
}

void BM_Linearizability_Register100_Search(benchmark::State& state) {
  check_all(state, register_histories(false));
}
BENCHMARK(BM_Linearizability_Register100_Search)->Unit(benchmark::kMillisecond);

void BM_Linearizability_Register100_Witness(benchmark::State& state) {
  check_all(state, register_histories(true));
}
BENCHMARK(BM_Linearizability_Register100_Witness)->Unit(benchmark::kMillisecond);

void BM_Linearizability_Kv1M_Witness(benchmark::State& state) {
  const History h = generate_kv_history(1, 1'000'000, 1'000, 10);
  const auto model = lin::kv_model();
  for (auto _ : state) {
    const lin::CheckResult r = lin::check_linearizability(h, *model);
    if (r.verdict != lin::Verdict::linearizable || r.keys_witnessed != r.keys) {
      state.SkipWithError(r.summary.c_str());
    }
    benchmark::DoNotOptimize(r.steps);
  }
  state.counters["ops/s"] = benchmark::Counter(
      static_cast<double>(h.ops.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Linearizability_Kv1M_Witness)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ry
