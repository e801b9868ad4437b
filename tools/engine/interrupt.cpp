#include "tools/engine/interrupt.hpp"

#include <unistd.h>

#include <csignal>

#include "traces/temp_files.hpp"

namespace ry {

namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_signal_exit(int signal) {
  remove_temp_files();
  _exit(interrupted_exit_code(signal));
}

extern "C" void on_signal_record(int signal) {
  if (received == 0) received = signal;
}

void install(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked waitpid() returns EINTR and sees the flag
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

void install_interrupt_handlers() { install(&on_signal_exit); }

void defer_interrupts() { install(&on_signal_record); }

int interrupt_signal() noexcept { return received; }

}  // namespace ry
