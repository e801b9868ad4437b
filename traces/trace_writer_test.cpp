#include "traces/trace_writer.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/ring/ring.hpp"
#include "sim/world.hpp"

namespace ry {
namespace {

namespace fs = std::filesystem;

// Collects what the writer hands its sink (blocks of complete lines), split into lines.
struct Lines {
  std::vector<std::string> lines;
  int calls = 0;
  LineSink sink() {
    return [this](std::string_view block) {
      ++calls;
      EXPECT_FALSE(block.empty());
      EXPECT_EQ(block.back(), '\n');  // only complete lines
      while (!block.empty()) {
        const std::size_t end = block.find('\n');
        lines.emplace_back(block.substr(0, end + 1));
        block.remove_prefix(end + 1);
      }
      return true;
    };
  }
};

MessageInfo token(std::int64_t hop) {
  MessageInfo m;
  m.kind = "token";
  m.add("hop", hop);
  m.digest = 0xabcU + static_cast<std::uint64_t>(hop);
  return m;
}

// A small fixed sequence of events, one of each kind; `hop` changes one field of one event.
void feed(TraceWriter& w, std::int64_t hop) {
  const Step s1{1, Time{100}};
  const Step s2{2, Time{250}};
  w.on_send(s1, NodeRef{NodeId{0}, 0}, NodeId{1}, token(hop));
  w.on_receive(s2, NodeRef{NodeId{1}, 0}, NodeId{0}, token(1));
  w.on_drop(s2, NodeId{1}, NodeId{2}, token(2), DropReason::cut);
  w.on_timer(s2, NodeRef{NodeId{2}, 1}, TimerId{9});
  w.on_client(s2, NodeRef{NodeId{0}, 0}, ClientRequest{RequestId{ClientId{0}, 3}, "data"});
  w.on_reply(s2, NodeRef{NodeId{0}, 0},
             ClientReply{RequestId{ClientId{0}, 3}, ReplyStatus::delivered});
  w.on_deliver(s2, NodeRef{NodeId{0}, 0}, Delivery{MsgId{NodeId{0}, 3}, UINT64_MAX});
  w.on_view(s2, NodeRef{NodeId{0}, 0}, ViewInstall{ViewId{4}, {NodeId{0}, NodeId{2}}});
  w.on_note(s2, NodeRef{NodeId{0}, 0}, Note{"accept", -1, 2, INT64_MAX});
  w.on_crash(s2, NodeRef{NodeId{2}, 1});
  w.on_restart(s2, NodeRef{NodeId{2}, 2});
  w.on_fault(s2, FaultInfo{"cut", 0, 1, 5000});
  w.on_fault(s2, FaultInfo{"heal_all", -1, -1, 0});
  w.on_fault(s2, FaultInfo{"partition", -1, -1, 6, "{0,1}|{2,3,4}"});
}
constexpr std::uint64_t fed_events = 14;

TEST(TraceWriter, HeaderShape) {
  Lines out;
  TraceWriter w(out.sink());
  w.write_header("ring", UINT64_MAX, R"({"nodes":3,"nested":{"a":[1,2]}})");
  ASSERT_EQ(out.lines.size(), 1U);
  const std::string& line = out.lines[0];
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // exactly one line
  EXPECT_EQ(line.rfind(R"({"type":"header","schema":2,"protocol":"ring","build":)", 0), 0U);
  const auto h = nlohmann::json::parse(line);
  EXPECT_EQ(h["seed"].get<std::uint64_t>(), UINT64_MAX);
  EXPECT_EQ(h["config"]["nodes"], 3);
  EXPECT_EQ(h["config"]["nested"]["a"][1], 2);
  EXPECT_TRUE(h["build"].is_string());
  EXPECT_EQ(w.events(), 0U);  // the header is not an event
}

TEST(TraceWriter, EveryEventIsOneParsableLineWithCommonFields) {
  Lines out;
  TraceWriter w(out.sink());
  feed(w, 1);
  EXPECT_EQ(w.events(), fed_events);
  w.write_footer("passed", 2, "");  // hands over every buffered event, then the footer
  ASSERT_EQ(out.lines.size(), fed_events + 1);
  out.lines.pop_back();
  std::vector<std::string> kinds;
  for (const std::string& line : out.lines) {
    ASSERT_EQ(line.back(), '\n');
    ASSERT_EQ(line.find('\n'), line.size() - 1);
    const auto e = nlohmann::json::parse(line);
    ASSERT_TRUE(e.is_object());
    // Stable key order: step, t, ev first.
    EXPECT_EQ(line.rfind(R"({"step":)", 0), 0U) << line;
    EXPECT_TRUE(e["step"].is_number_unsigned());
    EXPECT_TRUE(e["t"].is_number_integer());
    kinds.push_back(e["ev"].get<std::string>());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"send", "recv", "drop", "timer", "client", "reply",
                                             "deliver", "view", "note", "crash", "restart", "fault",
                                             "fault", "fault"}));
  const auto send = nlohmann::json::parse(out.lines[0]);
  EXPECT_EQ(send["step"], 1);
  EXPECT_EQ(send["t"], 100);
  EXPECT_EQ(send["node"], 0);
  EXPECT_EQ(send["to"], 1);
  EXPECT_EQ(send["msg"], "token");
  EXPECT_EQ(send["hop"], 1);
  EXPECT_EQ(send["digest"], "0000000000000abd");
  EXPECT_EQ(nlohmann::json::parse(out.lines[2])["why"], "cut");
  EXPECT_EQ(nlohmann::json::parse(out.lines[3])["inc"], 1);
  EXPECT_EQ(nlohmann::json::parse(out.lines[5])["status"], "delivered");
  EXPECT_EQ(nlohmann::json::parse(out.lines[6])["digest"], "ffffffffffffffff");
  EXPECT_EQ(nlohmann::json::parse(out.lines[7])["members"], nlohmann::json::parse("[0,2]"));
  EXPECT_EQ(nlohmann::json::parse(out.lines[8])["c"].get<std::int64_t>(), INT64_MAX);
  const auto heal = nlohmann::json::parse(out.lines[12]);
  EXPECT_FALSE(heal.contains("node"));  // no node: the field is left out, not -1
  EXPECT_EQ(nlohmann::json::parse(out.lines[11])["peer"], 1);
  // A fault's detail is written only when it has one, after its value.
  EXPECT_FALSE(nlohmann::json::parse(out.lines[11]).contains("detail"));
  EXPECT_EQ(out.lines[13], R"({"step":2,"t":250,"ev":"fault","fault":"partition","value":6,)"
                           R"("detail":"{0,1}|{2,3,4}"})"
                           "\n");
}

// A state transfer and a log truncation are events of their own, with named fields (a note's
// a, b, c would say nothing to a reader); a transfer without a donor leaves the field out.
TEST(TraceWriter, StateTransferAndTruncationAreTypedEvents) {
  Lines out;
  TraceWriter w(out.sink());
  const Step s{3, Time{40}};
  w.on_state_transfer(s, NodeRef{NodeId{2}, 1}, StateTransfer{7, 0xabcdef, 4});
  w.on_state_transfer(s, NodeRef{NodeId{1}, 0}, StateTransfer{0, UINT64_MAX, -1});
  w.on_truncate(s, NodeRef{NodeId{0}, 2}, LogTruncation{12});
  w.write_footer("passed", 3, "");
  ASSERT_EQ(out.lines.size(), 4U);
  EXPECT_EQ(out.lines[0], R"({"step":3,"t":40,"ev":"state_transfer","node":2,"inc":1,"position":7,)"
                          R"("log_digest":"0000000000abcdef","donor":4})"
                          "\n");
  EXPECT_EQ(out.lines[1], R"({"step":3,"t":40,"ev":"state_transfer","node":1,"inc":0,"position":0,)"
                          R"("log_digest":"ffffffffffffffff"})"
                          "\n");
  EXPECT_EQ(out.lines[2], R"({"step":3,"t":40,"ev":"truncate","node":0,"inc":2,"from":12})"
                          "\n");
}

// Every status is written by its name, the ones no protocol sends yet included.
TEST(TraceWriter, EveryReplyStatusIsWrittenByName) {
  Lines out;
  TraceWriter w(out.sink());
  const ReplyStatus all[] = {ReplyStatus::accepted, ReplyStatus::rejected, ReplyStatus::delivered,
                             ReplyStatus::ok,       ReplyStatus::fail,     ReplyStatus::not_leader};
  for (ReplyStatus status : all) {
    w.on_reply(Step{1, Time{1}}, NodeRef{NodeId{0}, 0},
               ClientReply{RequestId{ClientId{0}, 1}, status});
  }
  w.write_footer("passed", 1, "");
  ASSERT_EQ(out.lines.size(), 7U);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(nlohmann::json::parse(out.lines[i])["status"], std::string(to_string(all[i])));
  }
}

TEST(TraceWriter, FooterShapeAndCounts) {
  Lines out;
  TraceWriter w(out.sink());
  w.write_header("ring", 1, "{}");
  feed(w, 1);
  w.write_footer("passed", 77, R"("extra":{"k":1})");
  ASSERT_EQ(out.lines.size(), fed_events + 2);
  const auto f = nlohmann::json::parse(out.lines.back());
  EXPECT_EQ(f["type"], "footer");
  EXPECT_EQ(f["outcome"], "passed");
  EXPECT_EQ(f["steps"], 77);
  EXPECT_EQ(f["events"], fed_events);
  EXPECT_EQ(f["extra"]["k"], 1);
  const std::string hash = f["hash"].get<std::string>();
  ASSERT_EQ(hash.size(), 16U);
  EXPECT_EQ(std::stoull(hash, nullptr, 16), w.stream_hash());

  Lines bare;
  TraceWriter w2(bare.sink());
  w2.write_footer("violation", 0, "");
  const auto f2 = nlohmann::json::parse(bare.lines.back());
  EXPECT_EQ(f2["events"], 0);
  EXPECT_EQ(f2["outcome"], "violation");
}

TEST(TraceWriter, StreamHashChangesWhenOneEventChanges) {
  auto hash_of = [](std::int64_t hop) {
    Lines out;
    TraceWriter w(out.sink());
    feed(w, hop);
    return w.stream_hash();
  };
  EXPECT_EQ(hash_of(1), hash_of(1));
  EXPECT_NE(hash_of(1), hash_of(2));
  // The order of events matters too.
  Lines a_out;
  Lines b_out;
  TraceWriter a(a_out.sink());
  TraceWriter b(b_out.sink());
  a.on_crash(Step{1, Time{0}}, NodeRef{NodeId{0}, 0});
  a.on_crash(Step{1, Time{0}}, NodeRef{NodeId{1}, 0});
  b.on_crash(Step{1, Time{0}}, NodeRef{NodeId{1}, 0});
  b.on_crash(Step{1, Time{0}}, NodeRef{NodeId{0}, 0});
  EXPECT_NE(a.stream_hash(), b.stream_hash());
}

TEST(TraceWriter, ASinkThatRefusesStopsTheStream) {
  int calls = 0;
  TraceWriter w([&calls](std::string_view) { return ++calls < 2; });
  w.write_header("ring", 1, "{}");
  EXPECT_FALSE(w.sink_stopped());
  feed(w, 1);
  w.write_footer("passed", 2, "");  // the events' block is refused: the footer is not sent
  EXPECT_TRUE(w.sink_stopped());
  EXPECT_EQ(calls, 2);
  feed(w, 1);
  w.write_footer("passed", 2, "");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(w.events(), 2 * fed_events);  // still counted and hashed
}

TEST(TraceWriter, LargeRunsAreHandedOverInBlocksOfWholeLines) {
  Lines out;
  TraceWriter w(out.sink());
  for (std::uint64_t i = 1; i <= 5'000; ++i) {
    w.on_send(Step{i, Time{static_cast<Nanos>(i)}}, NodeRef{NodeId{0}, 0}, NodeId{1},
              token(static_cast<std::int64_t>(i)));
  }
  w.write_footer("passed", 5'000, "");
  ASSERT_EQ(out.lines.size(), 5'001U);
  for (std::size_t i = 0; i < 5'000; ++i) {
    ASSERT_EQ(nlohmann::json::parse(out.lines[i])["hop"], i + 1);
  }
  EXPECT_GT(out.calls, 2);  // more than one block before the footer: memory stays bounded
}

TEST(TraceWriter, TracesARealRun) {
  Lines out;
  TraceWriter tw(out.sink());
  WorldOptions o;
  o.nodes = 3;
  o.seed = 9;
  o.link.latency_min_ns = 10 * us_ns;
  o.link.latency_max_ns = 90 * us_ns;
  o.link.loss_ppm = 50'000;
  ring::Config c;
  c.nodes = 3;
  World<ring::Core> world(o, c);
  world.add_observer(&tw);
  tw.write_header("ring", o.seed, R"({"nodes":3})");
  world.start();
  world.run_until(Time{5 * ms_ns}, [] { return false; });
  tw.write_footer("passed", world.stats().steps, "");
  ASSERT_GT(out.lines.size(), 50U);
  std::uint64_t last_step = 0;
  std::int64_t last_t = 0;
  for (std::size_t i = 1; i + 1 < out.lines.size(); ++i) {
    const auto e = nlohmann::json::parse(out.lines[i]);
    ASSERT_GE(e["step"].get<std::uint64_t>(), last_step);
    ASSERT_GE(e["t"].get<std::int64_t>(), last_t);
    last_step = e["step"].get<std::uint64_t>();
    last_t = e["t"].get<std::int64_t>();
  }
  const auto f = nlohmann::json::parse(out.lines.back());
  EXPECT_EQ(f["events"].get<std::uint64_t>(), out.lines.size() - 2);
  EXPECT_EQ(f["steps"].get<std::uint64_t>(), world.stats().steps);
}

// ---- TraceFile

class TraceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("ry_trace_file_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "run.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(TraceFileTest, WritesToTmpAndRenamesOnlyOnCommit) {
  TraceFile f(path_);
  ASSERT_TRUE(f.ok()) << f.error();
  EXPECT_TRUE(f.write("line 1\n"));
  EXPECT_TRUE(f.write("line 2\n"));
  EXPECT_TRUE(fs::exists(path_ + ".tmp"));
  EXPECT_FALSE(fs::exists(path_));
  ASSERT_TRUE(f.commit()) << f.error();
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
  EXPECT_EQ(slurp(path_), "line 1\nline 2\n");
  EXPECT_FALSE(f.write("late\n"));  // closed
  EXPECT_EQ(slurp(path_), "line 1\nline 2\n");
}

TEST_F(TraceFileTest, DiscardLeavesNoFile) {
  TraceFile f(path_);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f.write("partial\n"));
  f.discard();
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
  EXPECT_FALSE(f.commit());
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(TraceFileTest, DestroyedWithoutCommitLeavesNoFile) {
  {
    TraceFile f(path_);
    ASSERT_TRUE(f.write("partial\n"));
  }
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

TEST_F(TraceFileTest, CommitDoesNotLeaveAnOldFileBehindAsIfNew) {
  {
    std::ofstream old(path_);
    old << "old trace\n";
  }
  {
    TraceFile f(path_);
    ASSERT_TRUE(f.write("new\n"));
    f.discard();
  }
  EXPECT_EQ(slurp(path_), "old trace\n");  // a discarded run never clobbers a finished trace
  TraceFile f(path_);
  ASSERT_TRUE(f.write("new\n"));
  ASSERT_TRUE(f.commit());
  EXPECT_EQ(slurp(path_), "new\n");
}

TEST_F(TraceFileTest, UnwritableDirectoryIsAnErrorNamingThePath) {
  const std::string bad = (dir_ / "no_such_dir" / "run.jsonl").string();
  TraceFile f(bad);
  EXPECT_FALSE(f.ok());
  EXPECT_NE(f.error().find(bad), std::string::npos) << f.error();
  EXPECT_EQ(f.error().find('\n'), std::string::npos);
  EXPECT_FALSE(f.write("x\n"));
  EXPECT_FALSE(f.commit());
}

bool is_char_device(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

// A full disk: the write (or at the latest the flush) fails, commit() says so, and the device
// is written in place, never replaced by a renamed regular file.
TEST_F(TraceFileTest, AFullDeviceFailsTheCommitAndStaysADevice) {
  ASSERT_TRUE(is_char_device("/dev/full"));
  {
    TraceFile f("/dev/full");
    ASSERT_TRUE(f.ok()) << f.error();
    EXPECT_TRUE(f.direct());
    const std::string block(100'000, 'x');
    f.write(block);
    f.write("footer\n");
    EXPECT_FALSE(f.commit());
    EXPECT_NE(f.error().find("/dev/full: write failed"), std::string::npos) << f.error();
    EXPECT_NE(f.error().find(std::strerror(ENOSPC)), std::string::npos) << f.error();
  }
  EXPECT_TRUE(is_char_device("/dev/full"));
  EXPECT_FALSE(fs::exists("/dev/full.tmp"));
}

TEST_F(TraceFileTest, DevNullIsWrittenInPlace) {
  {
    TraceFile f("/dev/null");
    ASSERT_TRUE(f.ok()) << f.error();
    EXPECT_TRUE(f.direct());
    EXPECT_TRUE(f.write("line\n"));
    EXPECT_TRUE(f.commit()) << f.error();
  }
  EXPECT_TRUE(is_char_device("/dev/null"));
  EXPECT_FALSE(fs::exists("/dev/null.tmp"));
}

// A file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored as railyard's main() does): write()
// fails with EFBIG; nothing is renamed into place and the temporary file is removed.
TEST_F(TraceFileTest, AFileSizeLimitFailsTheCommitAndLeavesNoFile) {
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 10'000;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  bool committed = true;
  std::string error;
  {
    TraceFile f(path_);
    ASSERT_TRUE(f.ok());
    EXPECT_FALSE(f.direct());
    const std::string block(4096, 'x');
    for (int i = 0; i < 10; ++i) f.write(block);
    committed = f.commit();
    error = f.error();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  EXPECT_FALSE(committed);
  EXPECT_NE(error.find(std::strerror(EFBIG)), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

// Once a write failed, nothing later may make the file look whole.
TEST_F(TraceFileTest, AFailedWriteIsSticky) {
  TraceFile f("/dev/full");
  ASSERT_TRUE(f.ok());
  const std::string block(1 << 20, 'x');
  EXPECT_FALSE(f.write(block));  // larger than any stdio buffer: reaches the device now
  EXPECT_FALSE(f.write("small\n"));
  EXPECT_FALSE(f.commit());
}

}  // namespace
}  // namespace ry
