#include "tools/engine/protocol_descriptor.hpp"

#include <algorithm>
#include <charconv>

namespace ry {

namespace {
template <class Items>
bool named(const Items& items, std::string_view name) {
  return std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.name == name; });
}
}  // namespace

std::string ParamSpec::text(std::int64_t value) const {
  if (boolean) return value != 0 ? "true" : "false";
  if (!choices.empty() && value >= 0 && static_cast<std::size_t>(value) < choices.size()) {
    return std::string(choices[static_cast<std::size_t>(value)]);
  }
  return std::to_string(value);
}

std::optional<std::int64_t> ParamSpec::parse(std::string_view word) const {
  if (boolean) {
    if (word == "true") return 1;
    if (word == "false") return 0;
    return std::nullopt;
  }
  if (!choices.empty()) {
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (choices[i] == word) return static_cast<std::int64_t>(i);
    }
    return std::nullopt;
  }
  std::int64_t value = 0;
  const char* end = word.data() + word.size();
  const auto [ptr, ec] = std::from_chars(word.data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

const ParamSpec* ProtocolDescriptor::param(std::string_view key) const {
  for (const ParamSpec& p : params) {
    if (p.key == key) return &p;
  }
  return nullptr;
}
bool ProtocolDescriptor::has_bug(std::string_view bug) const { return named(bugs, bug); }
bool ProtocolDescriptor::has_mode(std::string_view mode) const { return named(modes, mode); }
bool ProtocolDescriptor::has_workload(std::string_view workload) const {
  return named(workloads, workload);
}

const ProtocolDescriptor* find_protocol(std::string_view name) {
  for (const ProtocolDescriptor* p : protocols()) {
    if (p->name == name) return p;
  }
  return nullptr;
}

std::string protocol_names() {
  std::string out;
  const auto all = protocols();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) out += i + 1 == all.size() ? " or " : ", ";
    out += all[i]->name;
  }
  return out;
}

}  // namespace ry
