// Reads a trace's header and footer (nlohmann_json) and streams its event lines, checking the
// shape the writer promises: header first, footer last. Errors name the file, line and field.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ry {

class TraceReader {
 public:
  // The longest header or footer line read; anything longer is not one.
  static constexpr std::size_t line_bytes_max = std::size_t{16} << 20;

  // Opens the file and reads header and footer. error() is set on failure (then the trace must
  // not be used); io_error() tells an unreadable file from a malformed one.
  explicit TraceReader(std::string path);

  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] bool io_error() const noexcept { return io_error_; }
  [[nodiscard]] const nlohmann::json& header() const noexcept { return header_; }
  [[nodiscard]] const nlohmann::json& footer() const noexcept { return footer_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  // The next line after the header, without its newline (the footer line included).
  bool next_line(std::string& line);
  [[nodiscard]] std::uint64_t line_number() const noexcept { return line_number_; }

 private:
  void fail(std::uint64_t line, const std::string& what);

  std::string path_;
  std::ifstream in_;
  nlohmann::json header_;
  nlohmann::json footer_;
  std::string error_;
  bool io_error_ = false;
  std::uint64_t line_number_ = 0;
};

}  // namespace ry
