#include "sim/network_script.hpp"

namespace ry {

std::string_view fate_name(LinkDecision::Fate fate) {
  return fate == LinkDecision::Fate::lost ? "lost" : "duplicated";
}

std::string describe(const Divergence& d) {
  std::string frac = std::to_string(d.at_ns % ms_ns);
  return std::to_string(d.at_ns / ms_ns) + "." + std::string(6 - frac.size(), '0') + frac +
         " ms: send " + std::to_string(d.send) + " on " + std::to_string(d.from) + "->" +
         std::to_string(d.to) + " is a '" + d.kind + "', the schedule has a '" + d.recorded_kind +
         "' there";
}

NetworkScript::NetworkScript(const std::vector<LinkDecision>& decisions) : replay_(true) {
  for (const LinkDecision& d : decisions) script_.emplace(Key{d.from, d.to, d.send}, d);
}

void NetworkScript::begin_send(NodeId from, NodeId to, std::string_view kind, Nanos now_ns) {
  current_ = LinkDecision{now_ns,
                          from.value,
                          to.value,
                          ++sends_[{from.value, to.value}],
                          std::string(kind),
                          LinkDecision::Fate::lost};
  scripted_ = nullptr;
  if (!replaying()) return;
  auto it = script_.find(Key{from.value, to.value, current_.send});
  if (it == script_.end()) return;
  if (it->second.kind != kind) {
    left_ =
        Divergence{now_ns, from.value, to.value, current_.send, it->second.kind, std::string(kind)};
    return;
  }
  scripted_ = &it->second;
}

bool NetworkScript::decide(LinkDecision::Fate fate, bool drawn) {
  const bool happens = replaying() ? scripted_ != nullptr && scripted_->fate == fate : drawn;
  if (happens) {
    record_.push_back(current_);
    record_.back().fate = fate;
  }
  return happens;
}

bool NetworkScript::lost(bool drawn) { return decide(LinkDecision::Fate::lost, drawn); }

bool NetworkScript::duplicated(bool drawn) { return decide(LinkDecision::Fate::duplicated, drawn); }

}  // namespace ry
