// A growable character buffer whose appends are inline (std::string's are calls into the
// library): the trace writer formats every event into one of these.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>

namespace ry {

class TextBuffer {
 public:
  TextBuffer() { reserve(4096); }

  void push_back(char c) {
    if (size_ == capacity_) grow(1);
    data_[size_++] = c;
  }
  void append(const char* s, std::size_t n) {
    if (size_ + n > capacity_) grow(n);
    std::memcpy(data_.get() + size_, s, n);
    size_ += n;
  }
  void clear() noexcept { size_ = 0; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::string_view view() const noexcept { return {data_.get(), size_}; }

 private:
  void reserve(std::size_t capacity) {
    auto bigger = std::make_unique<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }
  void grow(std::size_t extra) { reserve((size_ + extra) * 2); }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace ry
