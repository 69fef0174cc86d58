#include "sfu/rtp/RtcpReportBlock.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

ReportBlock ReportBlock::read(const uint8_t* p) {
    ReportBlock b;
    b.ssrc = readU32(p);
    b.fractionLost = p[4];
    uint32_t lost = readU24(p + 5);
    if ((lost & 0x800000) != 0) {
        lost |= 0xFF000000;  // sign-extend 24 -> 32 bits
    }
    b.cumulativeLost = static_cast<int32_t>(lost);
    b.extendedHighestSeq = readU32(p + 8);
    b.jitter = readU32(p + 12);
    b.lastSr = readU32(p + 16);
    b.delaySinceLastSr = readU32(p + 20);
    return b;
}

void ReportBlock::write(uint8_t* p) const {
    int32_t lost = cumulativeLost;
    if (lost > kMaxCumulativeLost) {
        lost = kMaxCumulativeLost;
    } else if (lost < kMinCumulativeLost) {
        lost = kMinCumulativeLost;
    }
    writeU32(p, ssrc);
    p[4] = fractionLost;
    writeU24(p + 5, static_cast<uint32_t>(lost) & 0xFFFFFF);
    writeU32(p + 8, extendedHighestSeq);
    writeU32(p + 12, jitter);
    writeU32(p + 16, lastSr);
    writeU32(p + 20, delaySinceLastSr);
}

}  // namespace vcb::rtp
