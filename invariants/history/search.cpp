#include "invariants/history/search.hpp"

#include <algorithm>
#include <unordered_map>

#include "protocol/common/assert.hpp"
#include "protocol/common/prng.hpp"

namespace ry::lin {

namespace {

// One call or return in the time-ordered list. Indexes, not pointers: the list is a vector and
// the head is its last element.
struct Entry {
  std::int64_t time = 0;
  std::uint32_t op = 0;
  bool call = false;
  std::uint32_t match = 0;  // a call's return entry
  std::uint32_t prev = 0;
  std::uint32_t next = 0;
};

// Model states as small integers, so the memo holds (bits, id) and compares ids.
class StateTable {
 public:
  std::uint32_t intern(const std::string& s) {
    const auto [it, added] = ids_.try_emplace(s, static_cast<std::uint32_t>(states_.size()));
    if (added) states_.push_back(s);
    return it->second;
  }
  [[nodiscard]] const std::string& at(std::uint32_t id) const { return states_[id]; }

 private:
  std::vector<std::string> states_;
  std::unordered_map<std::string, std::uint32_t> ids_;
};

// The memo of (linearized set, state) pairs already explored. The set's hash is kept up to date
// by xor-ing a per-op random word in and out, so a lookup hashes nothing; the sets themselves sit
// in one pool of words, and the table is open-addressed (linear probing, at most half full), so
// an insert allocates nothing but amortised growth.
class Memo {
 public:
  explicit Memo(std::size_t words) : words_(words), table_(1024) {}

  // True if (bits, state) was new (and is now recorded).
  bool insert(const std::vector<std::uint64_t>& bits, std::uint64_t bits_hash,
              std::uint32_t state) {
    std::uint64_t mix = bits_hash ^ (static_cast<std::uint64_t>(state) * 0x9e3779b97f4a7c15ULL);
    const std::uint64_t h = splitmix64(mix);
    const std::size_t mask = table_.size() - 1;
    std::size_t at = static_cast<std::size_t>(h) & mask;
    for (; table_[at].entry != empty; at = (at + 1) & mask) {
      const Slot& slot = table_[at];
      if (slot.hash == h && states_[slot.entry] == state &&
          std::equal(bits.begin(), bits.end(),
                     pool_.begin() + static_cast<std::ptrdiff_t>(slot.entry * words_))) {
        return false;
      }
    }
    RY_ASSERT(states_.size() < empty);
    table_[at] = Slot{h, static_cast<std::uint32_t>(states_.size())};
    states_.push_back(state);
    pool_.insert(pool_.end(), bits.begin(), bits.end());
    if (states_.size() * 2 > table_.size()) grow();
    return true;
  }

  // What the memo holds: the sets, the states and the table.
  [[nodiscard]] std::uint64_t bytes() const noexcept {
    return (pool_.size() * sizeof(std::uint64_t)) + (states_.size() * sizeof(std::uint32_t)) +
           (table_.size() * sizeof(Slot));
  }

 private:
  static constexpr std::uint32_t empty = UINT32_MAX;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = empty;
  };

  void grow() {
    std::vector<Slot> old(table_.size() * 2);
    old.swap(table_);
    const std::size_t mask = table_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.entry == empty) continue;
      std::size_t at = static_cast<std::size_t>(slot.hash) & mask;
      while (table_[at].entry != empty) at = (at + 1) & mask;
      table_[at] = slot;
    }
  }

  std::size_t words_;
  std::vector<std::uint64_t> pool_;
  std::vector<std::uint32_t> states_;
  std::vector<Slot> table_;
};

constexpr std::size_t stuck_states_max = 8;

}  // namespace

SearchResult search_linearization(const Model& model, const std::vector<const HistoryOp*>& ops,
                                  SearchBudget& budget) {
  SearchResult result;
  const std::size_t n = ops.size();
  RY_ASSERT(n < (std::size_t{1} << 30));
  if (n == 0) {
    result.verdict = Verdict::linearizable;
    return result;
  }

  // Calls and returns by time; at equal times calls first (such ops overlap), then by op.
  std::vector<Entry> entries(2 * n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto op = static_cast<std::uint32_t>(i);
    entries[2 * i] =
        Entry{ops[i]->invoke_ns, op, true, static_cast<std::uint32_t>(2 * i + 1), 0, 0};
    entries[2 * i + 1] = Entry{ops[i]->return_ns(), op, false, 0, 0, 0};
  }
  std::vector<std::uint32_t> order(2 * n);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Entry& x = entries[a];
    const Entry& y = entries[b];
    if (x.time != y.time) return x.time < y.time;
    if (x.call != y.call) return x.call;
    return a < b;
  });
  std::vector<std::uint32_t> position(2 * n);
  const auto head = static_cast<std::uint32_t>(2 * n);
  std::uint32_t prev = head;
  for (std::size_t p = 0; p < order.size(); ++p) {
    position[order[p]] = static_cast<std::uint32_t>(p);
    entries[prev].next = order[p];
    entries[order[p]].prev = prev;
    prev = order[p];
  }
  entries[prev].next = head;
  entries[head].prev = prev;

  auto unlink = [&](std::uint32_t e) {
    entries[entries[e].prev].next = entries[e].next;
    entries[entries[e].next].prev = entries[e].prev;
  };
  auto relink = [&](std::uint32_t e) {
    entries[entries[e].prev].next = e;
    entries[entries[e].next].prev = e;
  };

  std::vector<std::uint64_t> op_hash(n);
  std::uint64_t seed = 0x6c696e656172ULL;
  for (auto& h : op_hash) h = splitmix64(seed);

  StateTable states;
  std::uint32_t state = states.intern(model.init());
  std::vector<std::uint64_t> bits(n / 64 + 1, 0);
  std::uint64_t bits_hash = 0;
  auto flip = [&](std::uint32_t op) {
    bits[op / 64] ^= std::uint64_t{1} << (op % 64);
    bits_hash ^= op_hash[op];
  };
  Memo memo(bits.size());

  struct Frame {
    std::uint32_t call;
    std::uint32_t state_before;
  };
  std::vector<Frame> stack;
  std::size_t unchanged_below = 0;  // stack[0..unchanged_below) equals longest[0..)
  std::optional<std::uint32_t> stuck_position;
  std::string next;

  auto finish = [&](Verdict v) {
    result.verdict = v;
    if (v == Verdict::linearizable || stack.size() > result.longest.size()) {
      result.longest.resize(stack.size());
      for (std::size_t i = 0; i < stack.size(); ++i) result.longest[i] = entries[stack[i].call].op;
    }
    return result;
  };

  std::uint32_t cur = entries[head].next;
  while (true) {
    if (cur == head) return finish(Verdict::linearizable);
    if (!budget.step()) return finish(Verdict::unknown);
    const Entry& e = entries[cur];
    if (e.call) {
      const HistoryOp& op = *ops[e.op];
      if (model.step(states.at(state), op, next)) {
        const std::uint32_t after = Model::read_only(op.op.f) ? state : states.intern(next);
        flip(e.op);
        if (memo.insert(bits, bits_hash, after)) {
          if (memo.bytes() > budget.memo_bytes_max) {
            budget.exhausted = true;
            flip(e.op);
            return finish(Verdict::unknown);
          }
          stack.push_back(Frame{cur, state});
          state = after;
          unlink(cur);
          unlink(e.match);
          // Keep the longest linearization seen, copying only what changed since the last copy.
          if (stack.size() > result.longest.size()) {
            result.longest.resize(stack.size());
            for (std::size_t i = unchanged_below; i < stack.size(); ++i) {
              result.longest[i] = entries[stack[i].call].op;
            }
            unchanged_below = stack.size();
          }
          cur = entries[head].next;
          continue;
        }
        flip(e.op);
      }
      cur = e.next;
      continue;
    }
    // A return whose call is still in the list: this op had to be linearized by now.
    if (e.time == never_returned_ns) return finish(Verdict::linearizable);
    const std::uint32_t at = position[cur];
    if (!stuck_position || at > *stuck_position) {
      stuck_position = at;
      result.stuck_op = e.op;
      result.stuck_states.clear();
    }
    if (at == *stuck_position && result.stuck_states.size() < stuck_states_max &&
        std::find(result.stuck_states.begin(), result.stuck_states.end(), states.at(state)) ==
            result.stuck_states.end()) {
      result.stuck_states.push_back(states.at(state));
    }
    if (stack.empty()) return finish(Verdict::not_linearizable);
    const Frame top = stack.back();
    stack.pop_back();
    unchanged_below = std::min(unchanged_below, stack.size());
    state = top.state_before;
    flip(entries[top.call].op);
    relink(entries[top.call].match);
    relink(top.call);
    cur = entries[top.call].next;
  }
}

}  // namespace ry::lin
