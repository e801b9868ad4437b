// TRAINS membership in a World (protocol/trains/README.md section 5): the heartbeat failure
// detector, the exclusion view change and rejoin, on real cores under crashes, partitions (two-way,
// one-way, one cut link) and pauses, with every ordering, TRAINS and membership checker attached.
// Safety (one global order, views agreed and each a majority of the one before) must hold in every
// case, liveness wherever the quorum rule lets a side move on. A crashed node stays down unless a
// test restarts it (it recovers its clock reservation and waits to be re-admitted); excluded live
// nodes and restarted ones rejoin with a state transfer once they hear of the newer view. The
// second half plants each membership bug of protocol/trains/README.md section 8 and shows a
// scenario that catches it.
//
// This lives beside the checkers rather than in protocol/trains/ because it needs the simulator
// (World, partitions) and the checkers, which protocol_tests does not link.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "protocol/trains/core.hpp"
#include "sim/partition.hpp"
#include "sim/world.hpp"
#include "tools/engine/checker_suite.hpp"
#include "tools/protocols/trains/driver.hpp"

namespace ry::trains {
namespace {

constexpr Nanos heartbeat_ns = 20 * ms_ns;
constexpr Nanos suspect_ns = 100 * ms_ns;

struct SimSetup {
  std::uint32_t nodes = 5;
  std::uint32_t trains = 2;
  Config::Mode mode = Config::Mode::to;
  Nanos heartbeat = heartbeat_ns;
  BugSet bugs;
  std::uint64_t seed = 1;
  Nanos latency_max = 500 * us_ns;  // links take 50 us up to this
};

std::vector<NodeId> ids(std::initializer_list<std::uint32_t> nodes) {
  std::vector<NodeId> out;
  for (std::uint32_t n : nodes) out.push_back(NodeId{n});
  return out;
}

std::vector<NodeId> all_nodes(std::uint32_t nodes) {
  std::vector<NodeId> out;
  for (std::uint32_t n = 0; n < nodes; ++n) out.push_back(NodeId{n});
  return out;
}

Time at_ms(std::int64_t ms) { return Time{ms * ms_ns}; }

// One World of TRAINS cores with every checker a run has (TrainsDriver::attach, so the test sees
// exactly the run's checker suite) and a steady workload, and what each node did:
// its log (with a state transfer, the donor's prefix replaces it, as StateTransfer in
// protocol/common/effects.hpp says), the views it installed and when, and every membership message
// sent.
class Sim final : public Observer, public MessageObserver<Message> {
 public:
  explicit Sim(const SimSetup& s)
      : setup_(s),
        world_(world_options(s), config(s)),
        driver_(run_options(s)),
        suite_(world_, verdict_),
        logs_(s.nodes),
        digests_(s.nodes),
        views_(s.nodes),
        last_delivery_(s.nodes) {
    driver_.attach(world_, suite_);
    world_.add_message_observer(this);
    world_.add_observer(this);
    world_.start();
  }

  World<Core>& world() { return world_; }
  [[nodiscard]] Time now() const { return world_.now(); }
  const Core& core(std::uint32_t n) const {
    const Core* c = world_.core(NodeId{n});
    RY_ASSERT(c != nullptr);
    return *c;
  }
  [[nodiscard]] bool violated() const { return verdict_.violated(); }
  [[nodiscard]] std::string property() const {
    return verdict_.violated() ? verdict_.first().property : "";
  }
  [[nodiscard]] std::string violation() const {
    if (!verdict_.violated()) return "none";
    const Violation& v = verdict_.first();
    return v.property + " at step " + std::to_string(v.step) + ": " + v.detail;
  }
  [[nodiscard]] const std::vector<MsgId>& log(std::uint32_t n) const { return logs_[n]; }
  // The log digest of node n's positions 1..position (position <= its log's length).
  [[nodiscard]] std::uint64_t digest_at(std::uint32_t n, std::size_t position) const {
    RY_ASSERT(position <= digests_[n].size());
    return position == 0 ? log_digest_empty : digests_[n][position - 1];
  }
  [[nodiscard]] const std::vector<std::pair<Time, ViewInstall>>& views(std::uint32_t n) const {
    return views_[n];
  }
  [[nodiscard]] Time last_delivery(std::uint32_t n) const { return last_delivery_[n]; }
  [[nodiscard]] std::uint64_t membership_sends() const { return membership_sends_; }
  [[nodiscard]] std::uint64_t notes(const std::string& kind) const {
    const auto it = notes_.find(kind);
    return it == notes_.end() ? 0 : it->second;
  }
  [[nodiscard]] std::uint64_t transfers() const { return transfers_; }
  // Broadcasts accepted by `node` in [from, until).
  [[nodiscard]] std::vector<MsgId> accepted_at(std::uint32_t node, Time from, Time until) const {
    std::vector<MsgId> out;
    for (const auto& [id, a] : accepted_) {
      if (a.node == node && a.at >= from && a.at < until) out.push_back(id);
    }
    return out;
  }

  // Runs to `until` with one broadcast every `every_ns`, round robin over the nodes (a node down,
  // paused or frozen still accepts or refuses it as its core decides). Stops at a violation.
  void run(Time until, Nanos every_ns = ms_ns) {
    while (!verdict_.violated() && world_.now() < until) {
      const Time next = std::min(until, world_.now() + every_ns);
      world_.run_until(next, [&] { return verdict_.violated(); });
      if (quiet_) continue;
      const std::uint32_t n = next_client_++ % setup_.nodes;
      const MsgId id{NodeId{n}, ++seq_};
      world_.client_request(NodeId{n}, ClientRequest{request_of(id), "m" + std::to_string(seq_)});
    }
  }
  // Runs to `until` with no new broadcasts: what is in flight settles.
  void quiet(Time until) {
    quiet_ = true;
    run(until, 10 * ms_ns);
  }
  // The partition tests' first act: traffic until 300 ms, then `cut` until `until`.
  void cut_from_300(const Partition& cut, Time until) {
    run(at_ms(300));
    world_.partition(cut);
    run(until);
  }
  // Their second: the heal, traffic until `until`, and 500 ms for what is in flight to settle.
  void heal_and_settle(const Partition& cut, Time until) {
    world_.heal_partition(cut);
    run(until);
    quiet(until + 500 * ms_ns);
  }
  // Uniform agreement's end-of-run check over `live` (call after quiet()).
  std::optional<std::string> converged(const std::vector<NodeId>& live) {
    return driver_.uniform_agreement(world_.stats().steps, live);
  }

  // Observer.
  void on_deliver(const Step& step, NodeRef node, const Delivery& d) override {
    logs_[node.id.value].push_back(d.id);
    std::vector<std::uint64_t>& digests = digests_[node.id.value];
    digests.push_back(log_digest(digests.empty() ? log_digest_empty : digests.back(), d));
    last_delivery_[node.id.value] = step.time;
  }
  void on_view(const Step& step, NodeRef node, const ViewInstall& v) override {
    views_[node.id.value].emplace_back(step.time, v);
  }
  void on_reply(const Step& step, NodeRef node, const ClientReply& r) override {
    if (r.status == ReplyStatus::accepted) {
      accepted_.emplace(payload_id(r.id), Accepted{node.id.value, step.time});
    }
  }
  void on_note(const Step&, NodeRef, const Note& note) override { ++notes_[note.kind]; }
  void on_state_transfer(const Step&, NodeRef node, const StateTransfer& t) override {
    ++transfers_;
    if (t.donor >= 0) {
      // Positions 1..X are now the donor's (StateTransfer, protocol/common/effects.hpp).
      const auto x = static_cast<std::size_t>(t.position);
      const std::vector<MsgId>& donor = logs_[static_cast<std::size_t>(t.donor)];
      RY_ASSERT(x <= donor.size());
      logs_[node.id.value].assign(donor.begin(), donor.begin() + static_cast<std::ptrdiff_t>(x));
      const std::vector<std::uint64_t>& sums = digests_[static_cast<std::size_t>(t.donor)];
      digests_[node.id.value].assign(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(x));
    }
  }
  // MessageObserver.
  void on_send_message(const Step&, NodeRef, NodeId, const Message& m) override {
    if (!std::holds_alternative<Train>(m) && !std::holds_alternative<LinkAck>(m)) {
      ++membership_sends_;
    }
  }

 private:
  struct Accepted {
    std::uint32_t node;
    Time at;
  };

  static WorldOptions world_options(const SimSetup& s) {
    WorldOptions w;
    w.nodes = s.nodes;
    w.seed = s.seed;
    w.link.latency_min_ns = 50 * us_ns;
    w.link.latency_max_ns = s.latency_max;
    return w;
  }
  // The checkers' view of the run: what TrainsDriver reads from the run options.
  static RunOptions run_options(const SimSetup& s) {
    RunOptions o;
    o.protocol = "trains";
    o.mode = s.mode == Config::Mode::to ? "to" : "uto";
    o.nodes = s.nodes;
    o.seed = s.seed;
    o.params["trains"] = s.trains;
    resolve(o);  // the protocol's other options at their defaults
    // This world's network is not the options' one: bounds derived from them would not hold.
    o.progress_check = false;
    return o;
  }
  static Config config(const SimSetup& s) {
    Config c;
    c.nodes = s.nodes;
    c.trains = s.trains;
    c.mode = s.mode;
    c.link_retransmit_ns = 5 * ms_ns;
    c.heartbeat_ns = s.heartbeat;
    c.suspect_ns = suspect_ns;
    c.bugs = s.bugs;
    return c;
  }

  SimSetup setup_;
  World<Core> world_;
  Verdict verdict_;
  TrainsDriver driver_;
  CheckerSuite<Core> suite_;
  std::vector<std::vector<MsgId>> logs_;
  std::vector<std::vector<std::uint64_t>> digests_;  // running log digest per position
  std::vector<std::vector<std::pair<Time, ViewInstall>>> views_;
  std::vector<Time> last_delivery_;
  std::map<MsgId, Accepted> accepted_;
  std::map<std::string, std::uint64_t> notes_;
  std::uint64_t transfers_ = 0;
  std::uint64_t membership_sends_ = 0;
  std::uint32_t next_client_ = 0;
  std::uint64_t seq_ = 0;
  bool quiet_ = false;
};

// Three issuers, so that the majority side of {0,1} | {2,3,4} keeps one.
SimSetup three_issuers() {
  SimSetup s;
  s.trains = 3;
  return s;
}

bool is_prefix(const std::vector<MsgId>& a, const std::vector<MsgId>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string describe(const std::vector<MsgId>& a, const std::vector<MsgId>& b) {
  const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  const auto at = static_cast<std::size_t>(ia - a.begin());
  const auto id = [](const std::vector<MsgId>& log, std::size_t i) {
    return i < log.size() ? std::to_string(log[i].sender.value) + ":" + std::to_string(log[i].seq)
                          : std::string("end");
  };
  return std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
         " delivered, first difference at position " + std::to_string(at) + ": " + id(a, at) +
         " vs " + id(b, at);
}

// Every node's log is a prefix of the longest one: the uniform total order, stated directly.
void expect_prefixes(const Sim& r, std::uint32_t nodes) {
  std::uint32_t longest = 0;
  for (std::uint32_t n = 1; n < nodes; ++n) {
    if (r.log(n).size() > r.log(longest).size()) longest = n;
  }
  for (std::uint32_t n = 0; n < nodes; ++n) {
    EXPECT_TRUE(is_prefix(r.log(n), r.log(longest)))
        << "node " << n << " vs node " << longest << ": " << describe(r.log(n), r.log(longest));
  }
}

// Identical delivered sequences (once the run has gone quiet).
void expect_same_logs(const Sim& r, const std::vector<NodeId>& nodes) {
  const std::vector<MsgId>& first = r.log(nodes.front().value);
  for (NodeId n : nodes) {
    EXPECT_TRUE(r.log(n.value) == first) << "node " << n.value << " vs node " << nodes.front().value
                                         << ": " << describe(r.log(n.value), first);
  }
}

// Each of `members` has installed the same view of exactly `members` and runs in it.
void expect_view(const Sim& r, const std::vector<NodeId>& members) {
  const ViewId id = r.core(members.front().value).view().id;
  for (NodeId n : members) {
    SCOPED_TRACE("node " + std::to_string(n.value));
    EXPECT_EQ(r.core(n.value).view().id, id);
    EXPECT_EQ(r.core(n.value).view().members, members);
    EXPECT_FALSE(r.core(n.value).frozen());
    EXPECT_TRUE(r.core(n.value).member());
  }
}

// Every broadcast accepted by one of `nodes` at or after `from` (and at least 20 ms ago, so not
// still on its way) is delivered by all of them.
void expect_delivered_everywhere(const Sim& r, const std::vector<NodeId>& nodes, Time from) {
  const Time until{r.now().ns - 20 * ms_ns};
  for (NodeId sender : nodes) {
    const std::vector<MsgId> sent = r.accepted_at(sender.value, from, until);
    for (NodeId n : nodes) {
      const std::set<MsgId> have(r.log(n.value).begin(), r.log(n.value).end());
      std::size_t missing = 0;
      for (const MsgId& id : sent) missing += have.contains(id) ? 0U : 1U;
      EXPECT_EQ(missing, 0U) << "node " << n.value << " misses " << missing << " of " << sent.size()
                             << " broadcasts accepted by node " << sender.value;
    }
  }
}

void expect_converged(Sim& r, const std::vector<NodeId>& live) {
  const auto missing = r.converged(live);
  EXPECT_FALSE(missing.has_value()) << *missing;
}

// --- no fault, crashes ----------------------------------------------------------------------

// No fault, no view change: the failure detector must not suspect a live, well-connected member.
TEST(TrainsViewChange, NoFaultNoViewChange) {
  Sim r(SimSetup{});
  r.run(at_ms(1500));
  r.quiet(at_ms(2000));
  ASSERT_FALSE(r.violated()) << r.violation();
  for (std::uint32_t n = 0; n < 5; ++n) EXPECT_EQ(r.views(n).size(), 1U) << "node " << n;
  EXPECT_EQ(r.notes("gather"), 0U);
  EXPECT_GT(r.membership_sends(), 0U);  // heartbeats
  expect_view(r, all_nodes(5));
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(0));
  EXPECT_GT(r.log(0).size(), 1000U);
}

// (a) N=5, K=2: a crashed node is suspected and excluded; the four survivors install view 1
// without it, keep delivering, and deliver one sequence. Crashing an issuer idles its slot;
// crashing a non-issuer does not.
void crash_one(std::uint32_t victim) {
  SCOPED_TRACE("crash node " + std::to_string(victim));
  Sim r(SimSetup{});
  r.run(at_ms(300));
  const std::size_t before = r.log(0).size();
  ASSERT_GT(before, 50U);
  r.world().crash(NodeId{victim});
  r.run(at_ms(1200));
  r.quiet(at_ms(1700));
  ASSERT_FALSE(r.violated()) << r.violation();

  std::vector<NodeId> survivors;
  for (std::uint32_t n = 0; n < 5; ++n) {
    if (n != victim) survivors.push_back(NodeId{n});
  }
  for (NodeId n : survivors) {
    SCOPED_TRACE("node " + std::to_string(n.value));
    const auto& views = r.views(n.value);
    ASSERT_EQ(views.size(), 2U);
    EXPECT_EQ(views[0].second.view, ViewId{0});
    EXPECT_EQ(views[1].second.view, ViewId{1});
    EXPECT_EQ(views[1].second.members, survivors);
    // Suspected no sooner than the timeout, excluded within a few of them.
    EXPECT_GE(views[1].first, at_ms(300) + suspect_ns);
    EXPECT_LE(views[1].first, at_ms(300) + 5 * suspect_ns);
    EXPECT_EQ(r.core(n.value).required_acks(), survivors);
  }
  expect_view(r, survivors);
  expect_same_logs(r, survivors);
  EXPECT_TRUE(is_prefix(r.log(victim), r.log(survivors.front().value)));
  // Liveness in view 1: what survivors accepted after the install is delivered by all of them,
  // and they delivered much more than before the crash.
  expect_delivered_everywhere(r, survivors, at_ms(700));
  EXPECT_GT(r.log(survivors.front().value).size(), before + 500);
  EXPECT_EQ(r.notes("install"), survivors.size());
  expect_converged(r, survivors);
}

TEST(TrainsViewChange, CrashedIssuerIsExcludedAndSurvivorsAgree) { crash_one(1); }
TEST(TrainsViewChange, CrashedNonIssuerIsExcludedAndSurvivorsAgree) { crash_one(3); }

// protocol/trains/README.md section 2, G0 (bug U1's scenario without the bug): an issuer delivers
// its own train's content and crashes before forwarding it. It delivered only once f + 1 members
// held the content, so some report of the view change holds it and the survivors deliver it too.
TEST(TrainsViewChange, IssuerCrashedRightAfterDeliveringIsNotAlone) {
  for (std::uint32_t nodes : {3U, 5U}) {
    SCOPED_TRACE(std::to_string(nodes) + " nodes");
    SimSetup s;
    s.nodes = nodes;
    Sim r(s);
    r.run(at_ms(100));
    r.world().crash_at(NodeId{0}, "issuer_delivered");
    r.run(at_ms(800));
    r.quiet(at_ms(1100));
    ASSERT_FALSE(r.violated()) << r.violation();
    ASSERT_FALSE(r.world().is_up(NodeId{0}));
    std::vector<NodeId> survivors = all_nodes(nodes);
    survivors.erase(survivors.begin());
    expect_view(r, survivors);
    expect_same_logs(r, survivors);
    EXPECT_TRUE(is_prefix(r.log(0), r.log(1))) << describe(r.log(0), r.log(1));
    expect_converged(r, survivors);
  }
}

// (e) Two crashes in a row, N=5. The second (node 3) comes while the view change for the first
// (node 4) is under way, right after it, or at once: {0,1,2} are 3 of 5, a majority of view 0,
// and if node 3 got into view 1 before it died, 3 of 4 are a majority of view 1. Either way
// {0,1,2} must end in a view of exactly themselves, agree, and keep delivering.
void two_crashes(Nanos gap_ns) {
  SCOPED_TRACE("second crash " + std::to_string(gap_ns / ms_ns) + " ms after the first");
  Sim r(SimSetup{});
  r.run(at_ms(300));
  r.world().crash(NodeId{4});
  r.run(at_ms(300) + gap_ns);
  r.world().crash(NodeId{3});
  r.run(at_ms(1400));
  r.quiet(at_ms(1900));
  ASSERT_FALSE(r.violated()) << r.violation();
  const std::vector<NodeId> survivors = ids({0, 1, 2});
  for (NodeId n : survivors) {
    SCOPED_TRACE("node " + std::to_string(n.value));
    const auto& views = r.views(n.value);
    ASSERT_GE(views.size(), 2U);
    ASSERT_LE(views.size(), 3U);
    if (views.size() == 3) {
      EXPECT_EQ(views[1].second.members, ids({0, 1, 2, 3}));
    }
  }
  expect_view(r, survivors);
  expect_same_logs(r, survivors);
  expect_prefixes(r, 5);
  expect_delivered_everywhere(r, survivors, at_ms(1000));
  expect_converged(r, survivors);
}

TEST(TrainsViewChange, SecondCrashDuringTheViewChange) { two_crashes(suspect_ns + 10 * ms_ns); }
TEST(TrainsViewChange, SecondCrashRightAfterTheViewChange) { two_crashes(4 * suspect_ns); }
TEST(TrainsViewChange, TwoCrashesAtOnce) { two_crashes(0); }

// Exclusions one at a time shrink the view by the quorum rule of the view before: 5 -> 4 (4 of
// 5) -> 3 (3 of 4) -> 2 (2 of 3). The last pair cannot exclude a third crash (1 of 2 is no
// majority): it halts, frozen, without diverging.
TEST(TrainsViewChange, SequentialCrashesShrinkTheViewUntilNoMajority) {
  Sim r(SimSetup{});
  r.run(at_ms(200));
  std::vector<NodeId> alive = all_nodes(5);
  Time t = at_ms(200);
  std::uint64_t view = 0;
  for (std::uint32_t victim : {4U, 3U, 2U}) {
    SCOPED_TRACE("after crashing " + std::to_string(victim));
    r.world().crash(NodeId{victim});
    alive.pop_back();
    ++view;
    t = t + 6 * suspect_ns;
    r.run(t);
    ASSERT_FALSE(r.violated()) << r.violation();
    expect_view(r, alive);
    for (NodeId n : alive) {
      EXPECT_EQ(r.core(n.value).view().id, ViewId{view});
      EXPECT_GT(r.last_delivery(n.value), Time{t.ns - 2 * suspect_ns});  // still delivering
    }
    expect_prefixes(r, 5);
  }
  const Time last_crash = t;
  r.world().crash(NodeId{1});
  r.run(last_crash + 6 * suspect_ns);
  r.quiet(last_crash + 8 * suspect_ns);
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_EQ(r.core(0).view().id, ViewId{3}) << "a single member of {0,1} installed a view";
  EXPECT_TRUE(r.core(0).frozen());
  EXPECT_LT(r.last_delivery(0), last_crash + suspect_ns + 2 * heartbeat_ns);
  EXPECT_GT(r.notes("gather"), 3U);  // node 0 keeps trying
  expect_prefixes(r, 5);
}

// Three of five crash at once: {0,1} are no majority of view 0. They must halt, frozen, with
// no view installed.
TEST(TrainsViewChange, MajorityCrashedHalts) {
  Sim r(SimSetup{});
  r.run(at_ms(300));
  for (std::uint32_t n : {2U, 3U, 4U}) r.world().crash(NodeId{n});
  r.run(at_ms(1200));
  r.quiet(at_ms(1500));
  ASSERT_FALSE(r.violated()) << r.violation();
  for (std::uint32_t n : {0U, 1U}) {
    EXPECT_EQ(r.views(n).size(), 1U) << "node " << n;
    EXPECT_TRUE(r.core(n).frozen()) << "node " << n;
    EXPECT_LT(r.last_delivery(n), at_ms(300) + suspect_ns + 2 * heartbeat_ns);
  }
  EXPECT_GT(r.notes("gather"), 2U);  // the minority keeps retrying
  expect_prefixes(r, 5);
}

// --- partitions ----------------------------------------------------------------------------

// (b) {0,1} | {2,3,4} with K=3 (issuers 0, 1, 2): only the majority installs a view; the
// minority freezes and stops delivering. After the heal the minority hears of the newer view and
// rejoins with a state transfer (protocol/trains/README.md section 5, "Partitions", "Rejoin");
// nothing diverges.
TEST(TrainsViewChange, PartitionOnlyTheMajorityMovesOn) {
  Sim r(three_issuers());
  const Partition cut = split(5, ids({0, 1}));
  r.cut_from_300(cut, at_ms(900));
  ASSERT_FALSE(r.violated()) << r.violation();
  const std::vector<NodeId> majority = ids({2, 3, 4});
  for (NodeId n : majority) {
    ASSERT_EQ(r.views(n.value).size(), 2U) << "node " << n.value;
    EXPECT_EQ(r.views(n.value)[1].second.members, majority);
  }
  expect_view(r, majority);
  // The minority froze within a suspicion timeout and two heartbeats (trains already under way
  // may still complete a key before that), and installed nothing.
  const Time frozen_by = at_ms(300) + suspect_ns + 2 * heartbeat_ns;
  for (std::uint32_t n : {0U, 1U}) {
    EXPECT_EQ(r.views(n).size(), 1U) << "node " << n;
    EXPECT_TRUE(r.core(n).frozen()) << "node " << n;
    EXPECT_LT(r.last_delivery(n), frozen_by) << "node " << n;
  }
  expect_prefixes(r, 5);
  expect_delivered_everywhere(r, majority, at_ms(700));  // the majority's issuer 2 carries on
  EXPECT_GT(r.log(2).size(), r.log(0).size() + 300);

  // After the heal 0 and 1 rejoin. How fast the rejoined issuers' slots deliver again is
  // RejoinedIssuersDoNotHoldBackTheOtherSlots's (disabled: a known bug) to check; here, safety.
  r.heal_and_settle(cut, at_ms(1500));
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_EQ(r.transfers(), 2U);
  expect_view(r, all_nodes(5));
  EXPECT_GE(r.core(0).view().id, ViewId{2});
  expect_prefixes(r, 5);
  EXPECT_GT(r.log(0).size(), r.log(2).size() - 500);  // the transfer brought them up to date
}

// With K=2 both issuers are in the minority: the majority installs its view but has no train
// (protocol/trains/README.md section 1: a slot whose issuer is not a member is idle), so it
// delivers nothing more.
TEST(TrainsViewChange, PartitionLeavesTheMajorityWithoutIssuersIdle) {
  Sim r(SimSetup{});
  r.run(at_ms(300));
  r.world().partition(split(5, ids({0, 1})));
  r.run(at_ms(1000));
  ASSERT_FALSE(r.violated()) << r.violation();
  expect_view(r, ids({2, 3, 4}));
  for (std::uint32_t n : {2U, 3U, 4U}) {
    EXPECT_LT(r.last_delivery(n), r.views(n)[1].first + ms_ns) << "node " << n;
    EXPECT_GT(r.core(n).pending_count(), 0U) << "node " << n;
  }
  expect_prefixes(r, 5);
}

// (c) Everything {0,1} send to {2,3,4} is lost, the other way flows. {2,3,4} suspect 0 and 1
// and exclude them; 0 and 1 hear everyone, so they suspect nobody until the majority moves on.
// After the heal they rejoin.
TEST(TrainsViewChange, OneWayPartitionExcludesTheMutedSide) {
  Sim r(three_issuers());
  const Partition cut = one_way(5, ids({0, 1}));
  r.cut_from_300(cut, at_ms(900));
  ASSERT_FALSE(r.violated()) << r.violation();
  const std::vector<NodeId> majority = ids({2, 3, 4});
  for (NodeId n : majority) {
    ASSERT_GE(r.views(n.value).size(), 2U) << "node " << n.value;
    EXPECT_EQ(r.views(n.value)[1].second.members, majority);
    EXPECT_LT(r.views(n.value)[1].first, at_ms(300) + 4 * suspect_ns);
  }
  for (std::uint32_t n : {0U, 1U}) {
    EXPECT_EQ(r.views(n).size(), 1U) << "node " << n;
    EXPECT_TRUE(r.core(n).frozen()) << "node " << n;
  }
  expect_delivered_everywhere(r, majority, at_ms(700));
  r.heal_and_settle(cut, at_ms(1400));
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_EQ(r.transfers(), 2U);
  expect_view(r, all_nodes(5));
  expect_prefixes(r, 5);
}

// The one-way cut the other way round: {0,1} hear nothing from {2,3,4} but are heard. Now 0 and
// 1 suspect the others and cannot decide (2 of 5). Nothing may be installed during the cut by
// the minority; once it heals, the cluster must end in one view of all five with one sequence.
TEST(TrainsViewChange, OneWayPartitionIntoTheMinority) {
  Sim r(three_issuers());
  const Partition cut = one_way(5, ids({2, 3, 4}));
  r.cut_from_300(cut, at_ms(900));
  ASSERT_FALSE(r.violated()) << r.violation();
  for (std::uint32_t n = 0; n < 5; ++n) {
    for (const auto& [when, view] : r.views(n)) EXPECT_GE(view.members.size(), 3U);
  }
  expect_prefixes(r, 5);
  r.heal_and_settle(cut, at_ms(1600));
  ASSERT_FALSE(r.violated()) << r.violation();
  expect_view(r, all_nodes(5));
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(1300));
  expect_converged(r, all_nodes(5));
}

// One link cut both ways between two members that are not ring neighbours (0 and 3): trains still
// go round, but 0 and 3 suspect each other. The view change runs while trains flow (the case
// frozen reporters exist for), excludes one of the two, and the excluded one rejoins after the
// heal.
TEST(TrainsViewChange, CutLinkBetweenTwoMembersExcludesOneOfThem) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SimSetup s;
    s.seed = seed;
    Sim r(s);
    const Partition cut = links(5, {{NodeId{0}, NodeId{3}}, {NodeId{3}, NodeId{0}}});
    r.cut_from_300(cut, at_ms(900));
    ASSERT_FALSE(r.violated()) << r.violation();
    const std::vector<NodeId> v1 = r.views(1).at(1).second.members;
    EXPECT_EQ(v1.size(), 4U);
    EXPECT_TRUE(v1 == ids({0, 1, 2, 4}) || v1 == ids({1, 2, 3, 4}));
    EXPECT_GT(r.last_delivery(1), at_ms(850));  // the view of four keeps delivering
    expect_prefixes(r, 5);
    r.heal_and_settle(cut, at_ms(1400));
    ASSERT_FALSE(r.violated()) << r.violation();
    expect_view(r, all_nodes(5));
    expect_same_logs(r, all_nodes(5));
    expect_delivered_everywhere(r, all_nodes(5), at_ms(1100));
  }
}

// --- pauses --------------------------------------------------------------------------------

// (d) A pause longer than the suspicion timeout: the others wrongly suspect node 3 and exclude
// it. That is safe: when it wakes, what it delivers (trains it had waiting) stays a prefix of
// the others' sequence, and it rejoins with a state transfer.
TEST(TrainsViewChange, LongPauseIsAFalseSuspicionExcludedSafely) {
  Sim r(SimSetup{});
  r.run(at_ms(300));
  r.world().pause(NodeId{3}, 3 * suspect_ns);
  r.run(at_ms(550));
  ASSERT_FALSE(r.violated()) << r.violation();
  const std::vector<NodeId> rest = ids({0, 1, 2, 4});
  for (NodeId n : rest) {
    ASSERT_EQ(r.views(n.value).size(), 2U) << "node " << n.value;
    EXPECT_EQ(r.views(n.value)[1].second.members, rest);
  }
  EXPECT_EQ(r.views(3).size(), 1U);  // still paused
  r.run(at_ms(1200));
  r.quiet(at_ms(1700));
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_GT(r.transfers(), 0U);
  expect_view(r, all_nodes(5));
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(900));
  expect_converged(r, all_nodes(5));
}

// A pause shorter than the suspicion timeout is not a failure: nobody is excluded.
TEST(TrainsViewChange, ShortPauseIsNotSuspected) {
  Sim r(SimSetup{});
  r.run(at_ms(300));
  r.world().pause(NodeId{3}, suspect_ns / 2);
  r.run(at_ms(900));
  r.quiet(at_ms(1400));
  ASSERT_FALSE(r.violated()) << r.violation();
  for (std::uint32_t n = 0; n < 5; ++n) EXPECT_EQ(r.views(n).size(), 1U) << "node " << n;
  EXPECT_EQ(r.notes("gather"), 0U);
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(0));
}

// --- membership off ------------------------------------------------------------------------

// (f) heartbeat_ns = 0 turns membership off: no heartbeats, no suspicion, no view change. A long
// pause is waited out, and a crash then halts the ring (as without membership).
TEST(TrainsViewChange, HeartbeatZeroTurnsMembershipOff) {
  SimSetup s;
  s.heartbeat = 0;
  Sim r(s);
  r.run(at_ms(300));
  r.world().pause(NodeId{2}, 3 * suspect_ns);
  r.run(at_ms(900));
  r.quiet(at_ms(1200));
  ASSERT_FALSE(r.violated()) << r.violation();
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(0));
  r.world().crash(NodeId{4});
  r.run(at_ms(1800));
  r.quiet(at_ms(2200));
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_EQ(r.membership_sends(), 0U);
  for (std::uint32_t n = 0; n < 4; ++n) {
    EXPECT_EQ(r.views(n).size(), 1U) << "node " << n;  // view 0 only
    EXPECT_FALSE(r.core(n).frozen());
    EXPECT_EQ(r.core(n).view().members.size(), 5U);
    EXPECT_FALSE(r.core(n).suspects(NodeId{4}));
    EXPECT_LT(r.last_delivery(n), at_ms(1200) + 10 * ms_ns);  // halted: node 4's ack is missing
  }
  EXPECT_EQ(r.notes("gather"), 0U);
  expect_prefixes(r, 5);
}

// (g) uto never sends a membership message, whatever happens: a pause, a partition, a crash.
TEST(TrainsViewChange, UtoSendsNoMembershipMessages) {
  SimSetup s;
  s.mode = Config::Mode::uto;
  Sim r(s);
  r.run(at_ms(200));
  r.world().pause(NodeId{2}, 3 * suspect_ns);
  r.run(at_ms(700));
  const Partition cut = split(5, ids({0, 1}));
  r.world().partition(cut);
  r.run(at_ms(1000));
  r.world().heal_partition(cut);
  r.run(at_ms(1400));
  r.quiet(at_ms(1800));
  ASSERT_FALSE(r.violated()) << r.violation();
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(0));
  r.world().crash(NodeId{3});
  r.run(at_ms(2300));
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_EQ(r.membership_sends(), 0U);
  for (std::uint32_t n = 0; n < 5; ++n) EXPECT_TRUE(r.views(n).empty()) << "node " << n;
  EXPECT_EQ(r.notes("gather") + r.notes("install"), 0U);
  EXPECT_GT(r.log(0).size(), 500U);
  expect_prefixes(r, 5);
}

// --- durable state (protocol/trains/README.md section 6, protocol/trains/persist.cpp)
// --------------------------------

// What a crashed node's disk holds, as its restart will read it.
Recovered disk_of(Sim& r, std::uint32_t n) { return recover(r.world().disk(NodeId{n}).durable()); }

// A crash loses at most the deliveries since the last flush: the disk holds a prefix of the log
// (same ids, same digest), the issuer's reservation covers every clock it created, and the
// restarted node, re-admitted by state transfer, delivers nothing twice.
TEST(TrainsDurable, RestartRecoversTheSyncedPrefixOfItsLog) {
  Sim r(SimSetup{});
  r.run(at_ms(400));
  const std::uint64_t delivered = r.core(1).delivered_count();
  const std::uint64_t issued = r.core(1).issued();
  r.world().crash(NodeId{1});
  const Recovered disk = disk_of(r, 1);
  EXPECT_EQ(disk.dropped.unverified + disk.dropped.out_of_order, 0U);
  EXPECT_LE(disk.position(), delivered);
  EXPECT_GE(disk.position() + 40, delivered) << "more than a flush interval of deliveries lost";
  EXPECT_EQ(disk.log_digest, r.digest_at(1, disk.position()));
  const std::uint64_t base = disk.position() - disk.tail.size();
  for (std::size_t i = 0; i < disk.tail.size(); ++i) {
    EXPECT_EQ(disk.tail[i].id, r.log(1)[base + i]) << "position " << base + i + 1;
  }
  ASSERT_TRUE(disk.reserved.has_value());
  EXPECT_GE(*disk.reserved, issued);
  ASSERT_TRUE(disk.view.has_value());
  EXPECT_EQ(disk.view->id, r.core(0).view().id);
  r.run(at_ms(500));
  r.world().restart(NodeId{1});
  r.run(at_ms(1200));
  r.quiet(at_ms(1700));
  ASSERT_FALSE(r.violated()) << r.violation();
  EXPECT_EQ(r.notes("recovered_log"), 1U);
  EXPECT_EQ(r.notes("snapshot_refused"), 0U);
  expect_view(r, all_nodes(5));
  expect_same_logs(r, all_nodes(5));
}

// Compaction bounds every disk however long the run: a rewrite after `compact_after` records.
TEST(TrainsDurable, CompactionKeepsEveryDiskSmall) {
  Sim r(SimSetup{});
  r.run(at_ms(2000), 200 * us_ns);  // ~10,000 broadcasts, ~50,000 delivered records
  ASSERT_FALSE(r.violated()) << r.violation();
  for (std::uint32_t n = 0; n < 5; ++n) {
    const std::vector<std::string>& records = r.world().disk(NodeId{n}).durable();
    EXPECT_LE(records.size(), Core::compact_after + 4) << "node " << n;
    const Recovered disk = recover(records);
    ASSERT_TRUE(disk.snapshot.has_value()) << "node " << n << " never compacted";
    EXPECT_GT(disk.snapshot->position, 5'000U) << "node " << n;
    EXPECT_EQ(disk.log_digest, r.digest_at(n, disk.position())) << "node " << n;
  }
}

// A flipped bit in a delivered record: recovery stops the log before it (a hole is not a log),
// the node restarts with the shorter log, and the state transfer brings it level; nothing is
// delivered twice and nothing corrupt is trusted.
TEST(TrainsDurable, ACorruptLogRecordTruncatesTheRecoveredLog) {
  Sim r(SimSetup{});
  r.run(at_ms(400));
  r.world().crash(NodeId{3});
  const std::uint64_t clean = disk_of(r, 3).position();
  // Flip bits until one lands in a log record (not in the view or the snapshot).
  for (std::uint64_t i = 0; disk_of(r, 3).position() == clean; ++i) {
    ASSERT_LT(i, 100U);
    r.world().disk_fault(NodeId{3}, DiskFault::corrupt, 0);
  }
  const Recovered disk = disk_of(r, 3);
  EXPECT_LT(disk.position(), clean);
  EXPECT_GE(disk.dropped.unverified, 1U);
  EXPECT_EQ(disk.log_digest, r.digest_at(3, disk.position()));
  r.world().restart(NodeId{3});
  r.run(at_ms(1200));
  r.quiet(at_ms(1700));
  ASSERT_FALSE(r.violated()) << r.violation();
  expect_view(r, all_nodes(5));
  expect_same_logs(r, all_nodes(5));
}

// In steady state no train waits for a clock reservation's sync (it is reserved ahead, half a
// chunk early), so the slots stay level. When every 64th train of each slot waited for a sync
// queued behind the log's flushes, one slot lost a little more time than the other at each
// reservation and never got it back: after 20 simulated seconds slot 0 ran 54 clocks behind, the
// other slot's keys waited that many laps at G3, and p99 latency and memory grew with the run.
TEST(TrainsDurable, ClockReservationsDoNotPullTheSlotsApart) {
  SimSetup s;
  s.latency_max = 50 * us_ns;  // a regular ring, as in the benchmark: nothing else evens it out
  Sim r(s);
  r.run(at_ms(10'000), 500 * us_ns);
  ASSERT_FALSE(r.violated()) << r.violation();
  const std::uint64_t a = r.core(0).issued();
  const std::uint64_t b = r.core(1).issued();
  EXPECT_GT(a, 10'000U);
  EXPECT_LE(a > b ? a - b : b - a, 3U) << "slot 0 at " << a << ", slot 1 at " << b;
  for (std::uint32_t n = 0; n < 5; ++n) EXPECT_LT(r.core(n).parked_count(), 10U) << "node " << n;
}

// --- liveness regressions (each was a stall found by a soak or a scenario) --------------------

// A re-admitted issuer's slot once restarted just above its own old clock, while the slots that
// stayed in the view went on: after a 600 ms partition slot 2 ran about 330 clocks behind, G3
// held every other slot's keys until slot 2 caught up, which it never does (all slots advance
// one clock per lap), and about 330 keys stayed parked at every node. A joiner's slot now starts
// level with the highest boundary (skip_joiners_clocks), so delivery is as fast as before.
TEST(TrainsViewChange, RejoinedIssuersDoNotHoldBackTheOtherSlots) {
  Sim r(three_issuers());
  const Partition cut = split(5, ids({0, 1}));
  r.cut_from_300(cut, at_ms(900));
  r.heal_and_settle(cut, at_ms(1500));
  ASSERT_FALSE(r.violated()) << r.violation();
  expect_view(r, all_nodes(5));
  expect_same_logs(r, all_nodes(5));
  expect_delivered_everywhere(r, all_nodes(5), at_ms(1200));
  for (std::uint32_t n = 0; n < 5; ++n) EXPECT_LT(r.core(n).parked_count(), 10U) << "node " << n;
}

// An issuer restarts with its clock reservation unreadable (every copy corrupt): it must never
// issue again. It once heard a heartbeat of the newer view, sent Joins and was re-admitted as
// issuer 1 of a view whose slot 1 then never moved: G3 waited on slot 1 for good, and nothing
// accepted after the re-admission was delivered (a run's liveness phase did not see it: clients
// stop at the heal). Now such a node stays silent and out; the others keep delivering.
TEST(TrainsViewChange, RestartedIssuerWithLostClockDoesNotStallTheOthers) {
  Sim r(SimSetup{});
  r.run(at_ms(140));
  r.world().crash(NodeId{1});
  // Bits flip until no copy of its reservation verifies (the log's records may still).
  for (std::uint64_t i = 0; recover(r.world().disk(NodeId{1}).durable()).reserved; ++i) {
    ASSERT_LT(i, 10'000U);
    r.world().disk_fault(NodeId{1}, DiskFault::corrupt, 0);
  }
  r.run(at_ms(500));
  r.world().restart(NodeId{1});
  r.run(at_ms(1500));
  r.quiet(at_ms(2000));
  ASSERT_FALSE(r.violated()) << r.violation();
  ASSERT_EQ(r.notes("clock_lost"), 1U);
  const std::vector<NodeId> others = ids({0, 2, 3, 4});
  expect_same_logs(r, others);
  expect_delivered_everywhere(r, others, at_ms(700));
}

// A one-way cut {2,3,4} -> {0,1}: 0 and 1 hear nobody and suspect 2, 3 and 4; 2, 3 and 4 hear
// everyone and suspect nobody, though the ring is broken at 4 -> 0. Node 0's rounds cannot reach
// a majority, and each retried Gather made 2, 3 and 4 promise its higher ballot and stay frozen:
// nothing was delivered from the cut to the heal, although {2,3,4} are a majority of view 0. Now a
// member frozen for two phase-1 timeouts by a coordinator that never reaches phase 2 distrusts it
// until the next install and runs its own round: the majority excludes 0 and 1 and delivers on.
TEST(TrainsViewChange, MajorityMovesOnDuringAOneWayCutIntoTheMinority) {
  Sim r(three_issuers());
  const Partition cut = one_way(5, ids({2, 3, 4}));
  r.cut_from_300(cut, at_ms(900));
  ASSERT_FALSE(r.violated()) << r.violation();
  for (std::uint32_t n : {2U, 3U, 4U}) {
    EXPECT_GT(r.last_delivery(n), at_ms(800))
        << "node " << n << " stopped delivering at " << r.last_delivery(n).ns / ms_ns << " ms";
  }
  expect_delivered_everywhere(r, ids({2, 3, 4}), at_ms(600));
}

// A node's clock may read below zero: backward jumps took node 4 of swarm seed 46638 to about
// -2 s. It took time zero for "distrusted until never" and so distrusted every member from then
// on: it ranked first for every view change, refused the others' ballots and proposed as soon as
// a bare majority had answered, which left a live member out each time. After the heal the view
// changed every 40-80 ms, excluding one node and re-admitting another, and never settled. Here
// node 4's clock jumps 3 s back and node 0 is cut off and healed: the five must settle in one
// view.
TEST(TrainsViewChange, AClockBelowZeroDoesNotMakeTheViewFlap) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SimSetup s;
    s.seed = seed;
    Sim r(s);
    r.run(at_ms(100));
    r.world().clock_jump(NodeId{4}, -3000 * ms_ns);
    const Partition cut = split(5, ids({0}));
    r.cut_from_300(cut, at_ms(700));
    r.heal_and_settle(cut, at_ms(1500));
    ASSERT_FALSE(r.violated()) << r.violation();
    expect_view(r, all_nodes(5));
    expect_same_logs(r, all_nodes(5));
    for (std::uint32_t n = 0; n < 5; ++n) {
      EXPECT_LT(r.views(n).back().first, at_ms(1000))
          << "node " << n << " installed view " << r.views(n).back().second.view.value;
    }
  }
}

// Two nodes rejoin from view 0 into view 2 together, the minority of a partition, each with its
// own prefix of view 0's sequence. A joiner's state transfer replaces its log, so
// virtual_synchrony must not compare what they delivered in view 0 (it did once, at the install,
// before it saw the state_transfer note of the same step; fixed in 103daaa).
TEST(TrainsViewChange, RejoinersOfOneViewAreNotComparedByVirtualSynchrony) {
  int apart = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SimSetup s;
    s.seed = seed;
    Sim r(s);
    const Partition cut = split(5, ids({0, 1}));
    r.cut_from_300(cut, at_ms(1000));
    apart += r.log(0).size() != r.log(1).size() ? 1 : 0;
    r.heal_and_settle(cut, at_ms(1600));
    ASSERT_FALSE(r.violated()) << r.violation();
    expect_view(r, all_nodes(5));
    expect_same_logs(r, all_nodes(5));
  }
  EXPECT_GT(apart, 0);  // in some seed the two rejoiners left view 0 apart
}

// --- planted membership bugs (protocol/trains/README.md section 8)
// ---------------------------------------------------
//
// Each scenario runs seeds 1..`seeds` with the bug until a checker fires (safety bugs) or progress
// stops (liveness bugs), and the same seeds without the bug must pass: the bug, not the scenario,
// is what the testbed catches. Each seed is a few milliseconds of wall time.

using Scenario = std::function<void(Sim&)>;

struct Caught {
  std::uint64_t seed = 0;  // 0: not caught
  std::string detail;
};

SimSetup with_bug(SimSetup s, std::optional<Bug> bug, std::uint64_t seed) {
  s.seed = seed;
  if (bug) s.bugs.add(*bug);
  return s;
}

// The first seed whose run violates a property in `properties`.
Caught first_violation(const SimSetup& base, Bug bug, std::uint64_t seeds,
                       const std::vector<std::string>& properties, const Scenario& scenario) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    Sim r(with_bug(base, bug, seed));
    scenario(r);
    if (!r.violated()) continue;
    const bool expected =
        std::find(properties.begin(), properties.end(), r.property()) != properties.end();
    EXPECT_TRUE(expected) << "seed " << seed << ": " << r.violation();
    std::cout << bug_names[static_cast<std::size_t>(bug)] << " caught at seed " << seed << ": "
              << r.violation().substr(0, 160) << "\n";
    return Caught{seed, r.violation()};
  }
  return Caught{};
}

void expect_clean(const SimSetup& base, std::uint64_t seeds, const Scenario& scenario) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    Sim r(with_bug(base, std::nullopt, seed));
    scenario(r);
    EXPECT_FALSE(r.violated()) << "seed " << seed << " without the bug: " << r.violation();
  }
}

// Q1 (no quorum rule): both sides of {0,1} | {2,3,4} install a view 1; the checker of primary
// components sees a view holding 2 of view 0's 5 members.
// Whichever side installs its view 1 second is caught: by primary_component ({0,1} is no majority
// of view 0) or, when both sides install in one step, first by view_agreement (two views 1).
TEST(TrainsViewChangeBugs, Q1SplitBrainIsCaught) {
  SimSetup s;
  s.trains = 3;
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(200));
    r.world().partition(split(5, ids({0, 1})));
    r.run(at_ms(800));
  };
  EXPECT_EQ(first_violation(s, Bug::Q1, 3, {"primary_component", "view_agreement"}, scenario).seed,
            1U);
  expect_clean(s, 3, scenario);
}

// U1 (G0 missing): an issuer delivers its own train alone and crashes before forwarding it; the
// survivors skip the key. Caught as a divergence of the crashed node's log.
TEST(TrainsViewChangeBugs, U1LoneDeliveryIsCaughtByTotalOrder) {
  SimSetup s;
  s.nodes = 3;
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(100));
    r.world().crash_at(NodeId{0}, "issuer_delivered");
    r.run(at_ms(700));
  };
  EXPECT_NE(
      first_violation(s, Bug::U1, 5, {"uniform_total_order", "uniform_agreement"}, scenario).seed,
      0U);
  expect_clean(s, 5, scenario);
}

// B9 (no floor): after a crash excludes node 3, the old view's trains are not fenced and get
// recycled next to the new view's: two trains of one slot.
TEST(TrainsViewChangeBugs, B9ZombieTrainsAreCaughtByKeyUniqueness) {
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(300));
    r.world().crash(NodeId{3});
    r.run(at_ms(800));
  };
  EXPECT_NE(first_violation(SimSetup{}, Bug::B9, 3, {"key_uniqueness"}, scenario).seed, 0U);
  expect_clean(SimSetup{}, 3, scenario);
}

// B10 (the plan skips held keys): two crashes at once; a survivor had delivered a key the others
// had only parked, and the plan skips it: members of view 0 that install view 1 delivered
// different messages in view 0.
TEST(TrainsViewChangeBugs, B10SkippedHeldKeyIsCaughtByVirtualSynchrony) {
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(300));
    r.world().crash(NodeId{4});
    r.world().crash(NodeId{3});
    r.run(at_ms(900));
  };
  EXPECT_NE(
      first_violation(SimSetup{}, Bug::B10, 3,
                      {"virtual_synchrony", "uniform_total_order", "uniform_agreement"}, scenario)
          .seed,
      0U);
  expect_clean(SimSetup{}, 3, scenario);
}

// B6 (re-admission without the donor's duplicate filter): node 3 is isolated with its own
// payloads on trains that the majority goes on to deliver; at its re-admission it keeps its stale
// filter, so it puts those payloads back in its queue as if skipped, and they are broadcast and
// delivered a second time.
TEST(TrainsViewChangeBugs, B6StaleFilterAtRejoinIsCaught) {
  const Scenario scenario = [](Sim& r) {
    const Partition cut = isolate(5, NodeId{3});
    r.cut_from_300(cut, at_ms(600));
    r.heal_and_settle(cut, at_ms(900));
  };
  EXPECT_NE(first_violation(SimSetup{}, Bug::B6, 10,
                            {"integrity", "uniform_total_order", "no_redelivery",
                             "rejoin_consistency", "uniform_agreement"},
                            scenario)
                .seed,
            0U);
  expect_clean(SimSetup{}, 10, scenario);
}

// B12 (delivery not frozen between report and install): a cut link between two members that are
// not ring neighbours starts a view change while trains still flow; reporters keep acting on
// trains (holding, closing, recycling) after their report.
TEST(TrainsViewChangeBugs, B12UnfrozenReportersAreCaught) {
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(300));
    r.world().partition(links(5, {{NodeId{0}, NodeId{3}}, {NodeId{3}, NodeId{0}}}));
    r.run(at_ms(900));
  };
  EXPECT_NE(first_violation(SimSetup{}, Bug::B12, 10,
                            {"key_uniqueness", "uniform_total_order", "virtual_synchrony",
                             "uniform_agreement", "clock_bound"},
                            scenario)
                .seed,
            0U);
  expect_clean(SimSetup{}, 10, scenario);
}

// Liveness bugs: the run stays safe, but the members of the new view stop delivering what they
// accept. `stalled` says whether node `watch` delivered nothing in the last 300 ms of the run.
bool stalled(const SimSetup& s, std::uint32_t watch, const Scenario& scenario) {
  Sim r(s);
  scenario(r);
  EXPECT_FALSE(r.violated()) << r.violation();
  return r.last_delivery(watch) < Time{r.world().now().ns - 300 * ms_ns};
}

// B7 (G3 waits on excluded issuers): once issuer 1 crashed and was excluded, no key can satisfy
// G3 again, so the survivors deliver nothing more.
TEST(TrainsViewChangeBugs, B7ExcludedIssuerStopsDelivery) {
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(300));
    r.world().crash(NodeId{1});
    r.run(at_ms(1200));
  };
  SimSetup buggy;
  buggy.bugs.add(Bug::B7);
  EXPECT_TRUE(stalled(buggy, 0, scenario));
  EXPECT_FALSE(stalled(SimSetup{}, 0, scenario));
}

// B8 (the boundary ignores the issuer's own last clock): with a view change while trains flow
// (nodes 2 and 4 cannot talk, the ring still goes round), an issuer's fresh train may be seen by
// nobody else (its successor, already frozen, drops it); the plan's boundary then stops below
// it, the issuer goes on above it, and the hole blocks G2 forever. Not every seed hits the window.
TEST(TrainsViewChangeBugs, B8HoleBelowTheBoundaryStopsDelivery) {
  const Scenario scenario = [](Sim& r) {
    r.run(at_ms(300));
    r.world().partition(links(5, {{NodeId{2}, NodeId{4}}, {NodeId{4}, NodeId{2}}}));
    r.run(at_ms(1000));
  };
  std::uint64_t first = 0;
  for (std::uint64_t seed = 1; seed <= 40 && first == 0; ++seed) {
    if (stalled(with_bug(SimSetup{}, Bug::B8, seed), 1, scenario)) first = seed;
  }
  std::cout << "B8 stalled delivery first at seed " << first << "\n";
  ASSERT_NE(first, 0U);
  for (std::uint64_t seed = 1; seed <= first; ++seed) {
    EXPECT_FALSE(stalled(with_bug(SimSetup{}, std::nullopt, seed), 1, scenario)) << seed;
  }
}

}  // namespace
}  // namespace ry::trains
