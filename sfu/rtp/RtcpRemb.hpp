#pragma once
// Receiver Estimated Max Bitrate (draft-alvestrand-rmcat-remb-03 §2.2): PSFB (PT = 206),
// FMT = 15 (application layer feedback), media source SSRC = 0:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| FMT=15  |   PT=206      |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source (0)                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Unique identifier 'R' 'E' 'M' 'B'                            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   SSRC feedback                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  ...                                                          |
//
// Bitrate (bps) = mantissa << exp.
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

class RtcpRemb {
  public:
    static constexpr size_t kFixedSize = 20;
    static constexpr size_t kMaxSsrcs = 255;

    static bool parse(const uint8_t* data, size_t len, RtcpRemb& out);
    // False for other PSFB FMT 15 messages; also rejects a bitrate that overflows 64 bits.
    static bool parse(const RtcpHeader& header, RtcpRemb& out);

    uint32_t senderSsrc() const { return senderSsrc_; }
    uint32_t mediaSsrc() const { return mediaSsrc_; }
    uint64_t bitrate() const { return bitrate_; }
    size_t ssrcCount() const;
    uint32_t ssrc(size_t i) const;

    void setSenderSsrc(uint32_t v) { senderSsrc_ = v; }
    void setMediaSsrc(uint32_t v) { mediaSsrc_ = v; }
    // Encoding keeps the 18 most significant bits, so large values are rounded down.
    void setBitrate(uint64_t bps) { bitrate_ = bps; }
    // The span must outlive this object.
    void setSsrcs(std::span<const uint32_t> ssrcs);

    size_t size() const { return kFixedSize + 4 * ssrcCount(); }
    // Returns bytes written, 0 if it does not fit or more than 255 SSRCs.
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    uint32_t senderSsrc_ = 0;
    uint32_t mediaSsrc_ = 0;
    uint64_t bitrate_ = 0;
    const uint8_t* wireSsrcs_ = nullptr;
    size_t wireCount_ = 0;
    std::span<const uint32_t> ssrcs_;
};

}  // namespace vcb::rtp
