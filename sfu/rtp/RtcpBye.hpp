#pragma once
// RTCP BYE (RFC 3550 §6.6), PT = 203:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    SC   |   PT=BYE=203  |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           SSRC/CSRC                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// :                              ...                              :
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |     length    |               reason for leaving            ... (opt)
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sfu/rtp/RtcpHeader.hpp"

namespace vcb::rtp {

class RtcpBye {
  public:
    static bool parse(const uint8_t* data, size_t len, RtcpBye& out);
    static bool parse(const RtcpHeader& header, RtcpBye& out);

    size_t ssrcCount() const;
    // Returns 0 for i >= ssrcCount().
    uint32_t ssrc(size_t i) const;
    std::string_view reason() const { return reason_; }

    // The span and string must outlive this object.
    void setSsrcs(std::span<const uint32_t> ssrcs);
    void setReason(std::string_view reason) { reason_ = reason; }

    size_t size() const;
    // Returns bytes written, 0 if it does not fit, > 31 SSRCs or a reason > 255 bytes.
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    const uint8_t* wireSsrcs_ = nullptr;
    size_t wireCount_ = 0;
    std::span<const uint32_t> ssrcs_;
    std::string_view reason_;
};

}  // namespace vcb::rtp
