// A soak summary as JUnit XML, the test report format CI systems read (Jenkins, GitLab, GitHub
// actions that publish test results): one suite per soak, with a passing case that states what
// ran, a case per property (failing if any seed violated it) and a failing case per failing seed
// whose message holds the command that reproduces it.
#pragma once

#include <string>

#include "tools/cli/soak_summary.hpp"

namespace ry {

std::string junit_xml(const SoakSummary& summary);

}  // namespace ry
