// An export's output: standard output, or a file written as PATH.tmp and renamed to PATH only
// when complete, so a failed export (bad input, a full disk, a signal) leaves nothing under
// PATH. The temporary file is registered (traces/temp_files.hpp) for SIGINT and SIGTERM. Unlike
// a trace (TraceFile), a partial export is worth nothing, so an abort never renames it.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace ry::exp {

class OutputFile {
 public:
  // "" or "-": standard output, written directly.
  explicit OutputFile(std::string path);
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  [[nodiscard]] bool ok() const noexcept { return file_ != nullptr && !failed_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

  bool write(std::string_view bytes);
  // Flushes, closes, renames into place. False (and error()) on an I/O error.
  bool commit();
  // Removes the temporary file.
  void discard() noexcept;

 private:
  void set_error(const std::string& what, int error_number);

  std::string path_;
  std::string tmp_path_;
  bool stdout_ = false;
  bool direct_ = false;  // not a regular file (a FIFO, /dev/null): written in place
  int temp_slot_ = -1;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  std::string error_;
};

}  // namespace ry::exp
