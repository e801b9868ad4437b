#include "protocol/common/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace ry {
namespace {

struct HookSlot {
  AbortHook hook = nullptr;
  void* arg = nullptr;
};
constexpr int hooks_max = 8;
HookSlot hooks[hooks_max];  // NOLINT: process-wide by nature; touched only on the main thread.
AssertContext context;      // NOLINT

}  // namespace

AssertContext& assert_context() noexcept { return context; }

void add_abort_hook(AbortHook hook, void* arg) noexcept {
  for (auto& slot : hooks) {
    if (slot.hook == nullptr) {
      slot = {hook, arg};
      return;
    }
  }
}

void remove_abort_hook(AbortHook hook, void* arg) noexcept {
  for (auto& slot : hooks) {
    if (slot.hook == hook && slot.arg == arg) slot = {};
  }
}

void assert_fail(const char* expr, const char* file, int line) noexcept {
  std::fprintf(stderr,
               "railyard: assertion failed: %s at %s:%d (seed %llu, step %llu, node %lld)\n", expr,
               file, line, static_cast<unsigned long long>(context.seed),
               static_cast<unsigned long long>(context.step), static_cast<long long>(context.node));
  std::fflush(stderr);
  // Run each hook once even if a hook itself asserts.
  HookSlot pending[hooks_max];
  for (int i = 0; i < hooks_max; ++i) {
    pending[i] = hooks[i];
    hooks[i] = {};
  }
  for (auto& slot : pending) {
    if (slot.hook != nullptr) slot.hook(slot.arg);
  }
  std::abort();
}

}  // namespace ry
