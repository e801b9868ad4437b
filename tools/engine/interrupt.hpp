// SIGINT and SIGTERM. By default (install_interrupt_handlers(), from main()) the process removes
// the temporary files it is writing (traces/temp_files.hpp: a trace's PATH.tmp) and exits with
// 128 + the signal (130 for SIGINT, 143 for SIGTERM), so an interrupted `run --trace F` leaves
// neither F nor F.tmp. A command that must finish its own output first (soak writes its summary,
// marked interrupted) defers them instead and polls interrupt_signal().
#pragma once

namespace ry {

// Immediate mode: remove the registered temporary files, then _exit(128 + signal).
void install_interrupt_handlers();

// Deferred mode: a signal is only recorded (and interrupts blocking calls with EINTR).
void defer_interrupts();

// The first SIGINT or SIGTERM received in deferred mode, or 0.
int interrupt_signal() noexcept;

// 128 + signal: the exit code of a process stopped by `signal`.
constexpr int interrupted_exit_code(int signal) noexcept { return 128 + signal; }

}  // namespace ry
