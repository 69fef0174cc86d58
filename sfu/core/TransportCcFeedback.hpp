#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "sfu/rtp/RtcpTransportFeedback.hpp"
#include "sfu/rtp/SequenceNumber.hpp"

namespace vcb::sfu {

// Collects the arrival time of every packet a publisher stamps with a transport-wide sequence
// number and turns them into transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-
// extensions-01), so the publisher's send-side bandwidth estimator can raise its bitrate.
class TransportCcFeedback {
  public:
    static constexpr size_t kMaxPending = 512;

    void onPacket(uint16_t transportSeq, int64_t arrivalUs);
    // Writes feedback for the packets recorded since the last call (several RTCP packets if
    // needed). Returns the bytes written; 0 when there is nothing to report or no room.
    size_t write(uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t* out, size_t capacity);
    size_t pending() const { return count_; }

  private:
    struct Entry {
        int64_t unwrapped = 0;  // sort key across sequence-number wrap
        rtp::TccArrival arrival;
    };
    std::array<Entry, kMaxPending> pending_{};
    std::array<rtp::TccArrival, kMaxPending> sorted_{};
    size_t count_ = 0;
    rtp::SeqUnwrapper unwrapper_;
    uint8_t feedbackCount_ = 0;
};

}  // namespace vcb::sfu
