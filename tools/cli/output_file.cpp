#include "tools/cli/output_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace ry {

namespace {

bool regular_or_absent(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode);
}

}  // namespace

std::optional<std::string> check_output_path(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return "'" + path + "' is a directory";
  if (!regular_or_absent(path)) return std::nullopt;  // a device or FIFO: written in place
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return "cannot write '" + tmp + "': " + std::strerror(errno);
  std::fclose(f);
  std::remove(tmp.c_str());
  return std::nullopt;
}

bool write_output_file(const std::string& path, const std::string& text, const std::string& what,
                       std::string& error) {
  const bool direct = !regular_or_absent(path);
  const std::string target = direct ? path : path + ".tmp";
  std::FILE* f = std::fopen(target.c_str(), "wb");
  if (f == nullptr) {
    error = target + ": cannot write the " + what + ": " + std::strerror(errno);
    return false;
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() &&
                       std::fflush(f) == 0 && std::ferror(f) == 0;
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    error =
        target + ": cannot write the " + what + ": " + std::strerror(written ? errno : write_errno);
    if (!direct) std::remove(target.c_str());
    return false;
  }
  if (!direct && std::rename(target.c_str(), path.c_str()) != 0) {
    error = path + ": cannot write the " + what + ": " + std::strerror(errno);
    std::remove(target.c_str());
    return false;
  }
  return true;
}

}  // namespace ry
