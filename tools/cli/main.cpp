#include "tools/cli/cli.hpp"

int main(int argc, char** argv) { return ry::run_cli(argc, argv); }
