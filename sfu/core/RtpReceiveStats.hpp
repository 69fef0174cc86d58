#pragma once
#include <cstdint>

#include "sfu/rtp/RtcpReportBlock.hpp"

namespace vcb::sfu {

// Receive statistics of one incoming RTP stream, per RFC 3550 appendix A.1 (sequence
// validation), A.3 (loss) and A.8 (interarrival jitter). Time comes in as an argument.
class RtpReceiveStats {
  public:
    explicit RtpReceiveStats(uint32_t clockRate) : clockRate_(clockRate) {}

    // Returns false for a packet that RFC 3550 A.1 would treat as a duplicate or far-off jump.
    bool update(uint16_t seq, uint32_t rtpTimestamp, int64_t nowUs);
    // Counts a packet that arrived late as the answer to a NACK; it changes neither the highest
    // sequence number nor the jitter (RFC 3550 A.8 is about original transmissions).
    // Counted apart too (packetsRecovered): the link lost the original.
    void onRetransmission() {
        ++received_;
        ++recovered_;
    }
    void onSenderReport(uint64_t ntp, int64_t nowUs);
    // Fills a report block for `ssrc` and starts a new reporting interval.
    rtp::ReportBlock makeReportBlock(uint32_t ssrc, int64_t nowUs);

    uint64_t packetsReceived() const { return received_; }
    uint32_t extendedHighestSeq() const { return cycles_ + maxSeq_; }
    // Cumulative packets lost (RFC 3550 A.3): expected from the extended sequence numbers minus
    // received; negative when duplicates arrived. 0 before the first packet.
    int64_t packetsLost() const {
        if (!started_) return 0;
        const int64_t expected =
            static_cast<int64_t>(extendedHighestSeq()) - static_cast<int64_t>(baseSeq_) + 1;
        return expected - static_cast<int64_t>(received_);
    }
    bool started() const { return started_; }
    // Packets that arrived only after their gap had been seen (answers to our NACKs, or late):
    // the link lost (or badly delayed) these even though the stream was repaired.
    uint64_t packetsRecovered() const { return recovered_; }
    // RFC 3550 A.8 interarrival jitter, in RTP timestamp units and in milliseconds.
    double jitter() const { return jitter_; }
    double jitterMs() const { return jitter_ * 1000.0 / clockRate_; }

  private:
    uint32_t clockRate_;
    bool started_ = false;
    uint16_t maxSeq_ = 0;
    uint32_t cycles_ = 0;
    uint32_t baseSeq_ = 0;
    uint32_t badSeq_ = 0x10001;
    uint64_t received_ = 0;
    uint64_t recovered_ = 0;
    uint64_t expectedPrior_ = 0;
    uint64_t receivedPrior_ = 0;
    double jitter_ = 0;
    int64_t lastTransit_ = 0;
    bool haveTransit_ = false;
    uint32_t lastSrMiddle_ = 0;
    int64_t lastSrArrivalUs_ = 0;
};

}  // namespace vcb::sfu
