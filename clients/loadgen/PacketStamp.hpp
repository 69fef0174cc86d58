#pragma once
// The measurement stamp a publisher puts in every RTP packet it sends, carried in RTP padding
// (RFC 3550 §5.1: P bit set, the last padding byte counts the padding). vcbridge copies payload and
// padding unchanged (RtpPacketWriter) while it drops header extensions it did not negotiate, and
// decoders ignore padding, so the stamp survives the SFU and touches no media byte:
//
//   ... payload | 'V' 'C' 'B' 'S' | counter (32, BE) | send time µs (64, BE) | 0x11 |
//                 <------------------------- 17 padding bytes -------------------->
//
// counter numbers the packets of one publisher stream 0, 1, 2 ... (replicated copies included),
// so a subscriber counts loss independent of the SFU's sequence-number rewriting. The send time
// is Clock.hpp's monotonic clock: publishers and subscribers share one process.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::loadgen {

struct PacketStamp {
    static constexpr size_t kPaddingSize = 17;
    static constexpr uint32_t kMagic = 0x56434253;  // "VCBS"

    uint32_t counter = 0;
    int64_t sendTimeUs = 0;

    // Writes the 17 padding bytes (the caller sets the P bit). Returns kPaddingSize, or 0 if out
    // is too small.
    size_t writePadding(std::span<uint8_t> out) const;

    // The stamp in a parsed packet's padding, or nullopt if it has none (no padding, other
    // padding length or wrong magic).
    static std::optional<PacketStamp> read(const rtp::RtpPacket& packet);
};

}  // namespace vcb::loadgen
