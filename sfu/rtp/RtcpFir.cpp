#include "sfu/rtp/RtcpFir.hpp"

#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpFir::parse(const uint8_t* data, size_t len, RtcpFir& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpFir::parse(const RtcpHeader& header, RtcpFir& out) {
    if (header.packetType() != rtcp::kPsFeedback || header.count() != rtcp::kFmtFir) {
        return false;
    }
    const auto body = header.body();
    if (body.size() < 8 + kEntrySize || (body.size() - 8) % kEntrySize != 0) {
        return false;
    }
    out.senderSsrc_ = readU32(body.data());
    out.mediaSsrc_ = readU32(body.data() + 4);
    out.wireEntries_ = body.data() + 8;
    out.wireCount_ = (body.size() - 8) / kEntrySize;
    out.entries_ = {};
    return true;
}

size_t RtcpFir::entryCount() const {
    return wireEntries_ != nullptr ? wireCount_ : entries_.size();
}

FirEntry RtcpFir::entry(size_t i) const {
    if (wireEntries_ != nullptr) {
        if (i >= wireCount_) {
            return {};
        }
        const uint8_t* p = wireEntries_ + kEntrySize * i;
        return {readU32(p), p[4]};
    }
    return i < entries_.size() ? entries_[i] : FirEntry{};
}

void RtcpFir::setEntries(std::span<const FirEntry> entries) {
    wireEntries_ = nullptr;
    wireCount_ = 0;
    entries_ = entries;
}

size_t RtcpFir::write(uint8_t* out, size_t capacity) const {
    const size_t count = entryCount();
    const size_t total = size();
    if (out == nullptr || count == 0 || total > capacity || total > rtcp::kMaxPacketSize) {
        return 0;
    }
    RtcpHeader::write(out, false, rtcp::kFmtFir, rtcp::kPsFeedback, total);
    writeU32(out + 4, senderSsrc_);
    writeU32(out + 8, mediaSsrc_);
    for (size_t i = 0; i < count; ++i) {
        uint8_t* p = out + kFixedSize + kEntrySize * i;
        const FirEntry e = entry(i);
        writeU32(p, e.ssrc);
        p[4] = e.sequenceNumber;
        std::memset(p + 5, 0, 3);
    }
    return total;
}

}  // namespace vcb::rtp
