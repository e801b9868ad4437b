// Interaction scripts (in the style of etcd raft's testdata): every protocol/raft/testdata/*.txt
// is a sequence of commands, each followed by the output it must produce:
//
//   # a comment (kept on rewrite)
//   command arg arg
//   ----
//   output line
//   output line
//   <blank line>
//
// An empty output is written as "ok". Run with RY_REWRITE=1 to regenerate the outputs in place
// (then review the diff). The world is test_cluster.hpp: a message queue that moves only on
// `deliver`, auto-synced disks unless `sync-mode N manual`, and a clock that moves only on
// `advance`. Commands:
//
//   add-nodes N [learners=a,b] [reads=log|read_index|lease] [batch=B] [snapshot=T]
//             [trailing=K] [chunk=BYTES] [bugs=R1,R4]  create and start N nodes (first command);
//             snapshot=T also turns the snapshot cooldown off
//   campaign N | tick N [election|heartbeat|check-quorum]   fire a timer of node N
//   advance MS                         move the clock
//   deliver [N [M]]                    deliver what is queued now (to N only, from M only), print
//                                      each message
//   stabilize                          deliver until nothing is in flight; print no messages
//   drop [N]                           drop what is queued (to N only)
//   propose N put K V | get K | append K V | cas K FROM TO
//   admin N add-learner X | promote X | remove X | transfer X
//   partition 0 1 | 2 3 4   heal   crash N   restart N   sync-mode N manual|auto   sync N
//   set-log N term=T t1 t2 ...         replace N's disk: term T, entries with these terms; restart
//   status   log N   kv N K
//
// Output lines: "A->B kind field=value..." a delivered message; "N note KIND a b"; "N transfer X"
// (the applied sequence restarts at position X); "N truncate I" (entries from I on dropped);
// "N apply C.S" (an applied command); "N reply C.S status "value" hint=L"; "N sync pending".
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/raft/test_cluster.hpp"

namespace ry::raft {
namespace {

namespace fs = std::filesystem;

fs::path testdata_dir() { return fs::path(__FILE__).parent_path() / "testdata"; }

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::uint32_t number(const std::string& s) {
  std::uint32_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) throw std::runtime_error("bad number: " + s);
  return v;
}

std::vector<std::uint32_t> numbers(const std::string& list) {
  std::vector<std::uint32_t> out;
  std::string item;
  std::istringstream in(list);
  while (std::getline(in, item, ',')) out.push_back(number(item));
  return out;
}

struct Block {
  std::vector<std::string> comments;
  std::string command;
  std::string expected;
};

std::vector<Block> parse(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Block> blocks;
  Block block;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      block.comments.push_back(line);
      continue;
    }
    block.command = line;
    if (!std::getline(in, line) || line != "----") {
      throw std::runtime_error("expected ---- after: " + block.command);
    }
    while (std::getline(in, line) && !line.empty()) block.expected += line + "\n";
    blocks.push_back(std::move(block));
    block = Block{};
  }
  if (!block.comments.empty()) blocks.push_back(std::move(block));  // trailing comments
  return blocks;
}

class Runner {
 public:
  std::string run(const std::string& command_line) {
    out_.str("");
    const auto w = split(command_line);
    if (w.empty()) throw std::runtime_error("empty command");
    const std::string& cmd = w[0];
    if (cmd == "add-nodes") {
      add_nodes(w);
    } else if (cmd == "campaign") {
      c().tick(number(w.at(1)), Core::election_timer);
    } else if (cmd == "tick") {
      const std::string timer = w.size() > 2 ? w[2] : "election";
      const TimerId id = timer == "heartbeat"      ? Core::heartbeat_timer
                         : timer == "check-quorum" ? Core::check_quorum_timer
                                                   : Core::election_timer;
      c().tick(number(w.at(1)), id);
    } else if (cmd == "advance") {
      c().advance(static_cast<Nanos>(number(w.at(1))) * ms_ns);
    } else if (cmd == "deliver") {
      c().deliver(w.size() > 1 ? std::optional<std::uint32_t>(number(w[1])) : std::nullopt,
                  w.size() > 2 ? std::optional<std::uint32_t>(number(w[2])) : std::nullopt);
    } else if (cmd == "stabilize") {
      c().set_print_messages(false);
      c().stabilize();
      c().set_print_messages(true);
    } else if (cmd == "drop") {
      const auto n =
          c().drop(w.size() > 1 ? std::optional<std::uint32_t>(number(w[1])) : std::nullopt);
      out_ << "dropped " << n << '\n';
    } else if (cmd == "propose") {
      c().propose(number(w.at(1)), operation(w));
    } else if (cmd == "admin") {
      admin(w);
    } else if (cmd == "partition") {
      std::vector<std::vector<std::uint32_t>> groups(1);
      for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i] == "|") {
          groups.emplace_back();
        } else {
          groups.back().push_back(number(w[i]));
        }
      }
      c().partition(groups);
    } else if (cmd == "heal") {
      c().heal();
    } else if (cmd == "crash") {
      c().crash(number(w.at(1)));
    } else if (cmd == "restart") {
      c().restart(number(w.at(1)));
    } else if (cmd == "sync-mode") {
      c().set_manual_sync(number(w.at(1)), w.at(2) == "manual");
    } else if (cmd == "sync") {
      c().sync(number(w.at(1)));
    } else if (cmd == "set-log") {
      set_log(w);
    } else if (cmd == "status") {
      status();
    } else if (cmd == "log") {
      log(number(w.at(1)));
    } else if (cmd == "kv") {
      const auto& core = c().core(number(w.at(1)));
      out_ << w.at(2) << "=\"" << core.kv().value(w.at(2)).value_or("") << "\"\n";
    } else {
      throw std::runtime_error("unknown command: " + cmd);
    }
    std::string output = out_.str();
    return output.empty() ? "ok\n" : output;
  }

 private:
  testing::Cluster& c() {
    if (!cluster_) throw std::runtime_error("add-nodes first");
    return *cluster_;
  }

  void add_nodes(const std::vector<std::string>& w) {
    config_ = Config{};
    config_.nodes = number(w.at(1));
    for (std::size_t i = 2; i < w.size(); ++i) {
      const auto eq = w[i].find('=');
      const std::string key = w[i].substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : w[i].substr(eq + 1);
      if (key == "learners") {
        for (const auto n : numbers(value)) config_.learners.push_back(NodeId{n});
      } else if (key == "reads") {
        config_.reads = value == "lease"        ? Reads::lease
                        : value == "read_index" ? Reads::read_index
                                                : Reads::log;
      } else if (key == "batch") {
        config_.batch_entries_max = number(value);
      } else if (key == "snapshot") {
        config_.snapshot_threshold = number(value);
        config_.snapshot_cooldown_ns = 0;  // scripts snapshot as often as the threshold says
      } else if (key == "trailing") {
        config_.snapshot_trailing = number(value);
      } else if (key == "chunk") {
        config_.snapshot_chunk_bytes = number(value);
      } else if (key == "bugs") {
        std::istringstream in(value);
        std::string name;
        while (std::getline(in, name, ',')) {
          const auto bug = bug_from_name(name);
          if (!bug) throw std::runtime_error("unknown bug: " + name);
          config_.bugs.add(*bug);
        }
      } else {
        throw std::runtime_error("unknown option: " + key);
      }
    }
    cluster_ = std::make_unique<testing::Cluster>(config_, &out_);
    cluster_->start();
  }

  static Operation operation(const std::vector<std::string>& w) {
    Operation op;
    const std::string& f = w.at(2);
    op.f = op_kind_from(f).value();
    op.key = w.at(3);
    if (op.f == OpKind::put || op.f == OpKind::append) op.value = w.at(4);
    if (op.f == OpKind::cas) {
      op.expected = w.at(4);
      op.value = w.at(5);
    }
    return op;
  }

  void admin(const std::vector<std::string>& w) {
    const std::uint32_t n = number(w.at(1));
    const std::string& what = w.at(2);
    const NodeId x{number(w.at(3))};
    if (what == "transfer") {
      c().admin(n, encode_transfer_leadership(x));
      return;
    }
    const ChangeKind kind = what == "add-learner" ? ChangeKind::add_learner
                            : what == "promote"   ? ChangeKind::promote
                                                  : ChangeKind::remove;
    if (what != "add-learner" && what != "promote" && what != "remove") {
      throw std::runtime_error("unknown admin command: " + what);
    }
    c().admin(n, encode_membership_change(MembershipChange{kind, x}));
  }

  void set_log(const std::vector<std::string>& w) {
    const std::uint32_t n = number(w.at(1));
    const std::string& t = w.at(2);
    if (!t.starts_with("term=")) throw std::runtime_error("set-log N term=T ...");
    std::vector<Record> records;
    records.emplace_back(TermVoteRecord{number(t.substr(5)), std::nullopt});
    for (std::size_t i = 3; i < w.size(); ++i) {
      const Index index = i - 2;
      const Term term = number(w[i]);
      Operation op{OpKind::put, "x", std::to_string(term) + "." + std::to_string(index), ""};
      const std::string payload = encode_command(RequestId{ClientId{9}, index}, encode(op));
      records.emplace_back(EntryRecord{index, term, EntryKind::command, payload});
    }
    c().set_disk(n, encode_all(records));
  }

  void status() {
    for (std::uint32_t n = 0; n < c().size(); ++n) {
      if (!c().up(n)) {
        out_ << n << ": down\n";
        continue;
      }
      const Core& core = c().core(n);
      const Status s = core.status();
      out_ << n << ": term=" << s.term << ' ' << to_string(s.role)
           << " leader=" << (s.leader ? std::to_string(s.leader->value) : "-")
           << " commit=" << s.commit << " applied=" << s.applied << " last=" << core.last_index()
           << " voters=" << list(core.voters()) << " learners=" << list(core.learners()) << '\n';
    }
  }

  static std::string list(const std::vector<NodeId>& nodes) {
    std::string out;
    for (const NodeId n : nodes) out += (out.empty() ? "" : ",") + std::to_string(n.value);
    return out.empty() ? "-" : out;
  }

  void log(std::uint32_t n) {
    const Core& core = c().core(n);
    const Log& log = core.log();
    out_ << "base=" << log.base() << '/' << log.base_term();
    if (core.snapshot()) out_ << " snapshot=" << core.snapshot()->last_index;
    out_ << '\n';
    for (Index i = log.base() + 1; i <= log.last_index(); ++i) {
      const Entry& e = log.at(i);
      out_ << i << '/' << e.term << ' ';
      if (e.kind == EntryKind::noop) {
        out_ << "noop";
      } else if (e.kind == EntryKind::config) {
        const auto ce = decode_config_entry(e.payload);
        out_ << "config voters=" << list(ce->result.voters)
             << " learners=" << list(ce->result.learners);
      } else {
        const auto cmd = decode_command(e.payload);
        const auto op = decode_operation(cmd->operation);
        out_ << to_string(op->f) << ' ' << op->key;
        if (!op->value.empty()) out_ << ' ' << op->value;
      }
      out_ << '\n';
    }
  }

  Config config_;
  std::ostringstream out_;
  std::unique_ptr<testing::Cluster> cluster_;
};

std::vector<std::string> script_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(testdata_dir())) {
    if (entry.path().extension() == ".txt") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class RaftInteraction : public ::testing::TestWithParam<std::string> {};

TEST_P(RaftInteraction, Script) {
  const fs::path file = testdata_dir() / (GetParam() + ".txt");
  const auto blocks = parse(file);
  ASSERT_FALSE(blocks.empty());
  Runner runner;
  std::string rewritten;
  for (const Block& block : blocks) {
    for (const auto& comment : block.comments) rewritten += comment + "\n";
    if (block.command.empty()) continue;
    const std::string actual = runner.run(block.command);
    EXPECT_EQ(block.expected, actual) << file.string() << ": " << block.command;
    rewritten += block.command + "\n----\n" + actual + "\n";
  }
  const char* rewrite = std::getenv("RY_REWRITE");
  if (rewrite != nullptr && std::string(rewrite) == "1") {
    std::ofstream(file) << rewritten;
  }
}

INSTANTIATE_TEST_SUITE_P(Raft, RaftInteraction, ::testing::ValuesIn(script_names()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace ry::raft
