#include "tools/protocols/trains/reference_check.hpp"

#include <cstdio>
#include <utility>

namespace ry::trains {

namespace {
std::string id_text(MsgId id) {
  return "(" + std::to_string(id.sender.value) + "," + std::to_string(id.seq) + ")";
}
std::string ms(Time t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(t.ns) / 1e6);
  return buf;
}
}  // namespace

ReferenceCheck::ReferenceCheck(Verdict& verdict, const Config& config)
    : Checker(verdict), config_(config) {
  nodes_.reserve(config.nodes);
  for (std::uint32_t i = 0; i < config.nodes; ++i) {
    nodes_.push_back(PerNode{Reference(config, NodeId{i}),
                             Links<Message>(config.nodes, config.link_retransmit_ns,
                                            config.link_fifo, Core::link_timer_base),
                             {},
                             {},
                             0});
  }
  // Issuers that start at time zero create their first train in on_start; the later ones when
  // their start timer fires (on_timer).
  for (std::uint32_t i = 0; i < config.trains && i < config.nodes; ++i) {
    if (config.issuer_start(i) != 0) continue;
    ReferenceOutput out;
    nodes_[i].ref.start_issuer(out);
    take(nodes_[i], out);
  }
}

void ReferenceCheck::take(PerNode& n, const ReferenceOutput& out) {
  for (const Delivery& d : out.deliveries) n.spec.push_back(d.id);
}

void ReferenceCheck::disarm(const Step& step, std::string why) {
  if (!armed_) return;
  armed_ = false;
  disarmed_ = why + " at " + ms(step.time);
  for (PerNode& n : nodes_) {
    n.core.clear();
    n.spec.clear();
  }
}

void ReferenceCheck::on_client(const Step&, NodeRef node, const ClientRequest& request) {
  if (!armed_) return;
  ReferenceOutput out;
  nodes_[node.id.value].ref.broadcast(request, out);
  take(nodes_[node.id.value], out);
}

void ReferenceCheck::on_timer(const Step&, NodeRef node, TimerId timer) {
  if (!armed_ || timer != Core::issuer_start_timer) return;
  ReferenceOutput out;
  nodes_[node.id.value].ref.start_issuer(out);
  take(nodes_[node.id.value], out);
}

void ReferenceCheck::on_deliver(const Step&, NodeRef node, const Delivery& delivery) {
  if (armed_) nodes_[node.id.value].core.push_back(delivery.id);
}

void ReferenceCheck::on_receive_message(const Step&, NodeRef to, NodeId from,
                                        const Message& message) {
  if (!armed_ || !std::holds_alternative<Train>(message)) return;
  PerNode& n = nodes_[to.id.value];
  Effects<Message> ignored;  // the mirror's acks: the core sent its own
  n.mirror.receive(from, message, ignored, [&](Message&& handed) {
    ReferenceOutput out;
    n.ref.on_train(std::get<Train>(std::move(handed)), out);
    take(n, out);
  });
}

void ReferenceCheck::on_view(const Step& step, NodeRef node, const ViewInstall& view) {
  if (view.view.value == 0) return;  // every node installs the initial view at start
  disarm(step, "node " + std::to_string(node.id.value) + " installed a view");
}
void ReferenceCheck::on_state_transfer(const Step& step, NodeRef node, const StateTransfer&) {
  disarm(step, "state transfer to node " + std::to_string(node.id.value));
}
void ReferenceCheck::on_truncate(const Step& step, NodeRef node, const LogTruncation&) {
  disarm(step, "log truncation at node " + std::to_string(node.id.value));
}
void ReferenceCheck::on_crash(const Step& step, NodeRef node) {
  disarm(step, "node " + std::to_string(node.id.value) + " crashed");
}
void ReferenceCheck::on_restart(const Step& step, NodeRef node) {
  disarm(step, "node " + std::to_string(node.id.value) + " restarted");
}
// The core's telemetry (core.hpp): view, members, frozen, out. Anything but the initial view,
// unfrozen and in, is membership the reference does not model.
void ReferenceCheck::on_status(const Step& step, NodeRef node, const Status& status) {
  if (!armed_) return;
  for (std::size_t i = 0; i < status.size; ++i) {
    const StatusField& f = status.fields[i];
    if ((f.name == "view" || f.name == "frozen" || f.name == "out") && f.value != 0) {
      disarm(step, "node " + std::to_string(node.id.value) + " left the initial ring (" +
                       std::string(f.name) + ")");
      return;
    }
  }
}

void ReferenceCheck::after_step(const Step& step) {
  if (!armed_) return;
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    PerNode& n = nodes_[i];
    while (!n.core.empty() && !n.spec.empty()) {
      ++checks_;
      ++compared_;
      ++n.position;
      if (n.core.front() != n.spec.front()) {
        verdict_.violate(std::string(name()), step.index, {NodeId{i}},
                         "node " + std::to_string(i) + " delivered " + id_text(n.core.front()) +
                             " at position " + std::to_string(n.position) +
                             " where the reference (the specification's naive TRAINS) delivers " +
                             id_text(n.spec.front()));
        return;
      }
      n.core.pop_front();
      n.spec.pop_front();
    }
  }
}

std::string ReferenceCheck::describe() const {
  return std::to_string(compared_) + " deliveries compared with the reference, " +
         (armed_ ? std::string("to the end") : "stopped: " + disarmed_);
}

}  // namespace ry::trains
