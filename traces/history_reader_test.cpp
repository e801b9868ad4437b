#include "traces/history_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "traces/edn.hpp"

namespace ry {
namespace {

History parsed(const std::string& text) {
  std::string error;
  auto h = parse_history(text, "h", error);
  EXPECT_TRUE(h) << error;
  return h ? *h : History{};
}

std::string error_of(const std::string& text) {
  std::string error;
  const auto h = parse_history(text, "h.jsonl", error);
  EXPECT_FALSE(h);
  return error;
}

TEST(EdnReader, ReadsWhatJepsenLinesHold) {
  std::string error;
  const auto v =
      edn::parse(R"({:type :ok, :f :cas, :value [1 "two"], :process 3, :time 123456, :index 7, )"
                 R"(:error nil, :ok? true, :latency 1.5, :l (1 2) ; a comment)"
                 "\n}",
                 error);
  ASSERT_TRUE(v) << error;
  EXPECT_EQ(v->kind, edn::Kind::map);
  EXPECT_TRUE(v->find("type")->is_keyword("ok"));
  EXPECT_EQ(v->find("time")->integer, 123456);
  EXPECT_EQ(v->find("value")->items[1].text, "two");
  EXPECT_EQ(v->find("error")->kind, edn::Kind::nil);
  EXPECT_TRUE(v->find("ok?")->boolean);
  EXPECT_EQ(v->find("latency")->kind, edn::Kind::floating);
  EXPECT_EQ(v->find("l")->kind, edn::Kind::list);
  EXPECT_EQ(v->find("missing"), nullptr);
  const auto tagged = edn::parse(R"(#jepsen.history.Op{:process 1 :s "a\"b\u00e9"})", error);
  ASSERT_TRUE(tagged) << error;
  EXPECT_EQ(tagged->find("s")->text, "a\"b\xc3\xa9");
}

TEST(EdnReader, RefusesWhatItDoesNotReadWithAColumn) {
  std::string error;
  EXPECT_FALSE(edn::parse("{:a #{1 2}}", error));
  EXPECT_EQ(error, "column 5: sets (#{...}) are not supported");
  EXPECT_FALSE(edn::parse("{:a 1", error));
  EXPECT_EQ(error, "column 6: missing '}'");
  EXPECT_FALSE(edn::parse("{:a}", error));
  EXPECT_NE(error.find("even number"), std::string::npos);
  EXPECT_FALSE(edn::parse("{:a \\c}", error));
  EXPECT_NE(error.find("characters"), std::string::npos);
  EXPECT_FALSE(edn::parse("99999999999999999999", error));
  EXPECT_NE(error.find("64 bits"), std::string::npos);
  EXPECT_FALSE(edn::parse("{:a 1} {:b 2}", error));
  EXPECT_NE(error.find("after the value"), std::string::npos);
  EXPECT_FALSE(edn::parse(std::string(10'000, '['), error));
  EXPECT_NE(error.find("nested deeper"), std::string::npos);
  EXPECT_FALSE(edn::parse("\"open", error));
  EXPECT_NE(error.find("unterminated"), std::string::npos);
}

TEST(HistoryReader, ReadsRailyardJsonLines) {
  const History h = parsed(
      R"({"index":0,"time":1200,"process":3,"type":"invoke","f":"put","key":"k1","value":"v1","node":1})"
      "\n"
      R"({"index":1,"time":1300,"process":4,"type":"invoke","f":"get","key":"k1","value":null})"
      "\n"
      R"({"index":2,"time":5300,"process":3,"type":"ok","f":"put","key":"k1","value":"v1","node":1,"applied":17})"
      "\n"
      R"({"index":3,"time":6000,"process":4,"type":"ok","f":"get","key":"k1","value":"v1","applied":18})"
      "\n"
      R"({"index":4,"time":7000,"process":5,"type":"invoke","f":"cas","value":["","x"]})"
      "\n"
      R"({"index":5,"time":7100,"process":5,"type":"fail","f":"cas","value":["","x"]})"
      "\n"
      R"({"index":6,"time":8000,"process":6,"type":"invoke","f":"write","value":"w"})"
      "\n"
      R"({"index":7,"time":9000,"process":6,"type":"info","f":"write","value":"w"})"
      "\n"
      R"({"index":8,"time":9500,"process":7,"type":"invoke","f":"read","value":null})"
      "\n");
  ASSERT_EQ(h.ops.size(), 5U);
  EXPECT_EQ(h.ops[0].op, (Operation{OpKind::put, "k1", "v1", ""}));
  EXPECT_EQ(h.ops[0].outcome, OpOutcome::ok);
  EXPECT_EQ(h.ops[0].invoke_ns, 1200);
  EXPECT_EQ(h.ops[0].complete_ns, 5300);
  EXPECT_EQ(h.ops[0].applied, 17U);
  EXPECT_EQ(h.ops[0].invoke_line, 1U);
  EXPECT_EQ(h.ops[0].complete_line, 3U);
  EXPECT_TRUE(h.ops[0].keyed);
  EXPECT_EQ(h.ops[1].output, "v1");
  EXPECT_EQ(h.ops[2].op, (Operation{OpKind::cas, "", "x", ""}));
  EXPECT_EQ(h.ops[2].outcome, OpOutcome::fail);
  EXPECT_FALSE(h.ops[2].keyed);
  EXPECT_EQ(h.ops[3].outcome, OpOutcome::info);
  EXPECT_FALSE(h.ops[3].complete_ns);
  EXPECT_EQ(h.ops[3].complete_line, 8U);
  EXPECT_EQ(h.ops[4].outcome, OpOutcome::info);  // never completed
  EXPECT_EQ(h.ops[4].complete_line, 0U);
}

TEST(HistoryReader, AJsonReadWithANullResultIsUnknown) {
  const History h =
      parsed(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"read","value":null})"
             "\n"
             R"({"index":1,"time":2,"process":0,"type":"ok","f":"read","value":null})"
             "\n");
  ASSERT_EQ(h.ops.size(), 1U);
  EXPECT_FALSE(h.ops[0].output);
}

TEST(HistoryReader, ReadsJepsenEdnRegisterHistories) {
  const History h = parsed(
      "{:process 0, :type :invoke, :f :read, :value nil}\n"
      "{:process 1, :type :invoke, :f :write, :value 3}\n"
      "{:process :nemesis, :type :info, :f :start, :value nil}\n"
      "{:process 0, :type :ok, :f :read, :value nil}\n"
      "\n"
      "; a comment line\n"
      "{:process 1, :type :ok, :f :write, :value 3}\n"
      "{:process 2, :type :invoke, :f :cas, :value [3 \"4\"]}\n"
      "{:process 2, :type :info, :f :cas, :value [3 \"4\"], :error :timeout}\n"
      "{:process 0, :type :invoke, :f :read, :value nil}\n"
      "{:process 0, :type :ok, :f :read, :value 3}\n");
  ASSERT_EQ(h.ops.size(), 4U);
  EXPECT_EQ(h.ops[0].output, "");  // nil: the initial value
  EXPECT_EQ(h.ops[0].invoke_ns, 0);
  EXPECT_EQ(h.ops[0].complete_ns, 2);  // no :time: the event's place, nemesis lines skipped
  EXPECT_EQ(h.ops[0].complete_line, 4U);
  EXPECT_EQ(h.ops[1].op, (Operation{OpKind::write, "", "3", ""}));
  EXPECT_EQ(h.ops[2].op, (Operation{OpKind::cas, "", "4", "3"}));
  EXPECT_EQ(h.ops[2].outcome, OpOutcome::info);
  EXPECT_EQ(h.ops[3].output, "3");
  EXPECT_FALSE(h.ops[0].keyed);
}

TEST(HistoryReader, ReadsJepsenEdnKvHistoriesWithTupleAndFieldKeys) {
  const History h = parsed(
      "{:type :invoke, :f :write, :value [:x 3], :process 0, :time 10, :index 0}\n"
      "{:type :ok, :f :write, :value [:x 3], :process 0, :time 20, :index 1}\n"
      "{:type :invoke, :f :read, :value [\"y\" nil], :process 1, :time 30, :index 2}\n"
      "{:type :ok, :f :read, :value [\"y\" 5], :process 1, :time 40, :index 3}\n"
      "{:type :invoke, :f :append, :key 7, :value \"a\", :process 2, :time 50}\n"
      "{:type :ok, :f :append, :key 7, :value \"a\", :process 2, :time 60}\n"
      "{:type :invoke, :f :cas, :value [:x [3 4]], :process 3, :time 70}\n"
      "{:type :ok, :f :cas, :value [:x [3 4]], :process 3, :time 80}\n");
  ASSERT_EQ(h.ops.size(), 4U);
  EXPECT_EQ(h.ops[0].op, (Operation{OpKind::write, "x", "3", ""}));
  EXPECT_TRUE(h.ops[0].keyed);
  EXPECT_EQ(h.ops[0].complete_ns, 20);
  EXPECT_EQ(h.ops[1].op.key, "y");
  EXPECT_EQ(h.ops[1].output, "5");
  EXPECT_EQ(h.ops[2].op, (Operation{OpKind::append, "7", "a", ""}));
  EXPECT_EQ(h.ops[3].op, (Operation{OpKind::cas, "x", "4", "3"}));
}

TEST(HistoryReader, JepsenProcessesArePairedAndACrashedProcessMayNotReinvoke) {
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :read, :value nil}\n"
                     "{:process 0, :type :invoke, :f :read, :value nil}\n"),
            "h.jsonl:2: field 'process': process 0 invokes again while its operation from line "
            "1 is still open");
  EXPECT_EQ(error_of("{:process 0, :type :ok, :f :read, :value nil}\n"),
            "h.jsonl:1: field 'process': process 0 completes an operation it never invoked");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :read, :value nil}\n"
                     "{:process 0, :type :ok, :f :write, :value 1}\n"),
            "h.jsonl:2: field 'f': completes a \"read\" (line 1) with \"write\"");
}

TEST(HistoryReader, BadEdnLinesNameTheLineAndField) {
  EXPECT_EQ(
      error_of("{:process 0, :type :invoke, :f :read}\n{:process 1, :type :invoke, :f :txn}\n"),
      "h.jsonl:2: field 'f': unknown operation \"txn\"");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :read, :value #{1}}\n"),
            "h.jsonl:1: not EDN: column 46: sets (#{...}) are not supported");
  EXPECT_EQ(error_of("{:process :client, :type :invoke, :f :read}\n"),
            "h.jsonl:1: field 'process': unknown process :client");
  EXPECT_EQ(error_of("{:process 0, :type :begin, :f :read}\n"),
            "h.jsonl:1: field 'type': must be :invoke, :ok, :fail or :info");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :cas, :value 3}\n"),
            "h.jsonl:1: field 'value': a cas needs [from to]");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :put, :value 3}\n"),
            "h.jsonl:1: field 'value': a put without :key needs a [key value] tuple");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :write, :value {:a 1}}\n"),
            "h.jsonl:1: field 'value': must be an integer, string or nil, not a map");
  EXPECT_EQ(error_of("{:process 0, :type :invoke, :f :read, :time 5}\n"
                     "{:process 0, :type :ok, :f :read, :time 4}\n"),
            "h.jsonl:2: field 'time': 4 is before the previous event's 5");
  EXPECT_EQ(error_of("{:type :invoke, :f :read}\n"), "h.jsonl:1: field 'process': missing");
}

TEST(HistoryReader, BadJsonLinesNameTheLineAndField) {
  const std::string ok0 = R"({"index":0,"time":1,"process":0,"type":"invoke","f":"read"})"
                          "\n";
  EXPECT_EQ(error_of(ok0 + R"({"index":1,"time":2,"process":0,"type":"ok","f":"foo"})"
                           "\n"),
            "h.jsonl:2: field 'f': unknown operation \"foo\"");
  EXPECT_EQ(error_of(R"({"index":1,"time":1,"process":0,"type":"invoke","f":"read"})"
                     "\n"),
            "h.jsonl:1: field 'index': expected 0, found 1");
  EXPECT_EQ(error_of(R"({"index":0,"time":"1","process":0,"type":"invoke","f":"read"})"
                     "\n"),
            "h.jsonl:1: field 'time': must be an integer, not string");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":-1,"type":"invoke","f":"read"})"
                     "\n"),
            "h.jsonl:1: field 'process': must be at least 0");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"read","colour":1})"
                     "\n"),
            "h.jsonl:1: field 'colour': unknown field");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"start","f":"read"})"
                     "\n"),
            "h.jsonl:1: field 'type': unknown event type \"start\"");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"cas","value":"x"})"
                     "\n"),
            "h.jsonl:1: field 'value': a cas needs [\"from\",\"to\"] (two strings)");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"write"})"
                     "\n"),
            "h.jsonl:1: field 'value': missing (a write writes a string)");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"put","value":"x"})"
                     "\n"),
            "h.jsonl:1: field 'key': missing (a put needs a key)");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"read","applied":3})"
                     "\n"),
            "h.jsonl:1: field 'applied': only ok events have it");
  EXPECT_EQ(
      error_of(ok0 + R"({"index":1,"time":2,"process":0,"type":"ok","f":"read","value":[[[[1]]]]})"
                     "\n"),
      "h.jsonl:2: nested deeper than a history event can be");
  EXPECT_EQ(error_of(ok0 + "{\"index\":1,\n"), "h.jsonl:2: not valid JSON");
  EXPECT_EQ(error_of("[1,2]\n"),
            "h.jsonl:1: not a history: expected a JSON object or an EDN map, found '['");
  EXPECT_EQ(error_of(ok0 + std::string(history_line_max + 1, ' ') + "x\n"),
            "h.jsonl:2: line longer than 1048576 bytes");
}

TEST(HistoryReader, NamesFromTheFileAreEscapedSoAnErrorStaysOneLine) {
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":"re\nad\u0001"})"
                     "\n"),
            "h.jsonl:1: field 'f': unknown operation \"re\\nad\\x01\"");
  EXPECT_EQ(error_of(R"({"index":0,"time":1,"process":0,"type":"invoke","f":")" +
                     std::string(100, 'x') + "\"}\n"),
            "h.jsonl:1: field 'f': unknown operation \"" + std::string(64, 'x') + "...\"");
}

TEST(HistoryReader, AnEmptyFileIsAnEmptyHistory) {
  EXPECT_TRUE(parsed("").ops.empty());
  EXPECT_TRUE(parsed("\n  \n").ops.empty());
}

TEST(HistoryReader, AMissingFileIsAnIoError) {
  std::string error;
  bool io = false;
  EXPECT_FALSE(read_history("/nonexistent/history.jsonl", error, &io));
  EXPECT_TRUE(io);
  EXPECT_EQ(error.rfind("/nonexistent/history.jsonl: cannot open", 0), 0U);
  const auto path = std::filesystem::path(::testing::TempDir()) / "ry_history_reader.edn";
  {
    std::ofstream out(path);
    out << "{:process 0, :type :invoke, :f :write, :value 1}\n";
  }
  const auto h = read_history(path.string(), error, &io);
  ASSERT_TRUE(h) << error;
  EXPECT_FALSE(io);
  EXPECT_EQ(h->ops.size(), 1U);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ry
