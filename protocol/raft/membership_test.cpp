#include "protocol/raft/membership.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "protocol/common/client.hpp"
#include "protocol/raft/messages.hpp"

namespace ry::raft {
namespace {

const Membership three{{NodeId{0}, NodeId{1}, NodeId{2}}, {NodeId{3}}};

TEST(RaftMembership, ChangesMoveAtMostOneVoter) {
  EXPECT_EQ(three.quorum(), 2U);
  const auto promoted = three.after({ChangeKind::promote, NodeId{3}});
  ASSERT_TRUE(promoted.has_value());
  EXPECT_EQ(promoted->voters.size(), 4U);
  EXPECT_TRUE(promoted->learners.empty());
  EXPECT_EQ(promoted->quorum(), 3U);
  const auto removed = three.after({ChangeKind::remove, NodeId{1}});
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->voters, (std::vector<NodeId>{NodeId{0}, NodeId{2}}));
  const auto added = three.after({ChangeKind::add_learner, NodeId{7}});
  ASSERT_TRUE(added.has_value());
  EXPECT_TRUE(added->is_learner(NodeId{7}));
}

TEST(RaftMembership, ChangesThatDoNotApplyAreRefused) {
  EXPECT_FALSE(three.after({ChangeKind::add_learner, NodeId{1}}));  // already a member
  EXPECT_FALSE(three.after({ChangeKind::promote, NodeId{1}}));      // not a learner
  EXPECT_FALSE(three.after({ChangeKind::remove, NodeId{9}}));       // not a member
  const Membership one{{NodeId{0}}, {}};
  EXPECT_FALSE(one.after({ChangeKind::remove, NodeId{0}}));  // the last voter stays
}

TEST(RaftMembership, ConfigEntriesRoundTrip) {
  const ConfigEntry e{{ChangeKind::promote, NodeId{3}},
                      *three.after({ChangeKind::promote, NodeId{3}})};
  const auto back = decode_config_entry(encode(e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->change, e.change);
  EXPECT_EQ(back->result, e.result);
  EXPECT_FALSE(decode_config_entry(encode(e).substr(1)).has_value());
  EXPECT_FALSE(decode_membership("\x01\x00\x00\x00").has_value());  // count without members
}

TEST(RaftMembership, AdminCommandsAreNeverOperations) {
  const std::string change = encode_membership_change({ChangeKind::remove, NodeId{2}});
  const auto admin = decode_admin(change);
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(std::get<MembershipChange>(*admin), (MembershipChange{ChangeKind::remove, NodeId{2}}));
  EXPECT_FALSE(decode_operation(change).has_value());
  const auto transfer = decode_admin(encode_transfer_leadership(NodeId{4}));
  ASSERT_TRUE(transfer.has_value());
  EXPECT_EQ(std::get<TransferLeadership>(*transfer).target, NodeId{4});
  const std::string op = encode(Operation{OpKind::put, "k", "v", ""});
  EXPECT_FALSE(decode_admin(op).has_value());
  EXPECT_FALSE(decode_admin(change + "x").has_value());  // trailing bytes
}

TEST(RaftMessages, DescribeNamesEveryKindAndDigestsEveryField) {
  const std::vector<Message> messages = {PreVote{1, 2, 3, 1},
                                         PreVoteResponse{1, 2, true},
                                         RequestVote{2, 3, 1, false},
                                         RequestVoteResponse{2, true},
                                         AppendEntries{2, 3, 1, {}, 3, 7},
                                         AppendEntriesResponse{2, true, 3, 0, 7},
                                         InstallSnapshot{2, 9, 1, 5, three, 0, "abc", true, 4},
                                         InstallSnapshotResponse{2, 9, 3, 9},
                                         TimeoutNow{2}};
  std::set<std::string> kinds;
  for (const Message& m : messages) {
    const MessageInfo info = describe(m);
    kinds.insert(info.kind);
    EXPECT_EQ(info.fields[0].name, std::string("term"));
    EXPECT_EQ(info.fields[0].value, static_cast<std::int64_t>(term_of(m)));
  }
  EXPECT_EQ(kinds.size(), messages.size());
  AppendEntries a{2, 3, 1, {Entry{4, 2, EntryKind::command, "x", 0}}, 3, 7};
  AppendEntries b = a;
  b.entries[0].payload = "y";
  EXPECT_NE(describe(a).digest, describe(b).digest);
  InstallSnapshot s{2, 9, 1, 5, three, 0, "abc", true, 4};
  InstallSnapshot t = s;
  t.config.learners.clear();
  EXPECT_NE(describe(s).digest, describe(t).digest);
}

}  // namespace
}  // namespace ry::raft
