#include "traces/export/export.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace ry::exp {
namespace {

// A three-node run by hand: client 0 puts at n0, n0 sends to n1 (duplicated), n1 answers, n2
// crashes, a partition.
const char* const trace_text =
    R"({"type":"header","schema":2,"protocol":"trains","build":"b","seed":42,"config":{"nodes":3}}
{"step":1,"t":1000,"ev":"invoke","client":0,"seq":1,"node":0,"f":"put","key":"k1","value":"v\"1"}
{"step":1,"t":1000,"ev":"client","node":0,"inc":0,"client":0,"seq":1,"bytes":4,"digest":"0000000000000001"}
{"step":1,"t":1000,"ev":"send","node":0,"inc":0,"to":1,"copies":2,"id":1,"msg":"train","clock":1,"digest":"0000000000000002"}
{"step":2,"t":1500,"ev":"recv","node":1,"inc":0,"from":0,"id":1,"msg":"train","clock":1,"digest":"0000000000000002"}
{"step":2,"t":1500,"ev":"send","node":1,"inc":0,"to":0,"id":2,"msg":"ack","digest":"0000000000000003"}
{"step":3,"t":1700,"ev":"recv","node":1,"inc":0,"from":0,"id":1,"msg":"train","clock":1,"digest":"0000000000000002"}
{"step":4,"t":2100,"ev":"recv","node":0,"inc":0,"from":1,"id":2,"msg":"ack","digest":"0000000000000003"}
{"step":4,"t":2100,"ev":"ok","client":0,"seq":1,"node":0,"f":"put","key":"k1","applied":1}
{"step":5,"t":3000,"ev":"crash","node":2,"inc":0}
{"step":5,"t":3000,"ev":"fault","fault":"partition","value":2,"detail":"{0,1}|{2}"}
{"step":6,"t":3100,"ev":"status","node":0,"inc":0,"term":2,"role":1,"leader":-1}
{"step":7,"t":3200,"ev":"state_transfer","node":1,"inc":0,"position":3,"donor":0}
{"step":7,"t":3200,"ev":"epoch","value":1}
{"type":"footer","outcome":"passed","steps":7,"events":13,"hash":"0000000000000000"}
)";

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string base = ::testing::TempDir() + "export_test_" + std::to_string(::getpid()) +
                             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    trace_ = base + ".jsonl";
    out_ = base + ".out";
    write(trace_, trace_text);
  }
  void TearDown() override {
    std::remove(trace_.c_str());
    std::remove(out_.c_str());
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string run(std::string_view format, Options options = {}) {
    result_ = export_trace(trace_, format, out_, options);
    std::ifstream in(out_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string trace_;
  std::string out_;
  Result result_;
};

TEST_F(ExportTest, ChromeBindsOneFlowPerCopyToTheEnclosingSlices) {
  const std::string out = run("chrome");
  ASSERT_EQ(result_.status, Status::ok) << result_.error;
  EXPECT_EQ(result_.events, 13U);
  // Kinds this build does not know are shown by name, not refused.
  EXPECT_NE(out.find(R"("name":"state_transfer","cat":"node","pid":2)"), std::string::npos);
  EXPECT_NE(out.find(R"({"ph":"i","s":"g","name":"epoch","cat":"other")"), std::string::npos);
  // Both copies of message 1 start at n0's slice at 1 us and end at n1's slices.
  EXPECT_NE(out.find(R"({"ph":"s","name":"msg","cat":"node","id":2,"pid":1,"tid":1,"ts":1.000})"),
            std::string::npos);
  EXPECT_NE(out.find(R"({"ph":"s","name":"msg","cat":"node","id":3,"pid":1,"tid":1,"ts":1.000})"),
            std::string::npos);
  EXPECT_NE(
      out.find(
          R"({"ph":"f","bp":"e","name":"msg","cat":"node","id":2,"pid":2,"tid":1,"ts":1.500})"),
      std::string::npos);
  EXPECT_NE(
      out.find(
          R"({"ph":"f","bp":"e","name":"msg","cat":"node","id":3,"pid":2,"tid":1,"ts":1.700})"),
      std::string::npos);
  // One slice for n1's receipt and send at 1.5 us, written before its flows.
  const auto slice =
      out.find(R"("name":"recv train from n0 + send ack to n0","cat":"node","pid":2)");
  ASSERT_NE(slice, std::string::npos);
  EXPECT_LT(slice, out.find(R"("id":2,"pid":2)"));
  // The client's operation, the crash, the partition and the status counter.
  EXPECT_NE(
      out.find(
          R"("name":"put k1 v\"1 -> ok","cat":"client","pid":4,"tid":1,"ts":1.000,"dur":1.100)"),
      std::string::npos);
  EXPECT_NE(out.find(R"({"ph":"i","s":"p","name":"crash","cat":"fault","pid":3)"),
            std::string::npos);
  EXPECT_NE(out.find(R"({"ph":"i","s":"g","name":"partition {0,1}|{2}")"), std::string::npos);
  EXPECT_NE(out.find(R"("args":{"term":2,"role":1,"leader":-1})"), std::string::npos);
  EXPECT_EQ(out.substr(0, 16), "{\"traceEvents\":[");
  EXPECT_EQ(out.substr(out.size() - 3), "}}\n");
}

TEST_F(ExportTest, ShivizMergesTheSendersClockOnReceipt) {
  const std::string out = run("shiviz");
  ASSERT_EQ(result_.status, Status::ok) << result_.error;
  std::istringstream in(out);
  std::string regex, delimiter;
  std::getline(in, regex);
  std::getline(in, delimiter);
  EXPECT_NE(regex.find("(?<host>"), std::string::npos);
  EXPECT_EQ(delimiter, "");
  EXPECT_NE(out.find("client c0.1 step=1 t=1000ns\nn0 {\"n0\":1}\n"), std::string::npos);
  EXPECT_NE(out.find("send train m1 to=n1 step=1 t=1000ns\nn0 {\"n0\":2}\n"), std::string::npos);
  EXPECT_NE(out.find("recv train m1 from=n0 step=2 t=1500ns\nn1 {\"n0\":2,\"n1\":1}\n"),
            std::string::npos);
  // The duplicate arrives later: the same clock merged again.
  EXPECT_NE(out.find("recv train m1 from=n0 step=3 t=1700ns\nn1 {\"n0\":2,\"n1\":3}\n"),
            std::string::npos);
  EXPECT_NE(out.find("recv ack m2 from=n1 step=4 t=2100ns\nn0 {\"n0\":3,\"n1\":2}\n"),
            std::string::npos);
  EXPECT_NE(out.find("crash step=5 t=3000ns\nn2 {\"n2\":1}\n"), std::string::npos);
}

TEST_F(ExportTest, HistoriesPairInvocationsWithCompletions) {
  const std::string edn = run("edn");
  ASSERT_EQ(result_.status, Status::ok) << result_.error;
  EXPECT_EQ(edn,
            "{:index 0, :time 1000, :type :invoke, :process 0, :f :put, :key \"k1\", :value "
            "\"v\\\"1\", :node 0}\n"
            "{:index 1, :time 2100, :type :ok, :process 0, :f :put, :key \"k1\", :value "
            "\"v\\\"1\", :node 0}\n"
            "{:index 2, :time 3000, :type :info, :process :nemesis, :f :partition, :value "
            "\"{0,1}|{2}\"}\n"
            "{:index 3, :time 3000, :type :info, :process :nemesis, :f :partition, :value "
            "\"{0,1}|{2}\"}\n");
  const std::string porcupine = run("porcupine");
  ASSERT_EQ(result_.status, Status::ok) << result_.error;
  EXPECT_EQ(porcupine,
            "[\n{\"ClientId\":0,\"Input\":{\"f\":\"put\",\"key\":\"k1\",\"value\":\"v\\\"1\"},"
            "\"Call\":1000,\"Output\":{\"type\":\"ok\",\"applied\":1},\"Return\":2100,"
            "\"Metadata\":{\"node\":0,\"seq\":1,\"step\":1}}\n]\n");
}

TEST_F(ExportTest, MermaidDrawsEachMessageAtItsReceipt) {
  const std::string out = run("mermaid");
  ASSERT_EQ(result_.status, Status::ok) << result_.error;
  EXPECT_EQ(out.substr(0, 16), "sequenceDiagram\n");
  EXPECT_NE(out.find("    C0->>N0: put k1 'v\"1' [step 1, 1.000us]\n"), std::string::npos);
  EXPECT_NE(out.find("    N0-)N1: train m1 sent 1.000us, received [step 2, 1.500us]\n"),
            std::string::npos);
  EXPECT_NE(out.find("    Note over N0,N2: partition {0,1}|{2} [step 5, 3.000us]\n"),
            std::string::npos);
  Options small;
  small.messages_max = 2;
  // A refused diagram leaves the complete file of the earlier export as it was...
  EXPECT_EQ(run("mermaid", small), out);
  EXPECT_EQ(result_.status, Status::input_error);
  EXPECT_NE(result_.error.find(".jsonl:7: mermaid: the diagram would have more than 2 arrows"),
            std::string::npos)
      << result_.error;
  // ... and where there was none, none.
  std::remove(out_.c_str());
  run("mermaid", small);
  EXPECT_EQ(result_.status, Status::input_error);
  EXPECT_NE(::access(out_.c_str(), F_OK), 0);
  EXPECT_NE(::access((out_ + ".tmp").c_str(), F_OK), 0);
}

TEST_F(ExportTest, BadInputNamesFileLineAndFieldAndLeavesNoOutput) {
  std::string text = trace_text;
  text.replace(text.find("\"id\":2,\"msg\":\"ack\""), 7, "");
  write(trace_, text);
  for (const char* format : {"shiviz", "mermaid", "chrome"}) {
    run(format);
    ASSERT_EQ(result_.status, Status::input_error) << format;
    EXPECT_NE(result_.error.find(trace_ + ":6: field 'id': missing"), std::string::npos)
        << result_.error;
    EXPECT_NE(::access(out_.c_str(), F_OK), 0);
    EXPECT_NE(::access((out_ + ".tmp").c_str(), F_OK), 0);
  }
  text = trace_text;
  text.replace(text.find("{\"step\":4,\"t\":2100,\"ev\":\"ok\""), 1, "[");
  write(trace_, text);
  run("edn");
  EXPECT_EQ(result_.status, Status::input_error);
  EXPECT_NE(result_.error.find(":9: column 1: not a JSON object"), std::string::npos)
      << result_.error;
}

TEST(EventLine, ReadsFlatObjectsWithEscapesNegativesAndArrays) {
  EventLine e;
  e.parse(
      R"({"step":3,"t":7,"ev":"view","node":1,"members":[0,2],"leader":-1,"s":"a\"b\\c\u0001"})");
  EXPECT_EQ(e.step(), 3U);
  EXPECT_EQ(e.t_ns(), 7);
  EXPECT_EQ(e.ev(), "view");
  EXPECT_EQ(e.integer("leader"), -1);
  EXPECT_EQ(e.string("s"), std::string("a\"b\\c\x01"));
  EXPECT_EQ(integer_array("members", *e.find("members")), (std::vector<std::int64_t>{0, 2}));
  EXPECT_THROW(e.string("node"), InputError);
  EXPECT_THROW(e.parse(R"({"step":1,"t":2})"), InputError);
  EXPECT_THROW(e.parse(R"({"step":1,"t":2,"ev":"x")"), InputError);
  EXPECT_THROW(e.parse(R"({"step":1,"t":99999999999999999999,"ev":"x"})"), InputError);
  try {
    e.parse(R"({"step":1,"t":2,"ev":"x",})");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "column 26: a key is missing");
  }
}

}  // namespace
}  // namespace ry::exp
