// RY_ASSERT: always on, in every build type. On failure it prints the expression, the source
// location and the simulation context (seed, step, node) registered by the simulator, runs the
// abort hooks (the trace writer flushes its file there), then aborts. Never used on user input.
#pragma once

#include <cstdint>

namespace ry {

// What the simulator is doing right now; printed when an assertion fails.
struct AssertContext {
  std::uint64_t seed = 0;
  std::uint64_t step = 0;
  std::int64_t node = -1;
};

AssertContext& assert_context() noexcept;

// A hook runs once, in registration order, before abort(). At most a few are registered.
using AbortHook = void (*)(void* arg) noexcept;
void add_abort_hook(AbortHook hook, void* arg) noexcept;
void remove_abort_hook(AbortHook hook, void* arg) noexcept;

[[noreturn]] void assert_fail(const char* expr, const char* file, int line) noexcept;

}  // namespace ry

#define RY_ASSERT(cond)                             \
  do {                                              \
    if (!(cond)) [[unlikely]]                       \
      ::ry::assert_fail(#cond, __FILE__, __LINE__); \
  } while (0)
