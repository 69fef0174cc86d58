#pragma once
// Picture Loss Indication (RFC 4585 §6.3.1): PSFB (PT = 206), FMT = 1, no FCI:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P| FMT=1   |   PT=206      |          length=2             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of packet sender                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  SSRC of media source                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <cstddef>
#include <cstdint>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

class RtcpPli {
  public:
    static constexpr size_t kSize = 12;

    static bool parse(const uint8_t* data, size_t len, RtcpPli& out);
    static bool parse(const RtcpHeader& header, RtcpPli& out);

    uint32_t senderSsrc() const { return senderSsrc_; }
    uint32_t mediaSsrc() const { return mediaSsrc_; }
    void setSenderSsrc(uint32_t v) { senderSsrc_ = v; }
    void setMediaSsrc(uint32_t v) { mediaSsrc_ = v; }

    size_t size() const { return kSize; }
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    uint32_t senderSsrc_ = 0;
    uint32_t mediaSsrc_ = 0;
};

}  // namespace vcb::rtp
