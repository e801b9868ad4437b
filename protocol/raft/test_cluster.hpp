// Test support (not part of the library): a tiny world that drives Raft cores directly, for the
// unit tests and the interaction scripts (interaction_test.cpp).
//
//  - Network: one FIFO queue of messages in flight. Nothing moves until a test delivers (all
//    queued, or those to one node) or drops them. A partition or a crashed receiver drops a
//    message at delivery time.
//  - Disk: per node, durable records plus the writes of steps whose sync has not completed. In
//    auto-sync mode (the default) a step's sync completes right after the step: its writes become
//    durable, its held sends are queued, then on_disk_synced runs. In manual mode the sync waits
//    for sync(node); until then the step's sends are held (as the simulator holds them) and a
//    crash loses the writes and the held sends.
//  - Time: one clock for every node, moved only by advance(). Timers never fire by themselves:
//    tick(node, timer) fires one, whatever its deadline (like etcd raft's explicit ticks), and
//    fire_due_timers() fires those whose deadline has passed (for randomised schedules).
//
// Every effect of every step is written to `out` as one line, so scripts can show it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "protocol/raft/core.hpp"
#include "protocol/raft/durable.hpp"

namespace ry::raft::testing {

struct Envelope {
  NodeId from;
  NodeId to;
  Message message;
};

inline std::string describe_line(const Message& m) {
  const MessageInfo info = describe(m);
  std::ostringstream s;
  s << info.kind;
  for (int i = 0; i < info.count; ++i) {
    const Field& f = info.fields[static_cast<std::size_t>(i)];
    s << ' ' << f.name << '=' << f.value;
  }
  return s.str();
}

class Cluster {
 public:
  using Fx = Core::Fx;

  explicit Cluster(const Config& config, std::ostream* out = nullptr)
      : config_(config), out_(out), nodes_(config.nodes) {
    for (std::uint32_t n = 0; n < config.nodes; ++n)
      nodes_[n].core.emplace(config_, NodeId{n}, n + 1, Recovery{});
  }

  void start() {
    for (std::uint32_t n = 0; n < config_.nodes; ++n) {
      Fx fx;
      core(n).on_start(now_, fx);
      apply(n, fx);
    }
  }

  // ---- Inputs.
  void tick(std::uint32_t n, TimerId timer = Core::election_timer) {
    if (!up(n)) return;
    Fx fx;
    core(n).on_timer(timer, now_, fx);
    apply(n, fx);
  }
  void advance(Nanos d) { now_ = now_ + d; }
  // Fires every armed timer whose deadline has passed, earliest first (ties by node, then id).
  void fire_due_timers() {
    for (;;) {
      std::optional<std::tuple<Time, std::uint32_t, TimerId>> due;
      for (std::uint32_t n = 0; n < config_.nodes; ++n) {
        for (const auto& [id, deadline] : nodes_[n].timers) {
          const std::tuple<Time, std::uint32_t, TimerId> t{deadline, n, id};
          if (deadline <= now_ && (!due || t < *due)) due = t;
        }
      }
      if (!due) return;
      const auto [deadline, n, id] = *due;
      nodes_[n].timers.erase(id);
      tick(n, id);
    }
  }

  void client(std::uint32_t n, const ClientRequest& request) {
    if (!up(n)) return;
    Fx fx;
    core(n).on_client(request, now_, fx);
    apply(n, fx);
  }
  RequestId propose(std::uint32_t n, const Operation& op) {
    const RequestId id{ClientId{1}, ++seq_};
    client(n, ClientRequest{id, encode(op)});
    return id;
  }
  RequestId admin(std::uint32_t n, const std::string& data) {
    const RequestId id{ClientId{2}, ++admin_seq_};
    client(n, ClientRequest{id, data});
    return id;
  }

  // Delivers the messages queued now (only those to `to`, and from `from`, if given); what they
  // cause is queued.
  std::size_t deliver(std::optional<std::uint32_t> to = std::nullopt,
                      std::optional<std::uint32_t> from = std::nullopt) {
    std::deque<Envelope> now = std::move(queue_);
    queue_.clear();
    std::size_t delivered = 0;
    for (auto& e : now) {
      if ((to && e.to.value != *to) || (from && e.from.value != *from)) {
        queue_.push_back(std::move(e));
        continue;
      }
      ++delivered;
      receive(e);
    }
    return delivered;
  }
  // Delivers, or drops, the i-th message in flight (i < queue().size()).
  void deliver_at(std::size_t i) {
    Envelope e = std::move(queue_[i]);
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
    receive(e);
  }
  void drop_at(std::size_t i) { queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i)); }
  // Hands `message` to node `to` as if `from` had sent it (a stale, duplicated or forged one).
  void inject(std::uint32_t to, std::uint32_t from, const Message& message) {
    Envelope e{NodeId{from}, NodeId{to}, message};
    receive(e);
  }
  // Delivers until nothing is in flight (at most `rounds` passes).
  void stabilize(int rounds = 100) {
    for (int i = 0; i < rounds && !queue_.empty(); ++i) deliver();
  }
  std::size_t drop(std::optional<std::uint32_t> to = std::nullopt) {
    const std::size_t before = queue_.size();
    std::erase_if(queue_, [&](const Envelope& e) { return !to || e.to.value == *to; });
    return before - queue_.size();
  }

  void partition(const std::vector<std::vector<std::uint32_t>>& groups) {
    group_.assign(config_.nodes, 0);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      for (const std::uint32_t n : groups[g]) group_[n] = static_cast<int>(g) + 1;
    }
  }
  void heal() { group_.clear(); }

  void crash(std::uint32_t n) {
    Node& node = nodes_[n];
    node.core.reset();
    node.timers.clear();
    node.unsynced.clear();
    node.held.clear();
  }
  void restart(std::uint32_t n) {
    Node& node = nodes_[n];
    if (node.core) crash(n);
    ++node.incarnation;
    node.core.emplace(config_, NodeId{n}, n + 1 + 1000ULL * node.incarnation,
                      Recovery{node.durable, node.incarnation});
    Fx fx;
    core(n).on_start(now_, fx);
    apply(n, fx);
  }
  // Replaces a node's disk and restarts it (for scripted starting logs, e.g. Raft's Figure 7).
  void set_disk(std::uint32_t n, std::vector<std::string> records) {
    crash(n);
    nodes_[n].durable = std::move(records);
    restart(n);
  }

  void set_manual_sync(std::uint32_t n, bool manual) { nodes_[n].manual_sync = manual; }
  void sync(std::uint32_t n) {
    Node& node = nodes_[n];
    while (up(n) && !node.held.empty()) complete_sync(n);
  }

  // ---- Inspection.
  [[nodiscard]] bool up(std::uint32_t n) const { return nodes_[n].core.has_value(); }
  Core& core(std::uint32_t n) { return *nodes_[n].core; }
  [[nodiscard]] const Core& core(std::uint32_t n) const { return *nodes_[n].core; }
  [[nodiscard]] const std::vector<std::string>& disk(std::uint32_t n) const {
    return nodes_[n].durable;
  }
  [[nodiscard]] const std::deque<Envelope>& queue() const { return queue_; }
  [[nodiscard]] const std::vector<ClientReply>& replies() const { return replies_; }
  [[nodiscard]] const std::vector<std::pair<std::uint32_t, Note>>& notes() const { return notes_; }
  [[nodiscard]] const std::vector<std::pair<std::uint32_t, Delivery>>& deliveries() const {
    return deliveries_;
  }
  [[nodiscard]] Time now() const { return now_; }
  [[nodiscard]] std::uint32_t size() const { return config_.nodes; }
  // The node that is leader in the highest term, if any.
  [[nodiscard]] std::optional<std::uint32_t> leader() const {
    std::optional<std::uint32_t> best;
    for (std::uint32_t n = 0; n < config_.nodes; ++n) {
      if (!up(n) || core(n).role() != Role::leader) continue;
      if (!best || core(n).term() > core(*best).term()) best = n;
    }
    return best;
  }
  // Printing of message lines (deliver) can be switched off, e.g. for stabilize.
  void set_print_messages(bool on) { print_messages_ = on; }

 private:
  struct Held {
    bool rewrite = false;
    std::vector<std::string> appends;
    std::vector<Fx::Send> sends;
  };
  struct Node {
    std::optional<Core> core;
    std::vector<std::string> durable;
    std::deque<Held> held;  // steps whose sync has not completed, oldest first
    std::vector<std::string> unsynced;
    std::uint32_t incarnation = 0;
    bool manual_sync = false;
    std::map<TimerId, Time> timers;  // armed timers and their deadlines
  };

  [[nodiscard]] bool connected(NodeId a, NodeId b) const {
    return group_.empty() || group_[a.value] == group_[b.value];
  }

  void receive(Envelope& e) {
    const bool ok = up(e.to.value) && connected(e.from, e.to);
    if (out_ && print_messages_) {
      *out_ << e.from.value << "->" << e.to.value << ' ' << describe_line(e.message);
      if (!ok) *out_ << (up(e.to.value) ? " DROPPED (partition)" : " DROPPED (down)");
      *out_ << '\n';
    }
    if (!ok) return;
    Fx fx;
    core(e.to.value).on_message(e.from, e.message, now_, fx);
    apply(e.to.value, fx);
  }

  void apply(std::uint32_t n, Fx& fx) {
    Node& node = nodes_[n];
    report(n, fx);
    for (const TimerId id : fx.timers_cancelled) node.timers.erase(id);
    for (const TimerSet& t : fx.timers_set) node.timers[t.id] = now_ + t.after_ns;
    if (!fx.disk_sync) {
      if (fx.disk_rewrite) node.durable.clear();
      for (auto& r : fx.disk_appends) node.unsynced.push_back(std::move(r));
      for (auto& s : fx.sends) queue(n, std::move(s));
      return;
    }
    Held held{fx.disk_rewrite, std::move(fx.disk_appends), std::move(fx.sends)};
    node.held.push_back(std::move(held));
    if (node.manual_sync) {
      if (out_) *out_ << n << " sync pending\n";
      return;
    }
    complete_sync(n);
  }

  void complete_sync(std::uint32_t n) {
    Node& node = nodes_[n];
    Held held = std::move(node.held.front());
    node.held.pop_front();
    if (held.rewrite) {
      node.durable.clear();
      node.unsynced.clear();
    }
    for (auto& r : node.unsynced) node.durable.push_back(std::move(r));
    node.unsynced.clear();
    for (auto& r : held.appends) node.durable.push_back(std::move(r));
    for (auto& s : held.sends) queue(n, std::move(s));
    Fx fx;
    core(n).on_disk_synced(now_, fx);
    apply(n, fx);
  }

  void queue(std::uint32_t n, Fx::Send send) {
    queue_.push_back(Envelope{NodeId{n}, send.to, std::move(send.message)});
  }

  void report(std::uint32_t n, const Fx& fx) {
    for (const Note& note : fx.notes) {
      notes_.emplace_back(n, note);
      if (out_) *out_ << n << " note " << note.kind << ' ' << note.a << ' ' << note.b << '\n';
    }
    if (fx.transfer && out_) *out_ << n << " transfer " << fx.transfer->position << '\n';
    if (fx.truncation && out_) *out_ << n << " truncate " << fx.truncation->from << '\n';
    for (const Delivery& d : fx.deliveries) {
      deliveries_.emplace_back(n, d);
      if (out_) *out_ << n << " apply " << d.id.sender.value << '.' << d.id.seq << '\n';
    }
    for (const ClientReply& r : fx.replies) {
      replies_.push_back(r);
      if (out_) {
        *out_ << n << " reply " << r.id.client.value << '.' << r.id.seq << ' '
              << to_string(r.status);
        if (!r.value.empty()) *out_ << " \"" << r.value << '"';
        if (r.leader_hint) *out_ << " hint=" << r.leader_hint->value;
        *out_ << '\n';
      }
    }
  }

  Config config_;
  std::ostream* out_;
  std::vector<Node> nodes_;
  std::deque<Envelope> queue_;
  std::vector<int> group_;
  Time now_;
  std::uint64_t seq_ = 0;
  std::uint64_t admin_seq_ = 0;
  bool print_messages_ = true;
  std::vector<ClientReply> replies_;
  std::vector<std::pair<std::uint32_t, Note>> notes_;
  std::vector<std::pair<std::uint32_t, Delivery>> deliveries_;
};

}  // namespace ry::raft::testing
