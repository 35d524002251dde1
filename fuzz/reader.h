// Bounded reader over a fuzz input: reads past the end yield zeros, so every
// byte string decodes to something and decoding never reads out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptfold::fuzz {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t le(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint64_t{u8()} << (8 * i);
    return v;
  }
  uint16_t u16le() { return static_cast<uint16_t>(le(2)); }
  uint32_t u32le() { return static_cast<uint32_t>(le(4)); }
  uint64_t u40le() { return le(5); }
  uint64_t u48le() { return le(6); }
  uint64_t u64le() { return le(8); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace ptfold::fuzz
