#include "sfu/core/RtpReceiveStats.hpp"

#include <algorithm>
#include <cmath>

namespace vcb::sfu {

namespace {
constexpr uint16_t kMaxDropout = 3000;
constexpr uint16_t kMaxMisorder = 100;
constexpr uint32_t kSeqMod = 1u << 16;
}  // namespace

bool RtpReceiveStats::update(uint16_t seq, uint32_t rtpTimestamp, int64_t nowUs) {
    if (!started_) {
        started_ = true;
        baseSeq_ = seq;
        maxSeq_ = seq;
        badSeq_ = kSeqMod + 1;
        cycles_ = 0;
    } else {
        uint16_t delta = static_cast<uint16_t>(seq - maxSeq_);
        if (delta < kMaxDropout) {
            if (seq < maxSeq_) cycles_ += kSeqMod;  // wrapped
            maxSeq_ = seq;
        } else if (delta <= kSeqMod - kMaxMisorder) {
            // A large jump: accept it only if the next packet confirms the new sequence.
            if (seq == badSeq_) {
                baseSeq_ = seq;
                maxSeq_ = seq;
                cycles_ = 0;
                expectedPrior_ = 0;
                receivedPrior_ = 0;
                received_ = 0;
                badSeq_ = kSeqMod + 1;
            } else {
                badSeq_ = (static_cast<uint32_t>(seq) + 1) & (kSeqMod - 1);
                return false;
            }
        }
        // else: duplicate or reordered packet, counted below
    }
    ++received_;
    // Jitter (A.8) in timestamp units; arrival converted to the stream's clock.
    int64_t arrival = nowUs * static_cast<int64_t>(clockRate_) / 1000000;
    int64_t transit = arrival - static_cast<int64_t>(rtpTimestamp);
    if (haveTransit_) {
        int64_t d = std::llabs(transit - lastTransit_);
        if (d < static_cast<int64_t>(clockRate_) * 10)
            jitter_ += (static_cast<double>(d) - jitter_) / 16.0;
    }
    lastTransit_ = transit;
    haveTransit_ = true;
    return true;
}

void RtpReceiveStats::onSenderReport(uint64_t ntp, int64_t nowUs) {
    lastSrMiddle_ = static_cast<uint32_t>(ntp >> 16);
    lastSrArrivalUs_ = nowUs;
}

rtp::ReportBlock RtpReceiveStats::makeReportBlock(uint32_t ssrc, int64_t nowUs) {
    rtp::ReportBlock block;
    block.ssrc = ssrc;
    uint64_t extMax = static_cast<uint64_t>(cycles_) + maxSeq_;
    uint64_t expected = started_ ? extMax - baseSeq_ + 1 : 0;
    int64_t lost = static_cast<int64_t>(expected) - static_cast<int64_t>(received_);
    block.cumulativeLost = static_cast<int32_t>(std::clamp<int64_t>(
        lost, rtp::ReportBlock::kMinCumulativeLost, rtp::ReportBlock::kMaxCumulativeLost));
    uint64_t expectedInterval = expected - expectedPrior_;
    uint64_t receivedInterval = received_ - receivedPrior_;
    expectedPrior_ = expected;
    receivedPrior_ = received_;
    int64_t lostInterval =
        static_cast<int64_t>(expectedInterval) - static_cast<int64_t>(receivedInterval);
    block.fractionLost =
        (expectedInterval == 0 || lostInterval <= 0)
            ? 0
            : static_cast<uint8_t>(std::min<int64_t>(
                  255, (lostInterval << 8) / static_cast<int64_t>(expectedInterval)));
    block.extendedHighestSeq = static_cast<uint32_t>(extMax);
    block.jitter = static_cast<uint32_t>(jitter_);
    block.lastSr = lastSrMiddle_;
    if (lastSrArrivalUs_ != 0) {
        block.delaySinceLastSr =
            static_cast<uint32_t>((nowUs - lastSrArrivalUs_) * 65536 / 1000000);
    }
    return block;
}

}  // namespace vcb::sfu
