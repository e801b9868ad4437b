#include "protocol/raft/messages.hpp"

#include "protocol/common/hash.hpp"

namespace ry::raft {
namespace {

std::int64_t i64(std::uint64_t v) noexcept { return static_cast<std::int64_t>(v); }

// Folds every field of a message into a digest, in a fixed order.
struct Digest {
  std::uint64_t h;
  Digest& u(std::uint64_t v) noexcept {
    h = hash_u64(h, v);
    return *this;
  }
  Digest& s(const std::string& bytes) noexcept {
    h = fnv1a(bytes, hash_u64(h, bytes.size()));
    return *this;
  }
};

struct Describer {
  MessageInfo operator()(const PreVote& m) const noexcept {
    MessageInfo info;
    info.kind = "pre_vote";
    info.add("term", i64(m.term)).add("round_term", i64(m.round_term));
    info.add("last_index", i64(m.last_index)).add("last_term", i64(m.last_term));
    info.digest = Digest{1}.u(m.term).u(m.round_term).u(m.last_index).u(m.last_term).h;
    // Fields that are zero in a run without disk faults are named only when set.
    if (m.probe != 0) {
      info.add("probe", i64(m.probe));
      info.digest = hash_u64(info.digest, m.probe);
    }
    return info;
  }
  MessageInfo operator()(const PreVoteResponse& m) const noexcept {
    MessageInfo info;
    info.kind = "pre_vote_response";
    info.add("term", i64(m.term)).add("round_term", i64(m.round_term));
    info.add("granted", m.granted ? 1 : 0);
    info.digest = Digest{2}.u(m.term).u(m.round_term).u(m.granted).h;
    if (m.probe != 0) {
      info.add("probe", i64(m.probe));
      info.digest = hash_u64(info.digest, m.probe);
    }
    return info;
  }
  MessageInfo operator()(const RequestVote& m) const noexcept {
    MessageInfo info;
    info.kind = "request_vote";
    info.add("term", i64(m.term)).add("last_index", i64(m.last_index));
    info.add("last_term", i64(m.last_term)).add("transfer", m.transfer ? 1 : 0);
    info.digest = Digest{3}.u(m.term).u(m.last_index).u(m.last_term).u(m.transfer).h;
    return info;
  }
  MessageInfo operator()(const RequestVoteResponse& m) const noexcept {
    MessageInfo info;
    info.kind = "request_vote_response";
    info.add("term", i64(m.term)).add("granted", m.granted ? 1 : 0);
    info.digest = Digest{4}.u(m.term).u(m.granted).h;
    return info;
  }
  MessageInfo operator()(const AppendEntries& m) const noexcept {
    MessageInfo info;
    info.kind = "append_entries";
    info.add("term", i64(m.term)).add("prev_index", i64(m.prev_index));
    info.add("prev_term", i64(m.prev_term)).add("entries", i64(m.entries.size()));
    info.add("leader_commit", i64(m.leader_commit)).add("round", i64(m.round));
    Digest d{5};
    d.u(m.term).u(m.prev_index).u(m.prev_term).u(m.leader_commit).u(m.round);
    for (const Entry& e : m.entries)
      d.u(e.index).u(e.term).u(static_cast<std::uint64_t>(e.kind)).s(e.payload);
    info.digest = d.h;
    return info;
  }
  MessageInfo operator()(const AppendEntriesResponse& m) const noexcept {
    MessageInfo info;
    info.kind = "append_entries_response";
    info.add("term", i64(m.term)).add("success", m.success ? 1 : 0);
    info.add("match", i64(m.match)).add("hint", i64(m.hint)).add("round", i64(m.round));
    info.digest = Digest{6}.u(m.term).u(m.success).u(m.match).u(m.hint).u(m.round).h;
    if (m.epoch != 0) {
      info.add("epoch", m.epoch);
      info.digest = hash_u64(info.digest, m.epoch);
    }
    return info;
  }
  MessageInfo operator()(const InstallSnapshot& m) const noexcept {
    MessageInfo info;
    info.kind = "install_snapshot";
    info.add("term", i64(m.term)).add("last_index", i64(m.last_index));
    info.add("last_term", i64(m.last_term)).add("offset", i64(m.offset));
    info.add("bytes", i64(m.chunk.size())).add("done", m.done ? 1 : 0);
    Digest d{7};
    d.u(m.term).u(m.last_index).u(m.last_term).u(m.last_hash).u(m.offset).s(m.chunk);
    d.u(m.done).u(m.checksum);
    for (const NodeId n : m.config.voters) d.u(n.value);
    d.u(UINT64_MAX);
    for (const NodeId n : m.config.learners) d.u(n.value);
    info.digest = d.h;
    return info;
  }
  MessageInfo operator()(const InstallSnapshotResponse& m) const noexcept {
    MessageInfo info;
    info.kind = "install_snapshot_response";
    info.add("term", i64(m.term)).add("last_index", i64(m.last_index));
    info.add("received", i64(m.received)).add("match", i64(m.match));
    info.digest = Digest{8}.u(m.term).u(m.last_index).u(m.received).u(m.match).h;
    if (m.epoch != 0) {
      info.add("epoch", m.epoch);
      info.digest = hash_u64(info.digest, m.epoch);
    }
    return info;
  }
  MessageInfo operator()(const TimeoutNow& m) const noexcept {
    MessageInfo info;
    info.kind = "timeout_now";
    info.add("term", i64(m.term));
    info.digest = Digest{9}.u(m.term).h;
    return info;
  }
};

}  // namespace

Term term_of(const Message& message) noexcept {
  return std::visit([](const auto& m) { return m.term; }, message);
}

MessageInfo describe(const Message& message) noexcept { return std::visit(Describer{}, message); }

}  // namespace ry::raft
