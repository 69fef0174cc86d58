#include "sfu/rtp/RtcpBye.hpp"

#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpBye::parse(const uint8_t* data, size_t len, RtcpBye& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpBye::parse(const RtcpHeader& header, RtcpBye& out) {
    if (header.packetType() != rtcp::kBye) {
        return false;
    }
    const auto body = header.body();
    const size_t count = header.count();
    if (body.size() / 4 < count) {
        return false;
    }
    std::string_view reason;
    const size_t rest = body.size() - 4 * count;
    if (rest > 0) {
        const size_t reasonLen = body[4 * count];
        if (rest - 1 < reasonLen) {
            return false;
        }
        reason =
            std::string_view(reinterpret_cast<const char*>(body.data() + 4 * count + 1), reasonLen);
    }
    out.wireSsrcs_ = body.data();
    out.wireCount_ = count;
    out.ssrcs_ = {};
    out.reason_ = reason;
    return true;
}

size_t RtcpBye::ssrcCount() const { return wireSsrcs_ != nullptr ? wireCount_ : ssrcs_.size(); }

uint32_t RtcpBye::ssrc(size_t i) const {
    if (wireSsrcs_ != nullptr) {
        return i < wireCount_ ? readU32(wireSsrcs_ + 4 * i) : 0;
    }
    return i < ssrcs_.size() ? ssrcs_[i] : 0;
}

void RtcpBye::setSsrcs(std::span<const uint32_t> ssrcs) {
    wireSsrcs_ = nullptr;
    wireCount_ = 0;
    ssrcs_ = ssrcs;
}

size_t RtcpBye::size() const {
    const size_t reasonBytes = reason_.empty() ? 0 : ((1 + reason_.size() + 3) & ~size_t{3});
    return rtcp::kHeaderSize + 4 * ssrcCount() + reasonBytes;
}

size_t RtcpBye::write(uint8_t* out, size_t capacity) const {
    const size_t count = ssrcCount();
    const size_t total = size();
    if (out == nullptr || count > rtcp::kMaxCount || reason_.size() > 255 || total > capacity) {
        return 0;
    }
    RtcpHeader::write(out, false, static_cast<uint8_t>(count), rtcp::kBye, total);
    size_t o = rtcp::kHeaderSize;
    for (size_t i = 0; i < count; ++i) {
        writeU32(out + o, ssrc(i));
        o += 4;
    }
    if (!reason_.empty()) {
        std::memset(out + o, 0, total - o);
        out[o] = static_cast<uint8_t>(reason_.size());
        std::memcpy(out + o + 1, reason_.data(), reason_.size());
    }
    return total;
}

}  // namespace vcb::rtp
