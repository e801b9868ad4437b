#include "tools/cli/junit.hpp"

#include <map>
#include <vector>

#include "tools/engine/protocol_descriptor.hpp"

namespace ry {

namespace {

// Text for an attribute or element: markup escaped, and characters XML 1.0 cannot hold at all
// (control characters other than tab, newline and return) written as '?'.
std::string xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      case '\r': out += "&#13;"; break;
      default: out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    }
  }
  return out;
}

std::string seconds(std::int64_t ms) {
  return std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
}

// The properties the soak checked: the protocol's, linearizability where a kv workload exists,
// liveness, and any other name a failure carries (a crash).
std::vector<std::string> properties_checked(const SoakSummary& s) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name) {
    for (const std::string& n : names) {
      if (n == name) return;
    }
    names.push_back(name);
  };
  if (const ProtocolDescriptor* p = find_protocol(s.protocol)) {
    for (std::string_view name : p->properties) add(std::string(name));
    if (p->has_workload("kv")) add("linearizability");
  }
  add("liveness");
  for (const SoakFailure& f : s.failures) add(f.property);
  return names;
}

}  // namespace

std::string junit_xml(const SoakSummary& s) {
  const std::string suite = "railyard soak " + s.protocol;
  const std::string cls = "railyard.soak." + s.protocol;
  const std::string range = std::to_string(s.seeds_first) + ".." + std::to_string(s.seeds_last) +
                            (s.shard ? " shard " + to_string(*s.shard) : "");
  std::map<std::string, std::vector<const SoakFailure*>> by_property;
  for (const SoakFailure& f : s.failures) by_property[f.property].push_back(&f);
  const std::vector<std::string> properties = properties_checked(s);

  std::string cases;
  std::size_t failing = 0;
  cases += "    <testcase classname=\"" + xml(cls) + "\" name=\"" +
           xml("seeds " + range + ": " + std::to_string(s.seeds_run) + " run, " +
               std::to_string(s.failures.size()) + " failed" + (s.partial ? " (partial)" : "") +
               (s.interrupted ? " (interrupted)" : "")) +
           "\" time=\"" + seconds(s.wall_ms) + "\">\n      <system-out>" +
           xml("build " + s.build + "\nrun options " + s.run_options) +
           "</system-out>\n    </testcase>\n";
  for (const std::string& property : properties) {
    cases += "    <testcase classname=\"" + xml(cls + ".property") + "\" name=\"" + xml(property) +
             "\" time=\"0\"";
    const auto it = by_property.find(property);
    if (it == by_property.end()) {
      cases += "/>\n";
      continue;
    }
    ++failing;
    std::string seeds;
    for (const SoakFailure* f : it->second) {
      seeds += (seeds.empty() ? "" : ", ") + std::to_string(f->seed);
    }
    cases += ">\n      <failure type=\"" + xml(it->second.front()->kind) + "\" message=\"" +
             xml(std::to_string(it->second.size()) +
                 (it->second.size() == 1 ? " seed failed: " : " seeds failed: ") + seeds) +
             "\">" + xml(it->second.front()->detail) + "</failure>\n    </testcase>\n";
  }
  for (const SoakFailure& f : s.failures) {
    ++failing;
    cases += "    <testcase classname=\"" + xml(cls + ".seed") + "\" name=\"seed " +
             std::to_string(f.seed) + "\" time=\"0\">\n      <failure type=\"" + xml(f.kind) +
             "\" message=\"" + xml(f.kind + ": " + f.detail) + "\">" +
             xml("reproduce: " + f.reproduce) + "</failure>\n    </testcase>\n";
  }
  const std::size_t tests = 1 + properties.size() + s.failures.size();
  const std::string counts = "tests=\"" + std::to_string(tests) + "\" failures=\"" +
                             std::to_string(failing) + "\" errors=\"0\" time=\"" +
                             seconds(s.wall_ms) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"railyard soak\" " +
         counts + ">\n  <testsuite name=\"" + xml(suite + " seeds " + range) + "\" " + counts +
         " skipped=\"0\">\n" + cases + "  </testsuite>\n</testsuites>\n";
}

}  // namespace ry
