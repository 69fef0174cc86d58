#pragma once
// RTCP Sender Report (RFC 3550 §6.4.1), PT = 200:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    RC   |   PT=SR=200   |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         SSRC of sender                        |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |              NTP timestamp, most significant word             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |             NTP timestamp, least significant word             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         RTP timestamp                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     sender's packet count                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      sender's octet count                     |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
// |                 report blocks (RC x 24 bytes)                 |
// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// Parsed report blocks are read from the packet bytes; blocks set with setReportBlocks() are
// read from the caller's span. Either must outlive this object.
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/RtcpHeader.hpp"
#include "sfu/rtp/RtcpReportBlock.hpp"

namespace vcb::rtp {

class RtcpSenderReport {
  public:
    static constexpr size_t kFixedSize = 28;  // header + sender info

    static bool parse(const uint8_t* data, size_t len, RtcpSenderReport& out);
    static bool parse(const RtcpHeader& header, RtcpSenderReport& out);

    uint32_t ssrc() const { return ssrc_; }
    uint64_t ntpTimestamp() const { return ntpTimestamp_; }
    uint32_t rtpTimestamp() const { return rtpTimestamp_; }
    uint32_t packetCount() const { return packetCount_; }
    uint32_t octetCount() const { return octetCount_; }
    size_t reportBlockCount() const;
    // i < reportBlockCount().
    ReportBlock reportBlock(size_t i) const;

    void setSsrc(uint32_t v) { ssrc_ = v; }
    void setNtpTimestamp(uint64_t v) { ntpTimestamp_ = v; }
    void setRtpTimestamp(uint32_t v) { rtpTimestamp_ = v; }
    void setPacketCount(uint32_t v) { packetCount_ = v; }
    void setOctetCount(uint32_t v) { octetCount_ = v; }
    // At most rtcp::kMaxCount blocks can be written.
    void setReportBlocks(std::span<const ReportBlock> blocks);

    size_t size() const { return kFixedSize + ReportBlock::kSize * reportBlockCount(); }
    // Returns bytes written, 0 if `capacity` is too small or there are too many blocks.
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    uint32_t ssrc_ = 0;
    uint64_t ntpTimestamp_ = 0;
    uint32_t rtpTimestamp_ = 0;
    uint32_t packetCount_ = 0;
    uint32_t octetCount_ = 0;
    const uint8_t* wireBlocks_ = nullptr;
    size_t wireBlockCount_ = 0;
    std::span<const ReportBlock> blocks_;
};

}  // namespace vcb::rtp
