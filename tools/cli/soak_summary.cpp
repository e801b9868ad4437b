#include "tools/cli/soak_summary.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string_view>

#include "tools/engine/json_source.hpp"
#include "traces/json_limits.hpp"
#include "traces/json_line.hpp"

namespace ry {

namespace {

using Json = nlohmann::ordered_json;

// A summary of a million failing seeds is about 500 MB; more than that is not one of ours.
constexpr std::uintmax_t summary_bytes_max = std::uintmax_t{1} << 30;

std::string_view fault_name(std::size_t i) {
  return i < fault_kinds.size() ? fault_kinds[i] : std::string_view{"other"};
}

std::int64_t per_s_x1000(std::uint64_t count, std::int64_t ms) {
  if (ms <= 0) return 0;
  return static_cast<std::int64_t>(static_cast<double>(count) * 1e6 / static_cast<double>(ms));
}

// Reads the members of one JSON object, each at most once, with errors naming the field.
class Fields {
 public:
  Fields(const Json& object, std::string path, std::string prefix = "")
      : object_(object), path_(std::move(path)), prefix_(std::move(prefix)) {}

  bool fail(std::string_view key, const std::string& what) {
    if (error_.empty()) {
      error_ = path_ + ": field '" + prefix_ + one_line(key) + "': " + what;
    }
    return false;
  }
  const Json* get(std::string_view key, bool required = true) {
    const std::string k(key);
    seen_.insert(k);
    const auto it = object_.find(k);
    if (it == object_.end()) {
      if (required) fail(key, "missing");
      return nullptr;
    }
    return &*it;
  }
  bool u64(std::string_view key, std::uint64_t& out) {
    const Json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_number_unsigned()) return fail(key, "expected a non-negative integer");
    out = v->get<std::uint64_t>();
    return true;
  }
  bool i64(std::string_view key, std::int64_t& out) {
    const Json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_number_integer()) return fail(key, "expected an integer");
    out = v->get<std::int64_t>();
    return true;
  }
  bool boolean(std::string_view key, bool& out) {
    const Json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) return fail(key, "expected true or false");
    out = v->get<bool>();
    return true;
  }
  bool string(std::string_view key, std::string& out) {
    const Json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_string()) return fail(key, "expected a string");
    out = v->get<std::string>();
    return true;
  }
  // Every member was asked for: an unknown one is an error, not silently dropped.
  bool no_others() {
    for (const auto& [key, value] : object_.items()) {
      if (seen_.count(key) == 0) return fail(key, "unknown field");
    }
    return true;
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  const Json& object_;
  std::string path_;
  std::string prefix_;
  std::set<std::string> seen_;
  std::string error_;
};

bool read_failure(const Json& element, std::size_t i, const std::string& path, SoakFailure& f,
                  std::string& error) {
  const std::string prefix = "failures[" + std::to_string(i) + "].";
  if (!element.is_object()) {
    error = path + ": field '" + prefix.substr(0, prefix.size() - 1) + "': expected an object";
    return false;
  }
  Fields in(element, path, prefix);
  const bool ok = in.u64("seed", f.seed) && in.string("kind", f.kind) &&
                  in.string("property", f.property) && in.string("detail", f.detail) &&
                  in.string("reproduce", f.reproduce) && in.no_others();
  if (!ok) error = in.error();
  return ok;
}

bool read_body(const Json& doc, const std::string& path, SoakSummary& s, std::string& error) {
  Fields in(doc, path);
  auto fail = [&](std::string_view key, const std::string& what) {
    in.fail(key, what);
    error = in.error();
    return false;
  };
  bool ok = in.boolean("interrupted", s.interrupted);
  if (ok && in.get("partial", false) != nullptr) {
    ok = in.boolean("partial", s.partial);
    const Json* missing = in.get("shards_missing");
    if (ok && missing != nullptr) {
      if (!missing->is_array()) return fail("shards_missing", "expected an array");
      for (const Json& m : *missing) {
        if (!m.is_number_unsigned()) return fail("shards_missing", "expected shard numbers");
        s.shards_missing.push_back(m.get<std::uint64_t>());
      }
    }
    ok = ok && missing != nullptr;
  }
  ok = ok && in.string("build", s.build) && in.string("protocol", s.protocol) &&
       in.u64("nodes", s.nodes) && in.string("faults", s.faults) && in.boolean("swarm", s.swarm) &&
       in.u64("seeds_first", s.seeds_first) && in.u64("seeds_last", s.seeds_last);
  if (!ok) {
    error = in.error();
    return false;
  }
  if (s.seeds_last < s.seeds_first) return fail("seeds_last", "before seeds_first");
  if (const Json* shard = in.get("shard", false); shard != nullptr) {
    if (!shard->is_string()) return fail("shard", "expected \"I/N\"");
    std::string why;
    s.shard = parse_shard(shard->get<std::string>(), why);
    if (!s.shard) return fail("shard", why.substr(why.find(':') + 2));
  }
  std::uint64_t failures_count = 0;
  std::int64_t ignored = 0;
  ok = in.boolean("stop_on_failure", s.stop_on_failure) && in.u64("seeds_run", s.seeds_run) &&
       in.u64("failures_count", failures_count) && in.u64("halted", s.halted) &&
       in.i64("wall_ms", s.wall_ms) && in.i64("cpu_ms", s.cpu_ms) &&
       in.i64("seeds_per_s_x1000", ignored) && in.i64("seeds_per_cpu_s_x1000", ignored);
  if (!ok) {
    error = in.error();
    return false;
  }
  if (const Json* walls = in.get("shards_wall_ms", false); walls != nullptr) {
    if (!walls->is_array()) return fail("shards_wall_ms", "expected an array");
    for (const Json& w : *walls) {
      if (!w.is_number_integer()) return fail("shards_wall_ms", "expected integers");
      s.shards_wall_ms.push_back(w.get<std::int64_t>());
    }
  }
  if (!in.u64("steps", s.steps) || !in.u64("checks", s.checks)) {
    error = in.error();
    return false;
  }
  const Json* counts = in.get("fault_counts");
  if (counts == nullptr || !counts->is_object()) return fail("fault_counts", "expected an object");
  Fields fc(*counts, path, "fault_counts.");
  for (std::size_t i = 0; i < s.fault_counts.size(); ++i) {
    if (!fc.u64(fault_name(i), s.fault_counts[i])) {
      error = fc.error();
      return false;
    }
  }
  if (!fc.no_others()) {
    error = fc.error();
    return false;
  }
  const Json* failures = in.get("failures");
  if (failures == nullptr || !failures->is_array()) return fail("failures", "expected an array");
  for (std::size_t i = 0; i < failures->size(); ++i) {
    SoakFailure f;
    if (!read_failure((*failures)[i], i, path, f, error)) return false;
    s.failures.push_back(std::move(f));
  }
  if (s.failures.size() != failures_count) {
    return fail("failures_count", std::to_string(failures_count) + " but " +
                                      std::to_string(s.failures.size()) + " failures listed");
  }
  if (const Json* done = in.get("seeds_done", false); done != nullptr) {
    if (!done->is_array()) return fail("seeds_done", "expected an array");
    for (const Json& r : *done) {
      if (!r.is_array() || r.size() != 2 || !r[0].is_number_unsigned() ||
          !r[1].is_number_unsigned()) {
        return fail("seeds_done", "expected [first, last] ranges");
      }
      s.seeds_done.emplace_back(r[0].get<std::uint64_t>(), r[1].get<std::uint64_t>());
    }
  }
  if (const Json* states = in.get("coverage_states", false); states != nullptr) {
    // The counts are for readers; the lists are what is merged.
    std::uint64_t count = 0;
    if (!in.u64("coverage_state_count", count) || !in.u64("coverage_transition_count", count)) {
      error = in.error();
      return false;
    }
    if (!states->is_array()) return fail("coverage_states", "expected an array");
    for (const Json& v : *states) {
      if (!v.is_number_unsigned()) return fail("coverage_states", "expected state numbers");
      s.coverage.states.push_back(v.get<std::uint64_t>());
    }
    const Json* transitions = in.get("coverage_transitions");
    if (transitions == nullptr || !transitions->is_array()) {
      return fail("coverage_transitions", "expected an array");
    }
    for (const Json& t : *transitions) {
      if (!t.is_array() || t.size() != 2 || !t[0].is_number_unsigned() ||
          !t[1].is_number_unsigned()) {
        return fail("coverage_transitions", "expected [from, to] pairs");
      }
      s.coverage.transitions.emplace_back(t[0].get<std::uint64_t>(), t[1].get<std::uint64_t>());
    }
    // Kept sorted and distinct (Coverage::merge relies on it), whatever wrote the file.
    std::sort(s.coverage.states.begin(), s.coverage.states.end());
    std::sort(s.coverage.transitions.begin(), s.coverage.transitions.end());
    s.coverage.states.erase(std::unique(s.coverage.states.begin(), s.coverage.states.end()),
                            s.coverage.states.end());
    s.coverage.transitions.erase(
        std::unique(s.coverage.transitions.begin(), s.coverage.transitions.end()),
        s.coverage.transitions.end());
  }
  const Json* options = in.get("run_options");
  if (options == nullptr || !options->is_object()) return fail("run_options", "expected an object");
  s.run_options = options->dump();
  if (!in.no_others()) {
    error = in.error();
    return false;
  }
  return true;
}

}  // namespace

std::string to_json(const SoakSummary& s) {
  std::string out;
  JsonLine j(out);
  j.begin().field("interrupted", s.interrupted);
  if (s.partial) {
    j.field("partial", true).array("shards_missing");
    for (std::uint64_t m : s.shards_missing) j.raw_element(std::to_string(m));
    j.end_array();
  }
  j.field("build", s.build)
      .field("protocol", s.protocol)
      .field("nodes", s.nodes)
      .field("faults", s.faults)
      .field("swarm", s.swarm)
      .field("seeds_first", s.seeds_first)
      .field("seeds_last", s.seeds_last);
  if (s.shard) j.field("shard", to_string(*s.shard));
  j.field("stop_on_failure", s.stop_on_failure)
      .field("seeds_run", s.seeds_run)
      .field("failures_count", static_cast<std::uint64_t>(s.failures.size()))
      .field("halted", s.halted)
      .field("wall_ms", s.wall_ms)
      .field("cpu_ms", s.cpu_ms)
      .field("seeds_per_s_x1000", per_s_x1000(s.seeds_run, s.wall_ms))
      .field("seeds_per_cpu_s_x1000", per_s_x1000(s.seeds_run, s.cpu_ms));
  if (!s.shards_wall_ms.empty()) {
    j.array("shards_wall_ms");
    for (std::int64_t w : s.shards_wall_ms) j.element(w);
    j.end_array();
  }
  j.field("steps", s.steps).field("checks", s.checks).object("fault_counts");
  for (std::size_t i = 0; i < s.fault_counts.size(); ++i) {
    j.field(fault_name(i), s.fault_counts[i]);
  }
  j.end().array("failures");
  std::vector<const SoakFailure*> by_seed;
  for (const SoakFailure& f : s.failures) by_seed.push_back(&f);
  std::stable_sort(by_seed.begin(), by_seed.end(),
                   [](const SoakFailure* a, const SoakFailure* b) { return a->seed < b->seed; });
  for (const SoakFailure* f : by_seed) {
    j.begin_element()
        .field("seed", f->seed)
        .field("kind", f->kind)
        .field("property", f->property)
        .field("detail", f->detail)
        .field("reproduce", f->reproduce)
        .end();
  }
  j.end_array();
  if (s.interrupted) {
    j.array("seeds_done");
    for (const auto& [a, b] : s.seeds_done) {
      j.raw_element("[" + std::to_string(a) + "," + std::to_string(b) + "]");
    }
    j.end_array();
  }
  if (!s.coverage.empty()) {
    j.field("coverage_state_count", static_cast<std::uint64_t>(s.coverage.states.size()))
        .field("coverage_transition_count",
               static_cast<std::uint64_t>(s.coverage.transitions.size()))
        .array("coverage_states");
    for (std::uint64_t v : s.coverage.states) j.raw_element(std::to_string(v));
    j.end_array().array("coverage_transitions");
    for (const auto& [a, b] : s.coverage.transitions) {
      j.raw_element("[" + std::to_string(a) + "," + std::to_string(b) + "]");
    }
    j.end_array();
  }
  j.raw("run_options", s.run_options).end();
  out.push_back('\n');
  return out;
}

std::string coverage_line(const Coverage& c) {
  return "coverage: " + std::to_string(c.states.size()) + " abstract states, " +
         std::to_string(c.transitions.size()) + " transitions";
}

std::optional<SoakSummary> read_soak_summary(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read the summary";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.size() > summary_bytes_max) {
    error = path + ": not a soak summary (larger than 1 GiB)";
    return std::nullopt;
  }
  if (auto line = nesting_too_deep(text)) {
    error = path + ":" + std::to_string(*line) + ": not a soak summary (nested too deep)";
    return std::nullopt;
  }
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = path + ": not a soak summary (not one JSON object)";
    return std::nullopt;
  }
  SoakSummary s;
  if (!read_body(doc, path, s, error)) return std::nullopt;
  return s;
}

}  // namespace ry
