// Register histories shaped like Jepsen's etcd register tests, for tests and the benchmark:
// 5-10 closed-loop clients doing reads, writes and cas over a few values against a correct
// register (each op takes effect at a seeded moment between its invocation and completion), so
// the history is linearizable; a fraction of ops time out (info: they took effect or not, and
// the client continues under a new process id, as in Jepsen). Deterministic from the seed.
#pragma once

#include <cstdint>

#include "invariants/history/history.hpp"

namespace ry {

struct GenerateOptions {
  std::uint64_t seed = 1;
  std::uint32_t clients_min = 5;
  std::uint32_t clients_max = 10;
  std::uint32_t ops_min = 100;
  std::uint32_t ops_max = 300;
  std::uint32_t values = 5;         // written values are "0" .. values-1
  std::uint32_t info_ppm = 50'000;  // ops that time out
  bool with_applied = false;        // record the order ops took effect in (a witness)
  bool stale_read = false;          // plant one stale read (the history is then not
                                    // linearizable; checked before it is returned)
};

History generate_register_history(const GenerateOptions& options);

// A key-value history of `ops` operations over `keys` keys (put, get, append, cas; no timeouts),
// every op with its applied position: the witness path's benchmark.
History generate_kv_history(std::uint64_t seed, std::uint64_t ops, std::uint32_t keys,
                            std::uint32_t clients);

}  // namespace ry
