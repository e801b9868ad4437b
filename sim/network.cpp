#include "sim/network.hpp"

#include <algorithm>

#include "protocol/common/assert.hpp"

namespace ry {

Network::Network(std::uint32_t nodes, LinkModel model, std::uint64_t run_seed)
    : nodes_(nodes), model_(model), prng_(run_seed, Stream::network) {
  RY_ASSERT(nodes > 0);
  RY_ASSERT(model.latency_min_ns >= 0 && model.latency_min_ns <= model.latency_max_ns);
}

const LinkModel& Network::link_model(NodeId from, NodeId to) const {
  if (overrides_.empty()) return model_;
  auto it = overrides_.find(key(from, to));
  return it == overrides_.end() ? model_ : it->second;
}

void Network::set_link_model(NodeId from, NodeId to, LinkModel model) {
  RY_ASSERT(model.latency_min_ns >= 0 && model.latency_min_ns <= model.latency_max_ns);
  overrides_[key(from, to)] = model;
}

Time Network::clogged_until(std::uint64_t link, Time now) const {
  if (clogs_.empty()) return now;
  auto it = clogs_.find(link);
  return it == clogs_.end() ? now : std::max(now, it->second);
}

Time Network::draw_arrival(const LinkModel& m, std::uint64_t link, Time now, Time not_before) {
  Nanos latency = m.latency_min_ns == m.latency_max_ns
                      ? m.latency_min_ns
                      : prng_.between(m.latency_min_ns, m.latency_max_ns);
  if (m.spike_ppm != 0 && prng_.chance_ppm(m.spike_ppm)) latency += prng_.between(0, m.spike_ns);
  Time at = std::max(now + latency, not_before);
  if (m.fifo) {
    // Equal times keep send order: the event queue breaks ties by insertion sequence.
    Time& last = last_arrival_[link];
    at = std::max(at, last);
    last = at;
  }
  return at;
}

Route Network::route(NodeId from, NodeId to, Time now, std::string_view kind) {
  RY_ASSERT(from.value < nodes_ && to.value < nodes_);
  if (script_ != nullptr) script_->begin_send(from, to, kind, now.ns);
  Route r;
  if (!cuts_.empty() && cuts_.contains(key(from, to))) {
    r.fate = Route::Fate::cut;
    return r;
  }
  const LinkModel& m = link_model(from, to);
  bool lost = m.loss_ppm != 0 && prng_.chance_ppm(m.loss_ppm);
  if (script_ != nullptr) lost = script_->lost(lost);
  if (lost) {
    r.fate = Route::Fate::lost;
    return r;
  }
  const Time not_before = clogged_until(key(from, to), now);
  r.copies = 1;
  r.arrival[0] = draw_arrival(m, key(from, to), now, not_before);
  bool duplicated = m.duplicate_ppm != 0 && prng_.chance_ppm(m.duplicate_ppm);
  if (script_ != nullptr) duplicated = script_->duplicated(duplicated);
  if (duplicated) {
    r.copies = 2;
    r.arrival[1] = draw_arrival(m, key(from, to), now, not_before);
  }
  return r;
}

void Network::cut(NodeId from, NodeId to) {
  RY_ASSERT(from.value < nodes_ && to.value < nodes_);
  cuts_.insert(key(from, to));
}

void Network::heal(NodeId from, NodeId to) { cuts_.erase(key(from, to)); }

void Network::heal_all() { cuts_.clear(); }

bool Network::is_cut(NodeId from, NodeId to) const { return cuts_.contains(key(from, to)); }

void Network::clog(NodeId from, NodeId to, Time until) {
  RY_ASSERT(from.value < nodes_ && to.value < nodes_);
  Time& end = clogs_[key(from, to)];
  end = std::max(end, until);
}

void Network::unclog(NodeId from, NodeId to) { clogs_.erase(key(from, to)); }

void Network::unclog_all() { clogs_.clear(); }

bool Network::is_clogged(NodeId from, NodeId to, Time now) const {
  auto it = clogs_.find(key(from, to));
  return it != clogs_.end() && it->second > now;
}

}  // namespace ry
