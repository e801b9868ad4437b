#include "invariants/progress/progress_checker.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ry {

namespace {
constexpr std::int64_t never = std::int64_t{1} << 60;  // far beyond any run, and no overflow

std::string ms(Nanos ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
  return buf;
}
}  // namespace

Time ProgressChecker::recovered() const {
  if (cuts_ > 0 || partition_) return Time{never};  // a link fault holds: not quiet
  const Time bound = quiet_ + bounds_.recovery_max_ns;
  if (!settled_) return bound;
  return std::min(bound, std::max(quiet_ + bounds_.detect_ns, settled_since_));
}

void ProgressChecker::update_settled(Time now) {
  const bool settled = bounds_.settled != nullptr && bounds_.settled(status_, up_);
  if (settled && !settled_) settled_since_ = now;
  settled_ = settled;
}

void ProgressChecker::on_client(const Step& step, NodeRef node, const ClientRequest& request) {
  if (stopped_) return;
  ++checks_;
  const MsgId id = payload_id(request.id);
  // A retry (at this node or another) starts the request's clock afresh: the client gave up on
  // the first attempt, which may never be answered.
  if (auto it = pending_.find(id); it != pending_.end()) {
    by_age_.erase({it->second.accepted, id});
    pending_.erase(it);
  }
  pending_.emplace(id, Pending{node, step.time, request.id});
  by_age_.emplace(step.time, id);
}

void ProgressChecker::on_reply(const Step& step, NodeRef, const ClientReply& reply) {
  if (stopped_ || reply.status == ReplyStatus::accepted) return;
  complete(step.time, payload_id(reply.id));
}

void ProgressChecker::on_deliver(const Step& step, NodeRef, const Delivery& delivery) {
  if (stopped_) return;
  complete(step.time, delivery.id);
}

void ProgressChecker::complete(Time now, MsgId id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  ++checks_;
  ++completed_;
  worst_ns_ = std::max(worst_ns_, now - std::max(it->second.accepted, recovered()));
  by_age_.erase({it->second.accepted, id});
  pending_.erase(it);
}

// What a crashed incarnation accepted is gone with it (TRAINS keeps no durable client queue; a
// kv client retries elsewhere): no longer owed. A walk over the pending requests, at a crash only.
void ProgressChecker::on_crash(const Step& step, NodeRef node) {
  if (stopped_) return;
  if (bounds_.crash_stops) {
    stop();
    return;
  }
  up_[node.id.value] = 0;
  status_[node.id.value] = Status{};
  update_settled(step.time);
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.node.id == node.id) {
      by_age_.erase({it->second.accepted, it->first});
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

void ProgressChecker::on_restart(const Step& step, NodeRef node) {
  if (stopped_) return;
  up_[node.id.value] = 1;
  update_settled(step.time);
}

void ProgressChecker::on_status(const Step& step, NodeRef node, const Status& status) {
  if (stopped_) return;
  status_[node.id.value] = status;
  update_settled(step.time);
}

void ProgressChecker::on_fault(const Step& step, const FaultInfo& fault) {
  if (stopped_) return;
  if (bounds_.light_faults) {
    for (const char* light : {"clock_drift", "disk_torn", "disk_corrupt", "disk_misdirect"}) {
      if (std::strcmp(fault.kind, light) == 0) return;
    }
  }
  // A pause, a clog and a slow disk last `value` ns and no event ends them; every other fault
  // either is instantaneous (a clock jump) or ends with its own heal or restart event.
  if (std::strcmp(fault.kind, "cut") == 0) ++cuts_;
  if (std::strcmp(fault.kind, "partition") == 0) partition_ = true;
  if (std::strcmp(fault.kind, "heal") == 0) {
    if (fault.node >= 0) {
      cuts_ = std::max<std::int64_t>(cuts_ - 1, 0);  // one link's cut
    } else {
      partition_ = false;
    }
  }
  if (std::strcmp(fault.kind, "heal_all") == 0) {
    cuts_ = 0;
    partition_ = false;
  }
  Time end = step.time;
  if (std::strcmp(fault.kind, "pause") == 0 || std::strcmp(fault.kind, "clog") == 0 ||
      std::strcmp(fault.kind, "disk_slow") == 0) {
    end = step.time + std::max<std::int64_t>(fault.value, 0);
  }
  quiet_ = std::max(quiet_, end);
}

void ProgressChecker::after_step(const Step& step) {
  if (stopped_ || by_age_.empty()) return;
  ++checks_;
  const auto& [accepted, id] = *by_age_.begin();
  const Time from = std::max(accepted, recovered());
  if (from.ns >= never) return;
  const Time deadline = from + bounds_.latency_ns;
  if (step.time <= deadline) return;
  const Pending& p = pending_.at(id);
  std::string detail =
      "request c" + std::to_string(p.request.client.value) + "#" + std::to_string(p.request.seq) +
      " accepted by node " + std::to_string(p.node.id.value) + " at " + ms(accepted.ns) +
      " pending at " + ms(step.time.ns) + ": over the " + ms(bounds_.latency_ns) +
      " latency bound from " + ms(from.ns) + " (last fault " + ms(quiet_.ns) +
      (settled_ ? ", settled since " + ms(settled_since_.ns) + ")" : std::string(", not settled)"));
  // The stalled node's own account first: a soak keeps only the detail's first 400 characters.
  if (explain_) {
    const std::string why = explain_(p.node.id);
    if (!why.empty()) detail += "; " + why;
  }
  detail += "; bounds: " + bounds_.derivation;
  verdict_.violate(std::string(name()), step.index, {p.node.id}, std::move(detail));
}

}  // namespace ry
