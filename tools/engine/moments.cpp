#include "tools/engine/moments.hpp"

#include <algorithm>
#include <array>

namespace ry {

namespace {

// Every fx.note() kind in protocol/trains (listed at the top of protocol/trains/core.hpp).
constexpr std::array<std::string_view, 22> trains_moments = {
    "clock_gap",        "clock_lost",    "close",
    "distrust",         "dup",           "excluded",
    "frozen_drop",      "gather",        "install",
    "issuer_delivered", "park",          "propose",
    "recovered",        "recovered_log", "recycled",
    "report",           "reserve",       "snapshot_refused",
    "stable",           "stale",         "stale_admission",
    "state_transfer",
};

// protocol/ring/ring.cpp: a node accepted the token's hop.
constexpr std::array<std::string_view, 1> ring_moments = {"accept"};

}  // namespace

std::span<const std::string_view> crash_moments(std::string_view protocol) {
  if (protocol == "trains") return trains_moments;
  if (protocol == "ring") return ring_moments;
  return {};
}

bool is_crash_moment(std::string_view protocol, std::string_view moment) {
  const auto moments = crash_moments(protocol);
  return std::find(moments.begin(), moments.end(), moment) != moments.end();
}

}  // namespace ry
