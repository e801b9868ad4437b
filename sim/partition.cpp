#include "sim/partition.hpp"

#include <algorithm>

#include "protocol/common/assert.hpp"

namespace ry {

namespace {

using Link = std::pair<NodeId, NodeId>;

// A membership mask of `nodes` entries from a list of ids.
std::vector<bool> members(std::uint32_t nodes, const std::vector<NodeId>& ids) {
  std::vector<bool> in(nodes, false);
  for (NodeId id : ids) {
    RY_ASSERT(id.value < nodes);
    in[id.value] = true;
  }
  return in;
}

std::string set_text(const std::vector<bool>& in, bool value, std::int64_t skip = -1) {
  std::string out = "{";
  bool first = true;
  for (std::uint32_t i = 0; i < in.size(); ++i) {
    if (in[i] != value || static_cast<std::int64_t>(i) == skip) continue;
    if (!first) out += ',';
    out += std::to_string(i);
    first = false;
  }
  return out + "}";
}

void normalize(std::vector<Link>& cut) {
  std::sort(cut.begin(), cut.end());
  cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
}

// Every link from a node with from(i) to a node with to(j), i != j.
template <class From, class To>
std::vector<Link> links_between(std::uint32_t nodes, From from, To to) {
  std::vector<Link> cut;
  for (std::uint32_t i = 0; i < nodes; ++i) {
    if (!from(i)) continue;
    for (std::uint32_t j = 0; j < nodes; ++j) {
      if (i != j && to(j)) cut.emplace_back(NodeId{i}, NodeId{j});
    }
  }
  return cut;
}

}  // namespace

std::string Partition::describe() const {
  if (!label.empty()) return label;
  std::string out = "links";
  char sep = ' ';
  for (const auto& link : cut) {
    out += sep;
    out += std::to_string(link.first.value) + "->" + std::to_string(link.second.value);
    sep = ',';
  }
  return out;
}

bool Partition::cuts(NodeId from, NodeId to) const {
  return std::binary_search(cut.begin(), cut.end(), Link{from, to});
}

Partition isolate(std::uint32_t nodes, NodeId node) {
  RY_ASSERT(node.value < nodes);
  Partition p;
  p.shape = "isolate";
  p.label = std::to_string(node.value) + "|rest";
  p.cut = links_between(
      nodes, [&](std::uint32_t i) { return i == node.value; },
      [&](std::uint32_t j) { return j != node.value; });
  auto back = links_between(
      nodes, [&](std::uint32_t i) { return i != node.value; },
      [&](std::uint32_t j) { return j == node.value; });
  p.cut.insert(p.cut.end(), back.begin(), back.end());
  normalize(p.cut);
  return p;
}

Partition split(std::uint32_t nodes, const std::vector<NodeId>& side) {
  const std::vector<bool> in = members(nodes, side);
  Partition p;
  p.shape = "split";
  p.label = set_text(in, true) + "|" + set_text(in, false);
  p.cut = links_between(
      nodes, [](std::uint32_t) { return true; }, [](std::uint32_t) { return true; });
  std::erase_if(p.cut, [&](const Link& l) { return in[l.first.value] == in[l.second.value]; });
  normalize(p.cut);
  return p;
}

Partition ring_cut(std::uint32_t nodes, NodeId at) {
  RY_ASSERT(at.value < nodes);
  const NodeId next{(at.value + 1) % nodes};
  Partition p;
  p.shape = "ring_cut";
  p.label = "ring " + std::to_string(at.value) + "-" + std::to_string(next.value);
  if (next != at) p.cut = {{at, next}, {next, at}};
  normalize(p.cut);
  return p;
}

Partition bridge(std::uint32_t nodes, const std::vector<NodeId>& side, NodeId bridge) {
  RY_ASSERT(bridge.value < nodes);
  std::vector<bool> in = members(nodes, side);
  in[bridge.value] = false;
  const auto b = static_cast<std::int64_t>(bridge.value);
  Partition p;
  p.shape = "bridge";
  p.label = "bridge " + std::to_string(bridge.value) + ": " + set_text(in, true) + "|" +
            set_text(in, false, b);
  p.cut = links_between(
      nodes, [&](std::uint32_t i) { return i != bridge.value; },
      [&](std::uint32_t j) { return j != bridge.value; });
  std::erase_if(p.cut, [&](const Link& l) { return in[l.first.value] == in[l.second.value]; });
  normalize(p.cut);
  return p;
}

Partition one_way(std::uint32_t nodes, const std::vector<NodeId>& from_side) {
  const std::vector<bool> in = members(nodes, from_side);
  Partition p;
  p.shape = "one_way";
  p.label = set_text(in, true) + "->" + set_text(in, false);
  p.cut = links_between(
      nodes, [&](std::uint32_t i) { return in[i]; }, [&](std::uint32_t j) { return !in[j]; });
  normalize(p.cut);
  return p;
}

Partition links(std::uint32_t nodes, std::vector<std::pair<NodeId, NodeId>> directed) {
  for (const auto& link : directed)
    RY_ASSERT(link.first.value < nodes && link.second.value < nodes);
  Partition p;
  p.shape = "links";
  p.cut = std::move(directed);
  normalize(p.cut);
  return p;
}

}  // namespace ry
