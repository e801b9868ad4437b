// Cluster membership (README.md section 8): the voters and learners of a configuration, the
// single-server changes that move from one configuration to the next, and the admin commands a
// scenario sends as ClientRequest data to ask a leader for a change or a leadership transfer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/ids.hpp"

namespace ry::raft {

enum class ChangeKind : std::uint8_t { add_learner, promote, remove };

struct MembershipChange {
  ChangeKind kind = ChangeKind::add_learner;
  NodeId node;
  friend bool operator==(const MembershipChange&, const MembershipChange&) = default;
};

// A configuration. Both lists are sorted and disjoint.
struct Membership {
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;

  [[nodiscard]] bool is_voter(NodeId n) const noexcept;
  [[nodiscard]] bool is_learner(NodeId n) const noexcept;
  [[nodiscard]] bool is_member(NodeId n) const noexcept { return is_voter(n) || is_learner(n); }
  // A strict majority of the voters (README.md section 1).
  [[nodiscard]] std::size_t quorum() const noexcept { return voters.size() / 2 + 1; }
  // The configuration after `change`, or nothing if the change does not apply here (adding a
  // member, promoting a non-learner, removing a non-member).
  [[nodiscard]] std::optional<Membership> after(MembershipChange change) const;
  friend bool operator==(const Membership&, const Membership&) = default;
};

std::string encode(const Membership& m);
std::optional<Membership> decode_membership(std::string_view bytes);

// The payload of a config entry: the change and the configuration it produces.
struct ConfigEntry {
  MembershipChange change;
  Membership result;
};
std::string encode(const ConfigEntry& e);
std::optional<ConfigEntry> decode_config_entry(std::string_view bytes);

// Admin commands, carried as ClientRequest::data. A scenario scripts them with these encoders.
struct TransferLeadership {
  NodeId target;
};
using AdminCommand = std::variant<MembershipChange, TransferLeadership>;

std::string encode_membership_change(MembershipChange change);
std::string encode_transfer_leadership(NodeId target);
// Nothing if `data` is not an admin command (then it is an ordinary operation).
std::optional<AdminCommand> decode_admin(std::string_view data);

}  // namespace ry::raft
