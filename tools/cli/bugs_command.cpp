// `railyard bugs` and `railyard protocols`: what the registry knows
// (tools/protocols/*/descriptor.cpp).
#include <cstdio>

#include "tools/cli/commands.hpp"
#include "tools/engine/protocol_descriptor.hpp"

namespace ry {

namespace {

void print(std::string_view label, std::string_view text) {
  std::printf("  %-22.*s %.*s\n", static_cast<int>(label.size()), label.data(),
              static_cast<int>(text.size()), text.data());
}

}  // namespace

int command_bugs(const std::string& protocol) {
  if (!protocol.empty() && find_protocol(protocol) == nullptr) {
    return usage_error("--protocol: unknown protocol '" + protocol + "' (expected " +
                       protocol_names() + ")");
  }
  std::printf(
      "Bugs that can be planted with --bug NAME (off by default, compiled into every "
      "build):\n");
  for (const ProtocolDescriptor* p : protocols()) {
    if (!protocol.empty() && p->name != protocol) continue;
    std::printf("%.*s%s\n", static_cast<int>(p->name.size()), p->name.data(),
                p->bugs.empty() ? ": none" : "");
    for (const BugSpec& b : p->bugs) {
      std::printf("  %-4.*s %-8.*s %.*s\n", static_cast<int>(b.name.size()), b.name.data(),
                  static_cast<int>(b.where.size()), b.where.data(),
                  static_cast<int>(b.summary.size()), b.summary.data());
    }
  }
  return 0;
}

int command_protocols() {
  for (const ProtocolDescriptor* p : protocols()) {
    std::printf("%.*s: %.*s\n", static_cast<int>(p->name.size()), p->name.data(),
                static_cast<int>(p->summary.size()), p->summary.data());
    for (std::size_t i = 0; i < p->modes.size(); ++i) {
      const std::string label = "mode " + std::string(p->modes[i].name) + (i == 0 ? "*" : "");
      print(label, p->modes[i].help);
    }
    for (std::size_t i = 0; i < p->workloads.size(); ++i) {
      const std::string label =
          "workload " + std::string(p->workloads[i].name) + (i == 0 ? "*" : "");
      print(label, p->workloads[i].help);
    }
    for (const ParamSpec& param : p->params) {
      const std::string text =
          std::string(param.help) + " (default " + param.text(param.fallback) + ")";
      print(param.flag, text);
    }
    std::printf("  %-22s %zu planted (railyard bugs --protocol %.*s); disk faults: %s\n", "bugs",
                p->bugs.size(), static_cast<int>(p->name.size()), p->name.data(),
                p->disk_faults ? "yes" : "no");
  }
  std::printf("(* default)\n");
  return 0;
}

}  // namespace ry
