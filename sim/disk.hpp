// A node's simulated disk: an append-only list of records plus whole-disk rewrites, with write
// and sync latency. Only synced operations survive a crash (docs/design.md, "Disk"); the fault
// model adds torn, corrupted and misdirected writes on top of this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ry {

class Disk {
 public:
  void append(std::string record) { pending_.push_back(Op{false, std::move(record)}); }
  // Starts a new content: what follows replaces everything once synced.
  void rewrite() { pending_.push_back(Op{true, {}}); }

  // Marks the operations issued so far; they become durable when sync_complete(mark) runs.
  [[nodiscard]] std::uint64_t sync_mark() const noexcept { return applied_ + pending_.size(); }
  void sync_complete(std::uint64_t mark);

  // Crash: unsynced operations are lost. Their positions stay used, so a sync requested before
  // the crash can never make a later write durable.
  void crash() {
    applied_ += pending_.size();
    pending_.clear();
  }

  [[nodiscard]] const std::vector<std::string>& durable() const noexcept { return durable_; }
  [[nodiscard]] std::size_t unsynced() const noexcept { return pending_.size(); }
  [[nodiscard]] std::uint64_t bytes() const noexcept;

 private:
  struct Op {
    bool rewrite;
    std::string record;
  };
  std::vector<std::string> durable_;
  std::vector<Op> pending_;
  std::uint64_t applied_ = 0;  // position of pending_[0]: operations applied or lost before it
};

}  // namespace ry
