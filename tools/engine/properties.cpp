#include "tools/engine/properties.hpp"

#include <algorithm>
#include <array>

namespace ry {

namespace {

constexpr std::array<std::string_view, 13> properties = {
    "clock_bound",                  // invariants/trains/clock_bound_checker
    "integrity",                    // invariants/integrity_checker
    "key_uniqueness",               // invariants/trains/key_uniqueness_checker
    "no_redelivery_after_restart",  // invariants/membership/no_redelivery_checker
    "primary_component",            // invariants/membership/primary_component_checker
    "rejoin_consistency",           // invariants/membership/rejoin_consistency_checker
    "ring_token",                   // invariants/ring/token_checker
    "train_integrity",              // invariants/trains/train_integrity_checker
    "uniform_agreement",            // invariants/membership/uniform_agreement_checker
    "uniform_total_order",          // invariants/total_order_checker
    "validity",                     // invariants/validity_checker
    "view_agreement",               // invariants/membership/view_agreement_checker
    "virtual_synchrony",            // invariants/membership/virtual_synchrony_checker
};

}  // namespace

std::span<const std::string_view> property_names() { return properties; }

bool is_property(std::string_view name) {
  return std::find(properties.begin(), properties.end(), name) != properties.end();
}

}  // namespace ry
