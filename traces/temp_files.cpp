#include "traces/temp_files.hpp"

#include <unistd.h>

#include <atomic>
#include <cstring>

namespace ry {

namespace {

struct Entry {
  std::atomic<bool> claimed{false};  // the slot is taken (being filled, or filled)
  std::atomic<bool> ready{false};    // `path` is complete and may be unlinked
  char path[4096] = {};
};
Entry table[temp_files_max];

static_assert(std::atomic<bool>::is_always_lock_free, "signal handlers need lock-free atomics");

}  // namespace

int register_temp_file(const char* path) noexcept {
  const std::size_t n = std::strlen(path);
  if (n + 1 > sizeof table[0].path) return -1;
  for (std::size_t i = 0; i < temp_files_max; ++i) {
    bool expected = false;
    if (!table[i].claimed.compare_exchange_strong(expected, true)) continue;
    std::memcpy(table[i].path, path, n + 1);
    table[i].ready.store(true);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temp_file(int slot) noexcept {
  if (slot < 0 || static_cast<std::size_t>(slot) >= temp_files_max) return;
  Entry& e = table[static_cast<std::size_t>(slot)];
  e.ready.store(false);
  e.claimed.store(false);
}

void remove_temp_files() noexcept {
  for (Entry& e : table) {
    if (e.ready.load()) unlink(e.path);
  }
}

}  // namespace ry
