#include <csignal>

#include "tools/cli/cli.hpp"
#include "tools/engine/interrupt.hpp"

int main(int argc, char** argv) {
  // Past a file-size limit (ulimit -f), write() must fail with EFBIG so that the trace writer
  // reports an I/O error (exit 5) instead of the process dying of SIGXFSZ mid-trace.
  std::signal(SIGXFSZ, SIG_IGN);
  // Ctrl-C or a kill during `run --trace F` removes F.tmp and exits 130 or 143.
  ry::install_interrupt_handlers();
  return ry::run_cli(argc, argv);
}
