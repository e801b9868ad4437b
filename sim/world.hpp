// The world: N nodes each running a protocol core, the scheduler's event queue, the network,
// each node's clock and disk, fibers, and the observers. It applies a core's effects in the
// order of README.md: durable writes before the sends that depend on them, then sends,
// then timers. Single-threaded and seeded: one seed, one run.
#pragma once

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/common/prng.hpp"
#include "protocol/common/protocol_core.hpp"
#include "sim/cluster.hpp"
#include "sim/disk.hpp"
#include "sim/event_queue.hpp"

namespace ry {

struct DiskModel {
  Nanos sync_min_ns = 100 * us_ns;
  Nanos sync_max_ns = 500 * us_ns;
  Nanos write_ns = 0;  // per record appended, added to the latency of the sync that covers it
};

struct WorldOptions {
  std::uint32_t nodes = 3;
  std::uint64_t seed = 0;
  LinkModel link;
  DiskModel disk;
};

struct WorldStats {
  std::uint64_t steps = 0;
  std::uint64_t sends = 0;
  std::uint64_t arrivals = 0;
  std::uint64_t drops = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t deliveries = 0;
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
  std::uint64_t pauses = 0;
  std::uint64_t faults = 0;
};

template <ProtocolCore Core>
class World final : public Cluster {
 public:
  using Message = typename Core::Message;
  using Config = typename Core::Config;

  World(const WorldOptions& options, Config config)
      : options_(options),
        config_(std::move(config)),
        network_(options.nodes, options.link, options.seed),
        disk_prng_(options.seed, Stream::disk),
        nodes_(options.nodes) {
    RY_ASSERT(options.nodes > 0);
  }

  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() override { fibers_.clear(); }

  void add_observer(Observer* o) { observers_.push_back(o); }
  void add_message_observer(MessageObserver<Message>* o) { message_observers_.push_back(o); }

  // Builds every core and runs its on_start, at time zero.
  void start() {
    RY_ASSERT(!started_);
    started_ = true;
    for (std::uint32_t i = 0; i < options_.nodes; ++i) boot(NodeId{i});
  }

  // Handles the next event. False when nothing is left to do.
  bool step() {
    if (queue_.empty()) return false;
    auto [at, event] = queue_.pop();
    RY_ASSERT(at >= now_);
    now_ = at;
    ++stats_.steps;
    step_ = Step{stats_.steps, now_};
    assert_context().step = step_.index;
    std::visit([&](auto& e) { handle(e); }, event);
    assert_context().node = -1;
    for (Observer* o : observers_) o->after_step(step_);
    return true;
  }

  // Runs events up to and including `deadline`, or until `stop` returns true after a step.
  template <class Stop>
  void run_until(Time deadline, Stop&& stop) {
    while (!queue_.empty() && queue_.next_time() <= deadline) {
      step();
      if (stop()) return;
    }
    if (now_ < deadline) now_ = deadline;
  }

  // Read-only access for checkers and the trace writer; nullptr while the node is down.
  [[nodiscard]] const Core* core(NodeId node) const {
    const auto& n = nodes_[node.value];
    return n.core ? &*n.core : nullptr;
  }
  [[nodiscard]] std::uint32_t incarnation(NodeId node) const {
    return nodes_[node.value].incarnation;
  }
  [[nodiscard]] const Disk& disk(NodeId node) const { return nodes_[node.value].disk; }
  [[nodiscard]] const WorldStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const Step& current_step() const noexcept { return step_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t queued_events() const noexcept { return queue_.size(); }

  // Cluster.
  Time now() const noexcept override { return now_; }
  std::uint32_t node_count() const noexcept override { return options_.nodes; }
  bool is_up(NodeId node) const noexcept override { return nodes_[node.value].core.has_value(); }
  bool is_paused(NodeId node) const noexcept override {
    return nodes_[node.value].paused_until > now_;
  }
  Network& network() noexcept override { return network_; }
  NodeClock& clock(NodeId node) noexcept override { return nodes_[node.value].clock; }
  std::uint64_t seed() const noexcept override { return options_.seed; }

  void crash(NodeId node) override {
    NodeState& n = nodes_[node.value];
    if (!n.core) return;
    n.unsynced_appends = 0;
    n.core.reset();
    n.disk.crash();
    for (auto& [id, handle] : n.timers) queue_.cancel(handle);
    n.timers.clear();
    n.held.clear();
    n.deferred.clear();
    n.paused_until = Time{};
    n.status_known = false;
    ++stats_.crashes;
    for (Observer* o : observers_) o->on_crash(step_, NodeRef{node, n.incarnation});
  }

  void restart(NodeId node) override {
    NodeState& n = nodes_[node.value];
    if (n.core) return;
    ++n.incarnation;
    ++stats_.restarts;
    boot(node);
  }

  void pause(NodeId node, Nanos duration_ns) override {
    RY_ASSERT(duration_ns >= 0);
    NodeState& n = nodes_[node.value];
    if (!n.core) return;
    const Time until = now_ + duration_ns;
    if (until <= n.paused_until) return;
    n.paused_until = until;
    ++stats_.pauses;
    queue_.push(until, Event{Unpause{node}});
  }

  void crash_at(NodeId node, std::string moment) override {
    RY_ASSERT(node.value < options_.nodes && !moment.empty());
    nodes_[node.value].crash_at = std::move(moment);
  }

  void cancel_crash_at(NodeId node) override { nodes_[node.value].crash_at.clear(); }

  void partition(const Partition& p) override {
    report_fault({"partition", -1, -1, static_cast<std::int64_t>(p.cut.size()), p.describe()});
    for (const auto& link : p.cut) network_.cut(link.first, link.second);
  }

  void heal_partition(const Partition& p) override {
    report_fault({"heal", -1, -1, 0, p.describe()});
    for (const auto& link : p.cut) network_.heal(link.first, link.second);
  }

  void heal_partitions() override {
    report_fault({"heal", -1, -1, 0, {}});
    network_.heal_all();
  }

  void clog(NodeId from, NodeId to, Nanos duration_ns) override {
    RY_ASSERT(duration_ns >= 0);
    report_fault({"clog", from.value, to.value, duration_ns, {}});
    network_.clog(from, to, now_ + duration_ns);
  }

  void disk_fault(NodeId node, DiskFault fault, Nanos duration_ns) override {
    RY_ASSERT(node.value < options_.nodes && duration_ns >= 0);
    NodeState& n = nodes_[node.value];
    report_fault({fault_kind(fault), node.value, -1, duration_ns, {}});
    switch (fault) {
      case DiskFault::torn: n.disk.arm_torn(disk_prng_.next()); break;
      case DiskFault::corrupt: n.disk.corrupt(disk_prng_.next()); break;
      case DiskFault::misdirect: n.disk.arm_misdirect(disk_prng_.next()); break;
      case DiskFault::slow:
        n.disk_slow_until = std::max(n.disk_slow_until, now_ + duration_ns);
        break;
    }
  }

  void clock_jump(NodeId node, Nanos delta_ns) override {
    report_fault({"clock_jump", node.value, -1, delta_ns, {}});
    nodes_[node.value].clock.jump(delta_ns);
  }

  void set_drift(NodeId node, std::int64_t ppm) override {
    report_fault({"clock_drift", node.value, -1, ppm, {}});
    nodes_[node.value].clock.set_drift_ppm_at(now_, ppm);
  }

  [[nodiscard]] bool disk_slow(NodeId node) const {
    return nodes_[node.value].disk_slow_until > now_;
  }
  [[nodiscard]] const std::string& crash_at_moment(NodeId node) const {
    return nodes_[node.value].crash_at;
  }

  bool client_request(NodeId node, ClientRequest request) override {
    NodeState& n = nodes_[node.value];
    if (!n.core || n.paused_until > now_) return false;
    const NodeRef ref{node, n.incarnation};
    for (Observer* o : observers_) o->on_client(step_, ref, request);
    fx_.clear();
    n.core->on_client(request, local_now(n), fx_);
    apply(node, fx_);
    return true;
  }

  void report_history(const HistoryEvent& event) override {
    for (Observer* o : observers_) o->on_history(step_, event);
  }

  void report_fault(const FaultInfo& fault) override {
    ++stats_.faults;
    for (Observer* o : observers_) o->on_fault(step_, fault);
  }

  void spawn(Fiber::Body body) override {
    const auto id = static_cast<std::uint32_t>(fibers_.size());
    fibers_.push_back(std::make_unique<Fiber>(*this, id, std::move(body)));
    queue_.push(now_, Event{FiberWake{id, 0}});
  }

  void wake_later(Fiber& fiber, Nanos after_ns) override {
    queue_.push(now_ + after_ns, Event{FiberWake{fiber.id(), fiber.epoch()}});
  }

 private:
  struct Arrival {
    NodeId from;
    NodeId to;
    Message message;
    std::uint64_t id = 0;  // the send's number (MessageInfo::id)
  };
  struct TimerFire {
    NodeId node;
    std::uint32_t incarnation;
    TimerId id;
  };
  struct SyncDone {
    NodeId node;
    std::uint32_t incarnation;
    std::uint64_t mark;
  };
  struct FiberWake {
    std::uint32_t fiber;
    std::uint64_t epoch;  // the fiber's epoch when the wake was asked for
  };
  struct Unpause {
    NodeId node;
  };
  using Event = std::variant<std::monostate, Arrival, TimerFire, SyncDone, FiberWake, Unpause>;
  using Send = typename Effects<Message>::Send;

  // Sends held back until a disk sync completes.
  struct HeldSends {
    std::uint64_t mark;
    std::vector<Send> sends;
  };

  struct NodeState {
    std::optional<Core> core;
    std::uint32_t incarnation = 0;
    NodeClock clock;
    Disk disk;
    Time paused_until;
    Time last_sync_at;
    std::vector<std::pair<TimerId, EventHandle>> timers;  // armed timers; a handful per node
    std::vector<HeldSends> held;
    std::deque<Event> deferred;          // events that arrived during a pause, in order
    std::string crash_at;                // crash at the next such moment (crash_moment); or empty
    Time disk_slow_until;                // a slow disk (DiskFault::slow) until then
    std::uint64_t unsynced_appends = 0;  // appends not yet covered by a requested sync
    Status status;                       // last reported (report_status)
    bool status_known = false;
  };

  Time local_now(const NodeState& n) const { return n.clock.local(now_); }

  std::uint64_t node_seed(NodeId node, std::uint32_t incarnation) const {
    return derive_seed(
        derive_seed(options_.seed, static_cast<std::uint64_t>(Stream::node_base) + node.value),
        incarnation);
  }

  void boot(NodeId node) {
    NodeState& n = nodes_[node.value];
    RY_ASSERT(!n.core);
    Recovery recovery{n.disk.durable(), n.incarnation};
    n.core.emplace(config_, node, node_seed(node, n.incarnation), recovery);
    const NodeRef ref{node, n.incarnation};
    if (n.incarnation > 0) {
      for (Observer* o : observers_) o->on_restart(step_, ref);
    }
    assert_context().node = node.value;
    fx_.clear();
    n.core->on_start(local_now(n), fx_);
    apply(node, fx_);
  }

  // True if the event must wait because its node is paused. Events also wait behind those that
  // already wait (at the instant the pause ends, until they have all run), so that the node
  // handles its events in the order they were due.
  template <class E>
  bool defer_if_paused(NodeState& n, E& e) {
    if (resuming_) return false;
    if (n.paused_until <= now_ && n.deferred.empty()) return false;
    n.deferred.push_back(Event{std::move(e)});
    return true;
  }

  void handle(std::monostate&) { RY_ASSERT(false); }

  void handle(Arrival& a) {
    NodeState& n = nodes_[a.to.value];
    assert_context().node = a.to.value;
    if (!n.core) {
      ++stats_.drops;
      if (!observers_.empty()) {
        MessageInfo info = describe(a.message);
        info.id = a.id;
        for (Observer* o : observers_) o->on_drop(step_, a.from, a.to, info, DropReason::dead);
      }
      return;
    }
    if (defer_if_paused(n, a)) return;
    ++stats_.arrivals;
    const NodeRef ref{a.to, n.incarnation};
    if (!observers_.empty()) {
      MessageInfo info = describe(a.message);
      info.id = a.id;
      for (Observer* o : observers_) o->on_receive(step_, ref, a.from, info);
    }
    for (auto* o : message_observers_) o->on_receive_message(step_, ref, a.from, a.message);
    fx_.clear();
    n.core->on_message(a.from, a.message, local_now(n), fx_);
    apply(a.to, fx_);
  }

  void handle(TimerFire& t) {
    NodeState& n = nodes_[t.node.value];
    assert_context().node = t.node.value;
    if (!n.core || n.incarnation != t.incarnation) return;
    auto armed = std::find_if(n.timers.begin(), n.timers.end(),
                              [&](const auto& entry) { return entry.first == t.id; });
    // A deferred firing is stale if an earlier deferred event cancelled or re-armed the timer.
    if (resuming_ && (armed == n.timers.end() || armed->second.valid())) return;
    if (defer_if_paused(n, t)) {
      if (armed != n.timers.end()) armed->second = EventHandle{};  // waiting in n.deferred
      return;
    }
    if (armed != n.timers.end()) n.timers.erase(armed);
    const NodeRef ref{t.node, n.incarnation};
    for (Observer* o : observers_) o->on_timer(step_, ref, t.id);
    fx_.clear();
    n.core->on_timer(t.id, local_now(n), fx_);
    apply(t.node, fx_);
  }

  void handle(SyncDone& s) {
    NodeState& n = nodes_[s.node.value];
    assert_context().node = s.node.value;
    if (!n.core || n.incarnation != s.incarnation) return;
    if (defer_if_paused(n, s)) return;
    n.disk.sync_complete(s.mark);
    // Release every batch whose writes are now durable, oldest first.
    std::size_t released = 0;
    while (released < n.held.size() && n.held[released].mark <= s.mark) {
      for (Send& send : n.held[released].sends) transmit(s.node, n, send);
      ++released;
    }
    n.held.erase(n.held.begin(), n.held.begin() + static_cast<std::ptrdiff_t>(released));
    fx_.clear();
    n.core->on_disk_synced(local_now(n), fx_);
    apply(s.node, fx_);
  }

  void handle(FiberWake& w) {
    RY_ASSERT(w.fiber < fibers_.size());
    Fiber* fiber = fibers_[w.fiber].get();
    if (fiber == nullptr || fiber->finished() || fiber->epoch() != w.epoch) return;
    fiber->resume();
  }

  void handle(Unpause& u) {
    NodeState& n = nodes_[u.node.value];
    if (n.paused_until > now_) return;  // extended by a later pause
    if (n.deferred.empty()) return;
    // Deferred events run now, one per step, oldest first; events that come due meanwhile
    // queue behind them (defer_if_paused), so none overtakes an event due before it.
    Event e = std::move(n.deferred.front());
    n.deferred.pop_front();
    if (!n.deferred.empty()) queue_.push(now_, Event{Unpause{u.node}});
    resuming_ = true;
    std::visit([&](auto& deferred) { handle(deferred); }, e);
    resuming_ = false;
  }

  void transmit(NodeId from, NodeState& n, Send& send) {
    const std::uint64_t id = ++stats_.sends;
    const NodeRef ref{from, n.incarnation};
    const bool observed = !observers_.empty();
    // Routed before it is reported, so the send line can say how many copies will arrive.
    const Route route =
        network_.route(from, send.to, now_, network_.scripted() ? describe(send.message).kind : "");
    MessageInfo info;
    if (observed) {
      info = describe(send.message);
      info.id = id;
      info.copies = route.fate == Route::Fate::deliver ? route.copies : 0;
      for (Observer* o : observers_) o->on_send(step_, ref, send.to, info);
    }
    for (auto* o : message_observers_) o->on_send_message(step_, ref, send.to, send.message);
    if (route.fate != Route::Fate::deliver) {
      ++stats_.drops;
      const DropReason why = route.fate == Route::Fate::cut ? DropReason::cut : DropReason::loss;
      for (Observer* o : observers_) o->on_drop(step_, from, send.to, info, why);
      return;
    }
    if (route.copies == 2) {
      ++stats_.duplicates;
      queue_.push(route.arrival[1], Event{Arrival{from, send.to, send.message, id}});
    }
    queue_.push(route.arrival[0], Event{Arrival{from, send.to, std::move(send.message), id}});
  }

  // True if this step fires the node's crash_at trigger: a note of that kind, or a state
  // transfer or log truncation (moments "state_transfer" and "truncate").
  bool crash_moment(const NodeState& n, const Effects<Message>& fx) const {
    if (n.crash_at.empty()) return false;
    if (fx.transfer && n.crash_at == "state_transfer") return true;
    if (fx.truncation && n.crash_at == "truncate") return true;
    for (const Note& note : fx.notes) {
      if (std::string_view(note.kind) == n.crash_at) return true;
    }
    return false;
  }

  // The step ends in a crash (crash_at): its writes reach the disk only as unsynced writes
  // (which the crash loses, or tears), its sends and timers never happen, and its output is
  // reported, because it did happen before the node died.
  void apply_then_crash(NodeId node, Effects<Message>& fx) {
    NodeState& n = nodes_[node.value];
    const NodeRef ref{node, n.incarnation};
    if (fx.disk_rewrite) n.disk.rewrite();
    for (std::string& record : fx.disk_appends) n.disk.append(std::move(record));
    report_output(ref, fx);
    std::string moment = std::move(n.crash_at);
    n.crash_at.clear();
    report_fault({"crash", node.value, -1, 0, "at " + moment});
    crash(node);
  }

  void report_output(NodeRef ref, const Effects<Message>& fx) {
    stats_.deliveries += fx.deliveries.size();
    for (Observer* o : observers_) {
      for (const Delivery& d : fx.deliveries) o->on_deliver(step_, ref, d);
      for (const ClientReply& r : fx.replies) o->on_reply(step_, ref, r);
      for (const ViewInstall& v : fx.views) o->on_view(step_, ref, v);
      if (fx.transfer) o->on_state_transfer(step_, ref, *fx.transfer);
      if (fx.truncation) o->on_truncate(step_, ref, *fx.truncation);
      for (const Note& note : fx.notes) o->on_note(step_, ref, note);
    }
  }

  Nanos sync_latency(NodeState& n) {
    Nanos latency = disk_prng_.between(options_.disk.sync_min_ns, options_.disk.sync_max_ns);
    latency += options_.disk.write_ns * static_cast<Nanos>(n.unsynced_appends);
    n.unsynced_appends = 0;
    if (n.disk_slow_until > now_) latency *= slow_disk_factor;
    return latency;
  }

  void apply(NodeId node, Effects<Message>& fx) {
    NodeState& n = nodes_[node.value];
    RY_ASSERT(n.core);
    if (crash_moment(n, fx)) {
      apply_then_crash(node, fx);
      return;
    }
    const NodeRef ref{node, n.incarnation};
    // 1. Durable writes first.
    if (fx.disk_rewrite) n.disk.rewrite();
    n.unsynced_appends += fx.disk_appends.size();
    for (std::string& record : fx.disk_appends) n.disk.append(std::move(record));
    if (fx.disk_sync) {
      const std::uint64_t mark = n.disk.sync_mark();
      const Nanos latency = sync_latency(n);
      // A disk completes syncs in the order they were asked for.
      n.last_sync_at = std::max(n.last_sync_at, now_ + latency);
      queue_.push(n.last_sync_at, Event{SyncDone{node, n.incarnation, mark}});
      // 2a. Sends that depend on this sync wait for it.
      if (!fx.sends.empty()) n.held.push_back(HeldSends{mark, std::move(fx.sends)});
    } else {
      // 2b. Otherwise they leave now, in order.
      for (Send& send : fx.sends) transmit(node, n, send);
    }
    // 3. Timers.
    for (TimerId id : fx.timers_cancelled) cancel_timer(n, id);
    for (const TimerSet& t : fx.timers_set) {
      RY_ASSERT(t.after_ns >= 0);
      cancel_timer(n, t.id);
      const Time at = now_ + n.clock.global_duration(t.after_ns);
      n.timers.emplace_back(t.id, queue_.push(at, Event{TimerFire{node, n.incarnation, t.id}}));
    }
    // 4. Output, reported to the observers.
    report_output(ref, fx);
    report_status(n, ref);
  }

  // The node's status, if its core has one and it changed (protocol/common/status.hpp).
  void report_status(NodeState& n, NodeRef ref) {
    if constexpr (requires(const Core& c) { c.telemetry(); }) {
      if (observers_.empty()) return;
      const Status now = n.core->telemetry();
      if (n.status_known && now == n.status) return;
      n.status = now;
      n.status_known = true;
      for (Observer* o : observers_) o->on_status(step_, ref, now);
    }
  }

  void cancel_timer(NodeState& n, TimerId id) {
    for (auto it = n.timers.begin(); it != n.timers.end(); ++it) {
      if (it->first == id) {
        queue_.cancel(it->second);
        n.timers.erase(it);
        return;
      }
    }
  }

  WorldOptions options_;
  Config config_;
  Network network_;
  Prng disk_prng_;
  std::vector<NodeState> nodes_;
  EventQueue<Event> queue_;
  std::vector<std::unique_ptr<Fiber>> fibers_;
  std::vector<Observer*> observers_;
  std::vector<MessageObserver<Message>*> message_observers_;
  Effects<Message> fx_;
  WorldStats stats_;
  Step step_;
  Time now_;
  bool started_ = false;
  bool resuming_ = false;  // handling an event that waited out a pause
};

}  // namespace ry
