#include "sim/network_script.hpp"

#include <gtest/gtest.h>

namespace ry {
namespace {

// Recording keeps the seeded decisions, keyed by link, send number and kind.
TEST(NetworkScript, RecordsWhatTheSeedDecided) {
  NetworkScript script;
  script.begin_send(NodeId{0}, NodeId{1}, "train", 10);
  EXPECT_TRUE(script.lost(true));
  script.begin_send(NodeId{0}, NodeId{1}, "train", 20);
  EXPECT_FALSE(script.lost(false));
  EXPECT_TRUE(script.duplicated(true));
  script.begin_send(NodeId{1}, NodeId{0}, "ack", 30);  // another link counts from 1
  EXPECT_FALSE(script.lost(false));
  EXPECT_FALSE(script.duplicated(false));
  ASSERT_EQ(script.record().size(), 2U);
  EXPECT_EQ(script.record()[0], (LinkDecision{10, 0, 1, 1, "train", LinkDecision::Fate::lost}));
  EXPECT_EQ(script.record()[1],
            (LinkDecision{20, 0, 1, 2, "train", LinkDecision::Fate::duplicated}));
  EXPECT_FALSE(script.divergence());
}

// A replay follows the file, not the draws: a listed send is lost, an unlisted one is not.
TEST(NetworkScript, ReplayTakesTheFileOverTheDraws) {
  NetworkScript script({{10, 0, 1, 2, "train", LinkDecision::Fate::lost}});
  script.begin_send(NodeId{0}, NodeId{1}, "train", 5);
  EXPECT_FALSE(script.lost(true));  // the draw says lost; the file does not
  EXPECT_FALSE(script.duplicated(true));
  script.begin_send(NodeId{0}, NodeId{1}, "train", 10);
  EXPECT_TRUE(script.lost(false));
  EXPECT_TRUE(script.replaying());
  EXPECT_EQ(script.record().size(), 1U);
}

// When a send is no longer what the file says it was (the code changed), the run has left the
// schedule: that point is kept, and the seeded draws decide from there on.
TEST(NetworkScript, ASendOfAnotherKindLeavesTheSchedule) {
  NetworkScript script({{10, 0, 1, 1, "train", LinkDecision::Fate::lost},
                        {90, 0, 1, 3, "train", LinkDecision::Fate::lost}});
  script.begin_send(NodeId{0}, NodeId{1}, "token", 12'345'678);
  EXPECT_FALSE(script.lost(false));
  ASSERT_TRUE(script.divergence());
  EXPECT_EQ(describe(*script.divergence()),
            "12.345678 ms: send 1 on 0->1 is a 'token', the schedule has a 'train' there");
  EXPECT_FALSE(script.replaying());
  script.begin_send(NodeId{0}, NodeId{1}, "train", 50);
  EXPECT_TRUE(script.lost(true));  // seeded from now on
  script.begin_send(NodeId{0}, NodeId{1}, "train", 90);
  EXPECT_FALSE(script.lost(false));          // the file no longer decides
  EXPECT_EQ(script.divergence()->send, 1U);  // the first point is kept
}

}  // namespace
}  // namespace ry
