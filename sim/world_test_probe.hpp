// The World's test probe (shared by world_test.cpp and world_faults_test.cpp): a scriptable core
// whose client requests are commands ("append x; sync; send 1 7") so each test can make one node
// do exactly the effects it needs, and a Recorder observer that keeps every event with its time.
#pragma once

#include <charconv>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/hash.hpp"
#include "sim/world.hpp"

namespace ry::world_test {

struct Ping {
  std::uint64_t n = 0;
};
using Message = std::variant<Ping>;

inline MessageInfo describe(const Message& message) noexcept {
  MessageInfo info;
  info.kind = "ping";
  info.add("n", static_cast<std::int64_t>(std::get<Ping>(message).n));
  info.digest = hash_u64(fnv_offset, std::get<Ping>(message).n);
  return info;
}

// What a probe saw, in its own (local) time.
struct Seen {
  std::string what;  // "recv", "timer", "synced", "start"
  std::uint64_t value = 0;
  Nanos local_ns = 0;
  friend bool operator==(const Seen&, const Seen&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Seen& s) {
    return os << s.what << "(" << s.value << ")@" << s.local_ns;
  }
};

class Probe {
 public:
  struct Config {
    Nanos start_timer_ns = 0;  // if > 0, every node sets timer 99 on start
  };
  using Message = world_test::Message;

  Probe(const Config& config, NodeId self, std::uint64_t seed, const Recovery& recovery)
      : config_(config),
        self_(self),
        seed_(seed),
        recovered_(recovery.records),
        incarnation_(recovery.incarnation) {}

  void on_start(Time now, Effects<Message>& fx) noexcept {
    seen_.push_back({"start", 0, now.ns});
    if (config_.start_timer_ns > 0) fx.set_timer(TimerId{99}, config_.start_timer_ns);
  }
  // Pings 1000 + id cancel timer id; pings 2000 + id re-arm it for 1 ms. Ping 3000 + k is a
  // "protocol moment": the node appends and syncs a record, delivers (from, k), notes
  // "issuer_delivered", sends ping k back and sets timer 77, all in one step.
  void on_message(NodeId from, const Message& m, Time now, Effects<Message>& fx) noexcept {
    const std::uint64_t n = std::get<Ping>(m).n;
    seen_.push_back({"recv", n, now.ns});
    if (n >= 3000) {
      fx.disk_appends.emplace_back("moment");
      fx.disk_sync = true;
      fx.deliver(MsgId{from, n - 3000}, n);
      fx.note("issuer_delivered", static_cast<std::int64_t>(n - 3000));
      fx.send(from, Ping{n - 3000});
      fx.set_timer(TimerId{77}, ms_ns);
    } else if (n >= 2000) {
      fx.set_timer(TimerId{n - 2000}, ms_ns);
    } else if (n >= 1000) {
      fx.cancel_timer(TimerId{n - 1000});
    }
  }
  void on_timer(TimerId id, Time now, Effects<Message>&) noexcept {
    seen_.push_back({"timer", id.value, now.ns});
  }
  void on_disk_synced(Time now, Effects<Message>&) noexcept {
    seen_.push_back({"synced", 0, now.ns});
  }
  void on_client(const ClientRequest& request, Time, Effects<Message>& fx) noexcept {
    ++clients_;
    run_script(request.data, fx);
  }
  [[nodiscard]] std::uint64_t state_digest() const noexcept {
    std::uint64_t h = hash_u64(fnv_offset, self_.value);
    h = hash_u64(h, clients_);
    return hash_u64(h, seen_.size());
  }

  [[nodiscard]] const std::vector<Seen>& seen() const { return seen_; }
  [[nodiscard]] std::vector<std::uint64_t> received() const {
    std::vector<std::uint64_t> out;
    for (const Seen& s : seen_) {
      if (s.what == "recv") out.push_back(s.value);
    }
    return out;
  }
  [[nodiscard]] const std::vector<std::string>& recovered() const { return recovered_; }
  [[nodiscard]] std::uint32_t incarnation() const { return incarnation_; }
  [[nodiscard]] std::uint64_t clients() const { return clients_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }

 private:
  static std::uint64_t number(std::string_view s) {
    std::uint64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  static std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
      const auto at = s.find(sep);
      std::string_view part = s.substr(0, at);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      if (!part.empty()) out.push_back(part);
      if (at == std::string_view::npos) break;
      s.remove_prefix(at + 1);
    }
    return out;
  }
  void run_script(std::string_view script, Effects<Message>& fx) {
    for (std::string_view command : split(script, ';')) {
      const auto w = split(command, ' ');
      if (w[0] == "send") {
        fx.send(NodeId{static_cast<std::uint32_t>(number(w[1]))}, Ping{number(w[2])});
      } else if (w[0] == "timer") {
        fx.set_timer(TimerId{number(w[1])}, static_cast<Nanos>(number(w[2])));
      } else if (w[0] == "cancel") {
        fx.cancel_timer(TimerId{number(w[1])});
      } else if (w[0] == "append") {
        fx.disk_appends.emplace_back(w[1]);
      } else if (w[0] == "rewrite") {
        fx.disk_rewrite = true;
      } else if (w[0] == "sync") {
        fx.disk_sync = true;
      } else if (w[0] == "note") {
        fx.note(w[1] == "recycled" ? "recycled" : "other");
      } else if (w[0] == "deliver") {
        fx.deliver(MsgId{self_, number(w[1])}, number(w[1]));
      } else {
        RY_ASSERT(false);
      }
    }
  }

  Config config_;
  NodeId self_;
  std::uint64_t seed_;
  std::vector<std::string> recovered_;
  std::uint32_t incarnation_;
  std::uint64_t clients_ = 0;
  std::vector<Seen> seen_;
};
static_assert(ProtocolCore<Probe>);

// One line per observed event, with global time: the run's fingerprint.
class Recorder final : public Observer {
 public:
  struct Event {
    std::string kind;
    std::int64_t node = -1;
    std::int64_t peer = -1;
    std::int64_t value = 0;
    Nanos t = 0;
    std::uint64_t step = 0;
    std::string detail;
  };

  void on_send(const Step& s, NodeRef from, NodeId to, const MessageInfo& m) override {
    add(s, "send", from.id.value, to.value, m.fields[0].value);
  }
  void on_receive(const Step& s, NodeRef to, NodeId from, const MessageInfo& m) override {
    add(s, "recv", to.id.value, from.value, m.fields[0].value);
  }
  void on_drop(const Step& s, NodeId from, NodeId to, const MessageInfo& m,
               DropReason why) override {
    add(s, std::string("drop:") + std::string(to_string(why)), from.value, to.value,
        m.fields[0].value);
  }
  void on_timer(const Step& s, NodeRef n, TimerId id) override {
    add(s, "timer", n.id.value, n.incarnation, static_cast<std::int64_t>(id.value));
  }
  void on_deliver(const Step& s, NodeRef n, const Delivery& d) override {
    add(s, "deliver", n.id.value, n.incarnation, static_cast<std::int64_t>(d.id.seq));
  }
  void on_note(const Step& s, NodeRef n, const Note& note) override {
    add(s, std::string("note:") + note.kind, n.id.value, n.incarnation, note.a);
  }
  void on_crash(const Step& s, NodeRef n) override {
    add(s, "crash", n.id.value, n.incarnation, 0);
  }
  void on_restart(const Step& s, NodeRef n) override {
    add(s, "restart", n.id.value, n.incarnation, 0);
  }
  void on_fault(const Step& s, const FaultInfo& f) override {
    add(s, std::string("fault:") + f.kind, f.node, f.peer, f.value);
    events.back().detail = f.detail;
  }

  [[nodiscard]] std::vector<Event> of(std::string_view kind) const {
    std::vector<Event> out;
    for (const Event& e : events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  [[nodiscard]] std::string text() const {
    std::string out;
    for (const Event& e : events) {
      out += std::to_string(e.step) + " " + std::to_string(e.t) + " " + e.kind + " " +
             std::to_string(e.node) + " " + std::to_string(e.peer) + " " + std::to_string(e.value) +
             "\n";
    }
    return out;
  }

  std::vector<Event> events;

 private:
  void add(const Step& s, std::string kind, std::int64_t node, std::int64_t peer,
           std::int64_t value) {
    events.push_back({std::move(kind), node, peer, value, s.time.ns, s.index, {}});
  }
};

constexpr NodeId n0{0};
constexpr NodeId n1{1};
constexpr NodeId n2{2};

inline WorldOptions quiet_options(std::uint32_t nodes = 2) {
  WorldOptions o;
  o.nodes = nodes;
  o.seed = 7;
  o.link.latency_min_ns = 50 * us_ns;
  o.link.latency_max_ns = 50 * us_ns;
  o.disk.sync_min_ns = 200 * us_ns;
  o.disk.sync_max_ns = 200 * us_ns;
  return o;
}

using ProbeWorld = World<Probe>;

inline void run_to(ProbeWorld& w, Time t) {
  w.run_until(t, [] { return false; });
}

inline bool command(ProbeWorld& w, NodeId node, std::string script) {
  static std::uint64_t seq = 0;
  return w.client_request(node,
                          ClientRequest{RequestId{ClientId{node.value}, ++seq}, std::move(script)});
}

}  // namespace ry::world_test
