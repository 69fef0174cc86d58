#pragma once
// 16-bit RTP sequence number arithmetic with wrap-around (RFC 1982 serial numbers).
#include <cstdint>

namespace vcb::rtp {

// True if `a` comes after `b`. RFC 1982 leaves a distance of exactly 2^15 undefined; like libwebrtc
// we break the tie by numeric value so that exactly one of isNewer(a, b), isNewer(b, a) holds.
constexpr bool isNewer(uint16_t a, uint16_t b) {
    const auto d = static_cast<uint16_t>(a - b);
    if (d == 0x8000) {
        return a > b;
    }
    return d != 0 && d < 0x8000;
}

// Signed distance a - b in [-32768, 32767] (positive when `a` is newer).
constexpr int32_t seqDiff(uint16_t a, uint16_t b) {
    return static_cast<int16_t>(static_cast<uint16_t>(a - b));
}

// Extends 16-bit sequence numbers to a monotonic 64-bit counter. Values are placed relative to the
// newest value seen so far, so late (reordered, retransmitted) packets do not move the reference.
class SeqUnwrapper {
  public:
    int64_t unwrap(uint16_t seq) {
        if (!started_) {
            started_ = true;
            highest_ = seq;
            return highest_;
        }
        const int64_t value = highest_ + seqDiff(seq, static_cast<uint16_t>(highest_));
        if (value > highest_) {
            highest_ = value;
        }
        return value;
    }

    bool started() const { return started_; }
    int64_t highest() const { return highest_; }
    void reset() {
        started_ = false;
        highest_ = 0;
    }

  private:
    bool started_ = false;
    int64_t highest_ = 0;
};

}  // namespace vcb::rtp
