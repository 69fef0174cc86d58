#pragma once
// Test helper: an exactly-sized heap copy, so AddressSanitizer flags any read past the end.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

namespace vcb::rtp::test {

class TestBuffer {
  public:
    explicit TestBuffer(std::span<const uint8_t> bytes, size_t len)
        : size_(len), data_(new uint8_t[len == 0 ? 1 : len]) {
        if (len > 0) {
            std::memcpy(data_.get(), bytes.data(), len);
        }
    }
    explicit TestBuffer(std::span<const uint8_t> bytes) : TestBuffer(bytes, bytes.size()) {}
    TestBuffer(std::initializer_list<uint8_t> bytes)
        : TestBuffer(std::span<const uint8_t>(bytes.begin(), bytes.size())) {}

    uint8_t* data() { return data_.get(); }
    size_t size() const { return size_; }
    std::span<const uint8_t> span() const { return {data_.get(), size_}; }

  private:
    size_t size_;
    std::unique_ptr<uint8_t[]> data_;
};

}  // namespace vcb::rtp::test
