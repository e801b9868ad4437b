// The simulated network: per-link latency (uniform between a minimum and a maximum, plus rare
// delay spikes), loss, duplication, reordering (unless a link is FIFO), cuts of arbitrary
// directed links, and clogs (a link's traffic held, then released in a burst). All draws come
// from the network stream of the run's seed.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/common/ids.hpp"
#include "protocol/common/prng.hpp"
#include "sim/network_script.hpp"

namespace ry {

struct LinkModel {
  Nanos latency_min_ns = 50 * us_ns;
  Nanos latency_max_ns = 50 * us_ns;
  std::uint32_t loss_ppm = 0;
  std::uint32_t duplicate_ppm = 0;
  std::uint32_t spike_ppm = 0;  // chance of a delay spike on one message
  Nanos spike_ns = 0;           // the spike adds up to this much latency
  bool fifo = false;            // if true, a link never reorders (its arrivals never overtake)
  friend bool operator==(const LinkModel&, const LinkModel&) = default;
};

// What the network does with one send: up to two copies, each with its arrival time.
struct Route {
  enum class Fate : std::uint8_t { deliver, lost, cut } fate = Fate::deliver;
  int copies = 0;
  Time arrival[2];
};

class Network {
 public:
  Network(std::uint32_t nodes, LinkModel model, std::uint64_t run_seed);

  // `kind` (the message's kind) is looked at only with a script (sim/network_script.hpp).
  Route route(NodeId from, NodeId to, Time now, std::string_view kind = {});

  // Losses and duplications are recorded by, or taken from, `script` (nullptr: seeded only).
  void set_script(NetworkScript* script) noexcept { script_ = script; }
  [[nodiscard]] bool scripted() const noexcept { return script_ != nullptr; }

  // Directed link cuts; a cut link loses everything sent on it until healed.
  void cut(NodeId from, NodeId to);
  void heal(NodeId from, NodeId to);
  void heal_all();
  [[nodiscard]] bool is_cut(NodeId from, NodeId to) const;
  [[nodiscard]] std::size_t cut_count() const noexcept { return cuts_.size(); }

  // Clogging: until `until`, a message sent from `from` to `to` arrives no earlier than `until`.
  // Held messages are released in a burst at `until`, in send order (they share one arrival time
  // and the event queue breaks ties by insertion order); one whose own latency takes it past
  // `until` arrives at its own time. Loss and duplication apply as usual. A second clog of a
  // clogged link extends it to the later time. Unclogging stops holding new sends; messages
  // already held still arrive at their release time.
  void clog(NodeId from, NodeId to, Time until);
  void unclog(NodeId from, NodeId to);
  void unclog_all();
  [[nodiscard]] bool is_clogged(NodeId from, NodeId to, Time now) const;
  // Clogs set and not yet unclogged (expired ones included until the next clog or unclog).
  [[nodiscard]] std::size_t clog_count() const noexcept { return clogs_.size(); }

  void set_model(LinkModel model) { model_ = model; }
  void set_link_model(NodeId from, NodeId to, LinkModel model);
  [[nodiscard]] const LinkModel& model() const noexcept { return model_; }
  [[nodiscard]] const LinkModel& link_model(NodeId from, NodeId to) const;
  [[nodiscard]] std::uint32_t nodes() const noexcept { return nodes_; }

 private:
  static std::uint64_t key(NodeId from, NodeId to) {
    return (std::uint64_t{from.value} << 32) | to.value;
  }
  Time draw_arrival(const LinkModel& m, std::uint64_t link, Time now, Time not_before);
  Time clogged_until(std::uint64_t link, Time now) const;

  std::uint32_t nodes_;
  LinkModel model_;
  Prng prng_;
  std::set<std::uint64_t> cuts_;
  std::map<std::uint64_t, LinkModel> overrides_;
  std::map<std::uint64_t, Time> last_arrival_;  // FIFO links only
  std::map<std::uint64_t, Time> clogs_;         // link -> end of its clog
  NetworkScript* script_ = nullptr;
};

}  // namespace ry
