// Little-endian byte codec shared by the cores' records and payloads and the KV store's images.
// Bytes never depend on the host or on struct padding. The reader never asserts on its input: bytes
// come from disks and clients, so running short turns it into a failed read (ok() is false).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ry {

inline void put_uint(std::string& out, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
}
inline void put_u64(std::string& out, std::uint64_t value) { put_uint(out, value, 8); }
inline void put_u32(std::string& out, std::uint32_t value) { put_uint(out, value, 4); }
inline void put_u8(std::string& out, std::uint8_t value) { put_uint(out, value, 1); }
inline void put_bytes(std::string& out, std::string_view bytes) {
  put_u32(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) noexcept : bytes_(bytes) {}
  std::uint64_t u64() noexcept { return take(8); }
  std::uint32_t u32() noexcept { return static_cast<std::uint32_t>(take(4)); }
  std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(take(1)); }
  std::string_view bytes() noexcept {
    const std::uint32_t n = u32();
    if (!ok_ || n > bytes_.size() - at_) {
      ok_ = false;
      return {};
    }
    const std::string_view out = bytes_.substr(at_, n);
    at_ += n;
    return out;
  }
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  // True if every byte was read and nothing ran short.
  [[nodiscard]] bool done() const noexcept { return ok_ && at_ == bytes_.size(); }
  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - at_; }

 private:
  std::uint64_t take(std::size_t width) noexcept {
    if (!ok_ || width > bytes_.size() - at_) {
      ok_ = false;
      return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(bytes_[at_ + i])} << (8 * i);
    }
    at_ += width;
    return value;
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace ry
