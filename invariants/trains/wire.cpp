#include "invariants/trains/wire.hpp"

#include <string_view>

#include "protocol/common/hash.hpp"

namespace ry::trains {

std::optional<WireTrain> wire_train(const MessageInfo& info) noexcept {
  if (info.kind == nullptr || std::string_view(info.kind) != "train") return std::nullopt;
  bool has_issuer = false;
  bool has_clock = false;
  WireTrain out;
  const int count = info.count < MessageInfo::fields_max ? info.count : MessageInfo::fields_max;
  for (int i = 0; i < count; ++i) {
    const Field& field = info.fields[static_cast<std::size_t>(i)];
    if (field.name == nullptr || field.value < 0) continue;
    const std::string_view name(field.name);
    const auto value = static_cast<std::uint64_t>(field.value);
    if (name == "issuer" && value <= UINT32_MAX) {
      out.key.issuer = static_cast<std::uint32_t>(value);
      has_issuer = true;
    } else if (name == "clock") {
      out.key.clock = value;
      has_clock = true;
    } else if (name == "lseq") {
      out.lseq = value;
    }
  }
  if (!has_issuer || !has_clock) return std::nullopt;
  return out;
}

std::uint64_t closed_content_digest(const Train& train) noexcept {
  std::uint64_t h = fnv_offset;
  h = digest_mix(h, train.view.value);
  h = digest_mix(h, train.issuer.value);
  h = digest_mix(h, train.clock);
  return payloads_digest(train, h);
}

std::string describe_key(const Key& key) {
  return "(" + std::to_string(key.clock) + "," + std::to_string(key.issuer) + ")";
}

}  // namespace ry::trains
