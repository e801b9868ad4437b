#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tools/cli/check_history.hpp"

namespace ry {
namespace {

namespace fs = std::filesystem;

class CheckHistoryCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("ry_check_history_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  int check(const std::string& name, const std::string& content, std::string model = "auto",
            std::uint64_t steps_max = 0) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    CheckHistoryOptions o;
    o.path = path;
    o.model = std::move(model);
    o.steps_max = steps_max;
    o.quiet = true;
    return command_check_history(o);
  }

  fs::path dir_;
};

TEST_F(CheckHistoryCommand, ExitCodesFollowTheVerdict) {
  EXPECT_EQ(check("ok.edn",
                  "{:process 0, :type :invoke, :f :write, :value 1}\n"
                  "{:process 0, :type :ok, :f :write, :value 1}\n"
                  "{:process 1, :type :invoke, :f :read, :value nil}\n"
                  "{:process 1, :type :ok, :f :read, :value 1}\n"),
            0);
  EXPECT_EQ(check("stale.edn",
                  "{:process 0, :type :invoke, :f :write, :value 1}\n"
                  "{:process 0, :type :ok, :f :write, :value 1}\n"
                  "{:process 1, :type :invoke, :f :read, :value nil}\n"
                  "{:process 1, :type :ok, :f :read, :value nil}\n"),
            1);
  EXPECT_EQ(check("bad.jsonl", R"({"index":0,"time":1,"process":0,"type":"invoke","f":"foo"})"
                               "\n"),
            2);
  std::string many;
  for (int i = 0; i < 40; ++i) {
    many += "{:process " + std::to_string(i) + ", :type :invoke, :f :write, :value " +
            std::to_string(i) + "}\n";
  }
  many += "{:process 99, :type :invoke, :f :read}\n{:process 99, :type :ok, :f :read, :value 77}\n";
  EXPECT_EQ(check("many.edn", many, "auto", 10'000), 3);
  CheckHistoryOptions missing;
  missing.path = (dir_ / "missing.jsonl").string();
  EXPECT_EQ(command_check_history(missing), 5);
}

TEST_F(CheckHistoryCommand, TheModelIsPickedFromTheOperations) {
  const std::string kv =
      R"({"index":0,"time":1,"process":0,"type":"invoke","f":"put","key":"a","value":"1"})"
      "\n"
      R"({"index":1,"time":2,"process":0,"type":"ok","f":"put","key":"a","value":"1"})"
      "\n";
  EXPECT_EQ(check("kv.jsonl", kv), 0);
  EXPECT_EQ(check("kv.jsonl", kv, "kv"), 0);
  EXPECT_EQ(check("kv.jsonl", kv, "register"), 2);
  EXPECT_EQ(check("kv.jsonl", kv, "queue"), 2);
}

}  // namespace
}  // namespace ry
