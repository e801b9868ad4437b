// `railyard soak-merge SUMMARY...`: joins the summaries of the shards of one soak (`soak --shard
// I/N`, run on other machines or other slots) into the summary the whole soak would have
// written. Shards of different builds, options or seed ranges, given twice or missing, are
// refused: a merge of those would report seeds that did not run the soak it names.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "sim/verdict.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/junit.hpp"
#include "tools/cli/output_file.hpp"
#include "tools/cli/soak_summary.hpp"
#include "tools/engine/json_source.hpp"

namespace ry {

namespace {

using Json = nlohmann::ordered_json;

// The first run option where `a` and `b` differ, as "run_options.key: A here, B in OTHER".
std::string options_difference(const std::string& a, const std::string& b,
                               const std::string& other) {
  const Json ja = Json::parse(a, nullptr, false);
  const Json jb = Json::parse(b, nullptr, false);
  auto show = [](const Json& object, const std::string& key) {
    const auto it = object.find(key);
    return it == object.end() ? std::string("absent") : one_line(it->dump());
  };
  for (const auto& [key, value] : ja.items()) {
    if (!jb.contains(key) || jb[key] != value) {
      return "run_options." + one_line(key) + "': " + show(ja, key) + " here, " + show(jb, key) +
             " in " + other;
    }
  }
  for (const auto& [key, value] : jb.items()) {
    if (!ja.contains(key)) {
      return "run_options." + one_line(key) + "': absent here, " + show(jb, key) + " in " + other;
    }
  }
  return "run_options': differs from " + other;
}

// Why shard `s` (read from `path`) cannot join `first` (read from `first_path`), or nothing.
std::optional<std::string> mismatch(const SoakSummary& s, const std::string& path,
                                    const SoakSummary& first, const std::string& first_path) {
  auto field = [&](const std::string& name, const std::string& here, const std::string& there) {
    return path + ": field '" + name + "': " + one_line(here) + " here, " + one_line(there) +
           " in " + first_path;
  };
  auto number = [](std::uint64_t v) { return std::to_string(v); };
  auto boolean = [](bool v) { return std::string(v ? "true" : "false"); };
  if (s.build != first.build) return field("build", s.build, first.build);
  if (s.protocol != first.protocol) return field("protocol", s.protocol, first.protocol);
  if (s.nodes != first.nodes) return field("nodes", number(s.nodes), number(first.nodes));
  if (s.faults != first.faults) return field("faults", s.faults, first.faults);
  if (s.swarm != first.swarm) return field("swarm", boolean(s.swarm), boolean(first.swarm));
  if (s.seeds_first != first.seeds_first) {
    return field("seeds_first", number(s.seeds_first), number(first.seeds_first));
  }
  if (s.seeds_last != first.seeds_last) {
    return field("seeds_last", number(s.seeds_last), number(first.seeds_last));
  }
  if (s.shard->count != first.shard->count) {
    return field("shard", to_string(*s.shard), to_string(*first.shard));
  }
  if (s.stop_on_failure != first.stop_on_failure) {
    return field("stop_on_failure", boolean(s.stop_on_failure), boolean(first.stop_on_failure));
  }
  if (Json::parse(s.run_options, nullptr, false) !=
      Json::parse(first.run_options, nullptr, false)) {
    return path + ": field '" + options_difference(s.run_options, first.run_options, first_path);
  }
  return std::nullopt;
}

}  // namespace

int command_soak_merge(const SoakMergeOptions& merge) {
  if (auto problem = check_output_path(merge.output)) return usage_error("-o: " + *problem);
  if (!merge.junit.empty()) {
    if (auto problem = check_output_path(merge.junit)) return usage_error("--junit: " + *problem);
  }
  std::vector<SoakSummary> shards;
  std::map<std::uint64_t, std::string> paths;  // by shard index
  bool incomplete = false;
  for (const std::string& path : merge.summaries) {
    std::string error;
    auto s = read_soak_summary(path, error);
    if (!s) return usage_error(error);
    if (!s->shard) {
      return usage_error(path + ": field 'shard': missing (not the summary of a soak --shard I/N)");
    }
    if (s->interrupted) {
      return usage_error(path + ": field 'interrupted': shard " + to_string(*s->shard) +
                         " was interrupted (run it again)");
    }
    if (!shards.empty()) {
      if (auto problem = mismatch(*s, path, shards.front(), merge.summaries.front())) {
        return usage_error(*problem);
      }
    }
    const auto [it, inserted] = paths.emplace(s->shard->index, path);
    if (!inserted) {
      return usage_error(path + ": field 'shard': shard " + to_string(*s->shard) +
                         " given twice (also " + it->second + ")");
    }
    const std::uint64_t expected = shard_seed_count(s->seeds_first, s->seeds_last, *s->shard);
    if (s->seeds_run != expected) {
      if (!merge.partial) {
        return usage_error(path + ": field 'seeds_run': " + std::to_string(s->seeds_run) + " of " +
                           std::to_string(expected) + " seeds of shard " + to_string(*s->shard) +
                           " ran" + (s->stop_on_failure ? " (--stop-on-failure)" : "") +
                           " (merge anyway with --partial)");
      }
      incomplete = true;
    }
    shards.push_back(std::move(*s));
  }

  SoakSummary merged = shards.front();
  merged.shard.reset();
  merged.seeds_run = merged.halted = merged.steps = merged.checks = 0;
  merged.fault_counts = {};
  merged.coverage = Coverage{};
  merged.failures.clear();
  merged.wall_ms = merged.cpu_ms = 0;
  const std::uint64_t count = shards.front().shard->count;
  std::vector<const SoakSummary*> by_index(count + 1, nullptr);
  for (const SoakSummary& s : shards) by_index[s.shard->index] = &s;
  std::string missing_text;
  for (std::uint64_t i = 1; i <= count; ++i) {
    const SoakSummary* s = by_index[i];
    if (s == nullptr) {
      merged.shards_missing.push_back(i);
      if (merged.shards_missing.size() <= 20) {
        missing_text +=
            (missing_text.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
      }
      continue;
    }
    merged.seeds_run += s->seeds_run;
    merged.halted += s->halted;
    merged.steps += s->steps;
    merged.checks += s->checks;
    for (std::size_t k = 0; k < merged.fault_counts.size(); ++k) {
      merged.fault_counts[k] += s->fault_counts[k];
    }
    merged.failures.insert(merged.failures.end(), s->failures.begin(), s->failures.end());
    merged.coverage.merge(s->coverage);  // a union: the same states as the unsharded soak
    merged.wall_ms = std::max(merged.wall_ms, s->wall_ms);
    merged.cpu_ms += s->cpu_ms;
    merged.shards_wall_ms.push_back(s->wall_ms);
  }
  if (!merged.shards_missing.empty()) {
    if (merged.shards_missing.size() > 20) missing_text += ", ...";
    if (!merge.partial) {
      return usage_error("soak-merge: " + std::to_string(merged.shards_missing.size()) + " of " +
                         std::to_string(count) + " shards missing: " + missing_text +
                         " (merge without them with --partial)");
    }
  }
  merged.partial = incomplete || !merged.shards_missing.empty();
  std::stable_sort(merged.failures.begin(), merged.failures.end(),
                   [](const SoakFailure& a, const SoakFailure& b) { return a.seed < b.seed; });

  std::string error;
  if (!write_output_file(merge.output, to_json(merged), "summary", error) ||
      (!merge.junit.empty() &&
       !write_output_file(merge.junit, junit_xml(merged), "JUnit report", error))) {
    std::fprintf(stderr, "railyard: error: %s\n", error.c_str());
    return static_cast<int>(Outcome::environment);
  }
  std::printf(
      "soak-merge: %zu of %llu shards, %llu seeds, %zu failed, %llu halted%s\n"
      "soak-merge: summary %s\n",
      shards.size(), static_cast<unsigned long long>(count),
      static_cast<unsigned long long>(merged.seeds_run), merged.failures.size(),
      static_cast<unsigned long long>(merged.halted), merged.partial ? " (partial)" : "",
      merge.output.c_str());
  if (!merged.coverage.empty()) std::printf("%s\n", coverage_line(merged.coverage).c_str());
  return merged.failures.empty() ? 0 : static_cast<int>(Outcome::violation);
}

}  // namespace ry
