// The replicated log (README.md sections 1 and 6): entries with contiguous indices, each with the
// chain hash of the prefix it ends, and a base below which entries were compacted into a
// snapshot (section 7). The log knows the term and chain hash of its base, so the entry after
// it can be checked and hashed like any other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ry::raft {

using Term = std::uint64_t;
using Index = std::uint64_t;

enum class EntryKind : std::uint8_t { noop, command, config };

struct Entry {
  Index index = 0;
  Term term = 0;
  EntryKind kind = EntryKind::noop;
  std::string payload;
  std::uint64_t hash = 0;  // chain hash of entries 1..index
  friend bool operator==(const Entry&, const Entry&) = default;
};

// The chain hash of the empty log, and h[i] = H(h[i-1], term, kind, payload).
std::uint64_t chain_hash_empty() noexcept;
std::uint64_t chain_hash(std::uint64_t prev, Term term, EntryKind kind,
                         std::string_view payload) noexcept;

class Log {
 public:
  // Index and term of the last compacted entry (0, 0 for a log that was never compacted).
  [[nodiscard]] Index base() const noexcept { return base_; }
  [[nodiscard]] Term base_term() const noexcept { return base_term_; }
  [[nodiscard]] std::uint64_t base_hash() const noexcept { return base_hash_; }
  [[nodiscard]] Index last_index() const noexcept { return base_ + entries_.size(); }
  [[nodiscard]] Term last_term() const noexcept {
    return entries_.empty() ? base_term_ : entries_.back().term;
  }
  [[nodiscard]] std::uint64_t last_hash() const noexcept {
    return entries_.empty() ? base_hash_ : entries_.back().hash;
  }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

  // The term at `index` for base <= index <= last; nothing outside (compacted or absent).
  [[nodiscard]] std::optional<Term> term_at(Index index) const noexcept;
  [[nodiscard]] std::optional<std::uint64_t> hash_at(Index index) const noexcept;
  // The entry at `index`, base < index <= last.
  [[nodiscard]] const Entry& at(Index index) const noexcept;
  // The first index of the run of entries with the term at `index` (base < index <= last),
  // the hint a follower gives a leader whose prev_term differs (section 6.2).
  [[nodiscard]] Index first_index_of_term_at(Index index) const noexcept;
  // Raft's "at least as up to date" (section 5.2): a log ending at (last_term, last_index).
  [[nodiscard]] bool other_up_to_date(Term other_last_term, Index other_last_index) const noexcept;

  // Appends the next entry and returns it.
  const Entry& append(Term term, EntryKind kind, std::string payload);
  // Appends an entry received from a leader; its index must be last_index() + 1. The hash is
  // recomputed here, never trusted from the wire.
  const Entry& append(const Entry& entry);
  // Drops entries from `index` on (base < index <= last + 1).
  void truncate_from(Index index);
  // Drops entries up to and including `index` (base <= index <= last); they are in a snapshot.
  void compact_to(Index index);
  // Drops everything and starts again after (index, term, hash): a snapshot replaced the log.
  void reset(Index index, Term term, std::uint64_t hash);

  friend bool operator==(const Log&, const Log&) = default;

 private:
  Index base_ = 0;
  Term base_term_ = 0;
  std::uint64_t base_hash_ = chain_hash_empty();
  std::vector<Entry> entries_;
};

}  // namespace ry::raft
