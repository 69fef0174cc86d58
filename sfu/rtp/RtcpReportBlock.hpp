#pragma once
// Reception report block shared by SR and RR (RFC 3550 §6.4.1), 24 bytes:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                 SSRC_1 (SSRC of first source)                 |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | fraction lost |       cumulative number of packets lost       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           extended highest sequence number received           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      interarrival jitter                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         last SR (LSR)                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   delay since last SR (DLSR)                  |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
#include <cstddef>
#include <cstdint>

namespace vcb::rtp {

struct ReportBlock {
    static constexpr size_t kSize = 24;
    static constexpr int32_t kMaxCumulativeLost = (1 << 23) - 1;
    static constexpr int32_t kMinCumulativeLost = -(1 << 23);

    uint32_t ssrc = 0;
    uint8_t fractionLost = 0;    // 8-bit fixed point, lost/expected * 256
    int32_t cumulativeLost = 0;  // 24-bit signed on the wire
    uint32_t extendedHighestSeq = 0;
    uint32_t jitter = 0;            // RTP timestamp units
    uint32_t lastSr = 0;            // middle 32 bits of the last SR's NTP timestamp
    uint32_t delaySinceLastSr = 0;  // 1/65536 s

    // `p` must have kSize bytes.
    static ReportBlock read(const uint8_t* p);
    // Writes kSize bytes; cumulativeLost is clamped to the 24-bit signed range.
    void write(uint8_t* p) const;

    bool operator==(const ReportBlock&) const = default;
};

}  // namespace vcb::rtp
