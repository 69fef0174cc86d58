#pragma once
// Loss accounting for one received stream from the publishers' stamp counters (PacketStamp):
// expected = highest - first + 1 counters since the first packet received (the SFU drops video
// until a key frame, so earlier counters are never expected), received = distinct counters.
// Reordering within kWindow counters is handled; duplicates are counted, not received twice.
#include <bitset>
#include <cstddef>
#include <cstdint>

namespace vcb::loadgen {

class StreamReceiveStats {
  public:
    static constexpr size_t kWindow = 2048;

    void onPacket(uint32_t counter);

    uint64_t received() const { return received_; }
    uint64_t expected() const { return started_ ? highest_ - first_ + 1 : 0; }
    uint64_t lost() const { return expected() - received_; }
    uint64_t duplicates() const { return duplicates_; }
    // Older than the window or than the first counter: not counted as received.
    uint64_t late() const { return late_; }

  private:
    bool started_ = false;
    // Counters are extended to 64 bits so a long run never wraps.
    uint64_t first_ = 0;
    uint64_t highest_ = 0;
    uint64_t received_ = 0;
    uint64_t duplicates_ = 0;
    uint64_t late_ = 0;
    std::bitset<kWindow> seen_;  // bit (c % kWindow) for counters c in (highest - kWindow, highest]
};

}  // namespace vcb::loadgen
