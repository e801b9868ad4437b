#include "sim/clients.hpp"

#include <string>

namespace ry {

namespace {

// Think time of a kv client and spacing of a broadcast client: half the mean plus a uniform draw
// up to the mean, as the broadcast workload always drew it.
Nanos jittered(Prng& prng, Nanos mean) { return mean / 2 + prng.between(0, mean); }

// Index 2 of the workload stream: the broadcast clients draw from index 0 and TRAINS's issuer
// stagger from index 1.
constexpr std::uint64_t kv_stream_index = 2;

}  // namespace

Clients::Clients(Cluster& cluster, ClientOptions options)
    : cluster_(cluster),
      options_(options),
      prng_(cluster.seed(), Stream::workload,
            options.kind == WorkloadKind::kv ? kv_stream_index : 0) {
  RY_ASSERT(options_.interval_ns > 0 && options_.clients > 0);
  RY_ASSERT(options_.timeout_ns > 0 && options_.attempts_max > 0 && options_.keys > 0);
  // The broadcast workload names payloads (client, seq) and hands client c's to node c only.
  RY_ASSERT(options_.kind != WorkloadKind::broadcast || options_.clients <= cluster.node_count());
  open_.resize(options_.clients);
}

void Clients::start() {
  for (std::uint32_t c = 0; c < options_.clients; ++c) {
    const ClientId client{c};
    if (options_.kind == WorkloadKind::broadcast) {
      cluster_.spawn([this, client](Fiber& fiber) { broadcast_client(fiber, client); });
    } else {
      cluster_.spawn([this, client](Fiber& fiber) { kv_client(fiber, client); });
    }
  }
}

Clients::Open* Clients::find(RequestId id) {
  if (id.client.value >= open_.size()) return nullptr;
  Open& open = open_[id.client.value];
  return open.id == id && open.id.seq != 0 ? &open : nullptr;
}

void Clients::invoke(Open& open) {
  ++stats_.invoked;
  HistoryEvent e;
  e.index = history_index_++;
  e.type = HistoryType::invoke;
  e.request = open.id;
  e.op = &open.op;
  e.node = open.node;
  cluster_.report_history(e);
}

void Clients::complete(Open& open, HistoryType type, std::string_view output,
                       std::uint64_t applied) {
  switch (type) {
    case HistoryType::ok: ++stats_.ok; break;
    case HistoryType::fail: ++stats_.fail; break;
    case HistoryType::info: ++stats_.info; break;
    case HistoryType::invoke: RY_ASSERT(false); break;
  }
  HistoryEvent e;
  e.index = history_index_++;
  e.type = type;
  e.request = open.id;
  e.op = &open.op;
  e.output = output;
  e.node = open.node;
  e.applied = applied;
  cluster_.report_history(e);
  open.id.seq = 0;  // the slot is free
  open.fiber = nullptr;
}

void Clients::finish() {
  for (Open& open : open_) {
    if (open.id.seq != 0) complete(open, HistoryType::info, {}, 0);
  }
}

void Clients::on_reply(const Step&, NodeRef node, const ClientReply& reply) {
  Open* open = find(reply.id);
  if (open == nullptr || node.id != open->node) return;  // a late answer to an earlier attempt
  if (options_.kind == WorkloadKind::broadcast) {
    // The node's answer is the outcome: queued for ordering, or turned away.
    if (reply.status == ReplyStatus::accepted || reply.status == ReplyStatus::delivered) {
      complete(*open, HistoryType::ok, {}, 0);
    } else if (reply.status == ReplyStatus::rejected) {
      complete(*open, HistoryType::fail, "rejected", 0);
    }
    return;
  }
  if (reply.status == ReplyStatus::accepted) {
    open->maybe_applied = true;  // queued for ordering: it may take effect from now on
    return;
  }
  open->replied = true;
  open->reply = reply;
  if (open->fiber != nullptr) open->fiber->notify();
}

void Clients::broadcast_client(Fiber& fiber, ClientId client) {
  const NodeId node{client.value};
  std::uint64_t seq = 0;
  Open& open = open_[client.value];
  while (fiber.sleep(jittered(prng_, options_.interval_ns))) {
    if (stopped_) return;
    // An earlier broadcast the node never answered: nobody will know whether it was queued.
    if (open.id.seq != 0) complete(open, HistoryType::info, {}, 0);
    ++seq;
    std::string data(options_.payload_bytes, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) {
      data[i] = static_cast<char>('a' + (seq + i + node.value) % 26);
    }
    open.id = RequestId{client, seq};
    open.op = Operation{OpKind::broadcast, {}, std::move(data), {}};
    open.node = node;
    invoke(open);
    if (!cluster_.client_request(node, ClientRequest{open.id, open.op.value})) {
      ++stats_.node_down;
      complete(open, HistoryType::fail, "node down", 0);
    }
  }
}

Operation Clients::draw_operation(ClientId client, std::uint64_t seq,
                                  const std::vector<std::string>& seen, std::uint32_t& key_index) {
  Operation op;
  const auto key = prng_.below(options_.keys);
  key_index = static_cast<std::uint32_t>(key);
  op.key = "k" + std::to_string(key);
  // Every written value is distinct, which keeps linearizability checking near-linear.
  const std::string fresh = std::to_string(client.value) + "." + std::to_string(seq);
  const auto pick = prng_.below(100);
  if (pick < 40) {
    op.f = OpKind::get;
  } else if (pick < 65) {
    op.f = OpKind::put;
    op.value = fresh;
  } else if (pick < 85) {
    op.f = OpKind::append;
    op.value = "," + fresh;
  } else {
    op.f = OpKind::cas;
    op.expected = seen[key];  // what this client last saw there: it often still holds
    op.value = fresh;
  }
  return op;
}

void Clients::kv_client(Fiber& fiber, ClientId client) {
  Open& open = open_[client.value];
  NodeId node{client.value % cluster_.node_count()};
  std::vector<std::string> seen(options_.keys);  // last value this client saw per key
  std::uint64_t seq = 0;
  while (fiber.sleep(jittered(prng_, options_.interval_ns))) {
    if (stopped_) return;
    ++seq;
    open.id = RequestId{client, seq};
    open.op = draw_operation(client, seq, seen, open.key_index);
    open.node = node;
    open.maybe_applied = false;
    invoke(open);
    bool done = false;
    const std::string data = encode(open.op);
    for (std::uint32_t attempt = 0; attempt < options_.attempts_max && !done; ++attempt) {
      if (attempt > 0) ++stats_.retries;
      open.node = node;
      open.replied = false;
      if (!cluster_.client_request(node, ClientRequest{open.id, data})) {
        ++stats_.node_down;  // never got there: try the next node
        node = next_node(node);
        continue;
      }
      if (!open.replied) {
        open.fiber = &fiber;
        const bool go_on = fiber.wait_for(options_.timeout_ns);
        open.fiber = nullptr;
        if (!go_on) break;  // the run is ending; finish() closes the operation as info
      }
      if (!open.replied) {  // timed out: it may still take effect
        open.maybe_applied = true;
        node = next_node(node);
        continue;
      }
      const ClientReply& r = open.reply;
      if (r.status == ReplyStatus::ok) {
        if (open.op.f == OpKind::get) seen[open.key_index] = r.value;
        if (open.op.f == OpKind::put || open.op.f == OpKind::cas) {
          seen[open.key_index] = open.op.value;
        }
        complete(open, HistoryType::ok, r.value, r.position);
        done = true;
      } else if (r.status == ReplyStatus::fail) {
        // The state machine's own answer (a cas that did not match), the same for every retry
        // of this request id: definite.
        complete(open, HistoryType::fail, r.value, 0);
        done = true;
      } else {
        // not_leader or rejected: this node did not queue it. Try the hinted node at once, or,
        // with no hint (an election under way), the next node after a think time.
        if (r.leader_hint) {
          node = *r.leader_hint;
        } else {
          node = next_node(node);
          if (!fiber.sleep(jittered(prng_, options_.interval_ns))) return;
        }
      }
    }
    if (!done && open.id.seq != 0) {
      if (fiber.stopping()) return;  // finish() will close it
      complete(open, open.maybe_applied ? HistoryType::info : HistoryType::fail,
               open.maybe_applied ? "" : "no node took it", 0);
    }
  }
}

}  // namespace ry
