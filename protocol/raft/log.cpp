#include "protocol/raft/log.hpp"

#include "protocol/common/assert.hpp"
#include "protocol/common/hash.hpp"

namespace ry::raft {

std::uint64_t chain_hash_empty() noexcept { return fnv_offset; }

std::uint64_t chain_hash(std::uint64_t prev, Term term, EntryKind kind,
                         std::string_view payload) noexcept {
  std::uint64_t h = hash_u64(prev, term);
  h = hash_u64(h, static_cast<std::uint64_t>(kind));
  h = hash_u64(h, payload.size());
  return fnv1a(payload, h);
}

std::optional<Term> Log::term_at(Index index) const noexcept {
  if (index < base_ || index > last_index()) return std::nullopt;
  if (index == base_) return base_term_;
  return entries_[index - base_ - 1].term;
}

std::optional<std::uint64_t> Log::hash_at(Index index) const noexcept {
  if (index < base_ || index > last_index()) return std::nullopt;
  if (index == base_) return base_hash_;
  return entries_[index - base_ - 1].hash;
}

const Entry& Log::at(Index index) const noexcept {
  RY_ASSERT(index > base_ && index <= last_index());
  return entries_[index - base_ - 1];
}

Index Log::first_index_of_term_at(Index index) const noexcept {
  const Term term = at(index).term;
  while (index > base_ + 1 && at(index - 1).term == term) --index;
  return index;
}

bool Log::other_up_to_date(Term other_last_term, Index other_last_index) const noexcept {
  if (other_last_term != last_term()) return other_last_term > last_term();
  return other_last_index >= last_index();
}

const Entry& Log::append(Term term, EntryKind kind, std::string payload) {
  RY_ASSERT(term >= last_term());
  Entry e;
  e.index = last_index() + 1;
  e.term = term;
  e.kind = kind;
  e.hash = chain_hash(last_hash(), term, kind, payload);
  e.payload = std::move(payload);
  entries_.push_back(std::move(e));
  return entries_.back();
}

const Entry& Log::append(const Entry& entry) {
  RY_ASSERT(entry.index == last_index() + 1);
  return append(entry.term, entry.kind, entry.payload);
}

void Log::truncate_from(Index index) {
  RY_ASSERT(index > base_ && index <= last_index() + 1);
  entries_.resize(index - base_ - 1);
}

void Log::compact_to(Index index) {
  RY_ASSERT(index >= base_ && index <= last_index());
  if (index == base_) return;
  const Entry& last_dropped = at(index);
  base_term_ = last_dropped.term;
  base_hash_ = last_dropped.hash;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index - base_));
  base_ = index;
}

void Log::reset(Index index, Term term, std::uint64_t hash) {
  entries_.clear();
  base_ = index;
  base_term_ = term;
  base_hash_ = hash;
}

}  // namespace ry::raft
