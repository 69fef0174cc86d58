#include "sfu/rtp/RtcpRemb.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {
constexpr uint8_t kIdentifier[4] = {'R', 'E', 'M', 'B'};
constexpr uint32_t kMaxMantissa = (1u << 18) - 1;
}  // namespace

bool RtcpRemb::parse(const uint8_t* data, size_t len, RtcpRemb& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpRemb::parse(const RtcpHeader& header, RtcpRemb& out) {
    if (header.packetType() != rtcp::kPsFeedback || header.count() != rtcp::kFmtAfb) {
        return false;
    }
    const auto body = header.body();
    const size_t fixedBody = kFixedSize - rtcp::kHeaderSize;
    if (body.size() < fixedBody) {
        return false;
    }
    const uint8_t* p = body.data();
    for (size_t i = 0; i < 4; ++i) {
        if (p[8 + i] != kIdentifier[i]) {
            return false;
        }
    }
    const size_t count = p[12];
    if ((body.size() - fixedBody) / 4 < count) {
        return false;
    }
    const unsigned exp = p[13] >> 2;
    const uint64_t mantissa = readU24(p + 13) & kMaxMantissa;
    const uint64_t bitrate = mantissa << exp;
    if ((bitrate >> exp) != mantissa) {
        return false;
    }
    out.senderSsrc_ = readU32(p);
    out.mediaSsrc_ = readU32(p + 4);
    out.bitrate_ = bitrate;
    out.wireSsrcs_ = p + fixedBody;
    out.wireCount_ = count;
    out.ssrcs_ = {};
    return true;
}

size_t RtcpRemb::ssrcCount() const { return wireSsrcs_ != nullptr ? wireCount_ : ssrcs_.size(); }

uint32_t RtcpRemb::ssrc(size_t i) const {
    if (wireSsrcs_ != nullptr) {
        return i < wireCount_ ? readU32(wireSsrcs_ + 4 * i) : 0;
    }
    return i < ssrcs_.size() ? ssrcs_[i] : 0;
}

void RtcpRemb::setSsrcs(std::span<const uint32_t> ssrcs) {
    wireSsrcs_ = nullptr;
    wireCount_ = 0;
    ssrcs_ = ssrcs;
}

size_t RtcpRemb::write(uint8_t* out, size_t capacity) const {
    const size_t count = ssrcCount();
    const size_t total = size();
    if (out == nullptr || count > kMaxSsrcs || total > capacity) {
        return 0;
    }
    unsigned exp = 0;
    while ((bitrate_ >> exp) > kMaxMantissa) {  // at most 46 iterations
        ++exp;
    }
    const auto mantissa = static_cast<uint32_t>(bitrate_ >> exp);
    RtcpHeader::write(out, false, rtcp::kFmtAfb, rtcp::kPsFeedback, total);
    writeU32(out + 4, senderSsrc_);
    writeU32(out + 8, mediaSsrc_);
    for (size_t i = 0; i < 4; ++i) {
        out[12 + i] = kIdentifier[i];
    }
    out[16] = static_cast<uint8_t>(count);
    writeU24(out + 17, (exp << 18) | mantissa);
    for (size_t i = 0; i < count; ++i) {
        writeU32(out + kFixedSize + 4 * i, ssrc(i));
    }
    return total;
}

}  // namespace vcb::rtp
