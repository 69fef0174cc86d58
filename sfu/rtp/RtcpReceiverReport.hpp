#pragma once
// RTCP Receiver Report (RFC 3550 §6.4.2), PT = 201:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |V=2|P|    RC   |   PT=RR=201   |             length            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     SSRC of packet sender                     |
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

class RtcpReceiverReport {
  public:
    static constexpr size_t kFixedSize = 8;

    static bool parse(const uint8_t* data, size_t len, RtcpReceiverReport& out);
    static bool parse(const RtcpHeader& header, RtcpReceiverReport& out);

    uint32_t ssrc() const { return ssrc_; }
    size_t reportBlockCount() const;
    ReportBlock reportBlock(size_t i) const;

    void setSsrc(uint32_t v) { ssrc_ = v; }
    void setReportBlocks(std::span<const ReportBlock> blocks);

    size_t size() const { return kFixedSize + ReportBlock::kSize * reportBlockCount(); }
    size_t write(uint8_t* out, size_t capacity) const;

  private:
    uint32_t ssrc_ = 0;
    const uint8_t* wireBlocks_ = nullptr;
    size_t wireBlockCount_ = 0;
    std::span<const ReportBlock> blocks_;
};

}  // namespace vcb::rtp
