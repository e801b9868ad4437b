// The `railyard` command line (CLI11): parses, validates and dispatches to a subcommand.
#pragma once

namespace ry {
int run_cli(int argc, char** argv);
}
