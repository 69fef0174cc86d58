#include "sfu/rtp/RtcpPli.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpPli::parse(const uint8_t* data, size_t len, RtcpPli& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpPli::parse(const RtcpHeader& header, RtcpPli& out) {
    if (header.packetType() != rtcp::kPsFeedback || header.count() != rtcp::kFmtPli) {
        return false;
    }
    const auto body = header.body();
    if (body.size() < 8) {
        return false;
    }
    out.senderSsrc_ = readU32(body.data());
    out.mediaSsrc_ = readU32(body.data() + 4);
    return true;
}

size_t RtcpPli::write(uint8_t* out, size_t capacity) const {
    if (out == nullptr || capacity < kSize) {
        return 0;
    }
    RtcpHeader::write(out, false, rtcp::kFmtPli, rtcp::kPsFeedback, kSize);
    writeU32(out + 4, senderSsrc_);
    writeU32(out + 8, mediaSsrc_);
    return kSize;
}

}  // namespace vcb::rtp
