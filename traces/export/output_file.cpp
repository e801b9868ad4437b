#include "traces/export/output_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "traces/temp_files.hpp"

namespace ry::exp {

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_ == "-") {
    stdout_ = true;
    file_ = stdout;
    return;
  }
  // A rename over a device or a FIFO would replace it with a regular file: write those in place.
  struct stat target {};
  direct_ = ::stat(path_.c_str(), &target) == 0 && !S_ISREG(target.st_mode);
  tmp_path_ = direct_ ? path_ : path_ + ".tmp";
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) {
    error_ = tmp_path_ + ": cannot open for writing: " + std::strerror(errno);
    failed_ = true;
    return;
  }
  if (!direct_) temp_slot_ = register_temp_file(tmp_path_.c_str());
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::set_error(const std::string& what, int error_number) {
  if (failed_) return;
  failed_ = true;
  error_ = (stdout_ ? std::string("standard output") : tmp_path_) + ": " + what + ": " +
           std::strerror(error_number);
}

bool OutputFile::write(std::string_view bytes) {
  if (file_ == nullptr || failed_) return false;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    set_error("write failed", errno);
    return false;
  }
  return true;
}

bool OutputFile::commit() {
  if (file_ == nullptr || failed_) {
    discard();
    return false;
  }
  if (std::fflush(file_) != 0 || std::ferror(file_) != 0) {
    set_error("write failed", errno);
    discard();
    return false;
  }
  if (stdout_) {
    file_ = nullptr;
    return true;
  }
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    set_error("write failed at close", errno);
    if (!direct_) std::remove(tmp_path_.c_str());
    unregister_temp_file(temp_slot_);
    temp_slot_ = -1;
    return false;
  }
  if (!direct_ && std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    set_error("cannot rename to " + path_, errno);
    std::remove(tmp_path_.c_str());
  }
  unregister_temp_file(temp_slot_);
  temp_slot_ = -1;
  return !failed_;
}

void OutputFile::discard() noexcept {
  if (file_ == nullptr) return;
  if (stdout_) {
    std::fflush(stdout);
    file_ = nullptr;
    return;
  }
  std::fclose(file_);
  file_ = nullptr;
  if (!direct_) std::remove(tmp_path_.c_str());
  unregister_temp_file(temp_slot_);
  temp_slot_ = -1;
}

}  // namespace ry::exp
