#include "sfu/rtp/RtcpGenericNack.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtcpGenericNack::parse(const uint8_t* data, size_t len, RtcpGenericNack& out) {
    RtcpHeader header;
    return RtcpHeader::parse(data, len, header) && parse(header, out);
}

bool RtcpGenericNack::parse(const RtcpHeader& header, RtcpGenericNack& out) {
    if (header.packetType() != rtcp::kRtpFeedback || header.count() != rtcp::kFmtGenericNack) {
        return false;
    }
    const auto body = header.body();
    if (body.size() < 8 + kItemSize || (body.size() - 8) % kItemSize != 0) {
        return false;
    }
    out.senderSsrc_ = readU32(body.data());
    out.mediaSsrc_ = readU32(body.data() + 4);
    out.wireItems_ = body.data() + 8;
    out.wireCount_ = (body.size() - 8) / kItemSize;
    out.items_ = {};
    return true;
}

size_t RtcpGenericNack::itemCount() const {
    return wireItems_ != nullptr ? wireCount_ : items_.size();
}

NackItem RtcpGenericNack::item(size_t i) const {
    if (wireItems_ != nullptr) {
        if (i >= wireCount_) {
            return {};
        }
        const uint8_t* p = wireItems_ + kItemSize * i;
        return {readU16(p), readU16(p + 2)};
    }
    return i < items_.size() ? items_[i] : NackItem{};
}

size_t RtcpGenericNack::lostSequenceNumbers(std::span<uint16_t> out) const {
    size_t n = 0;
    forEachLost([&](uint16_t seq) {
        if (n < out.size()) {
            out[n++] = seq;
        }
    });
    return n;
}

size_t RtcpGenericNack::buildItems(std::span<const uint16_t> sortedLost, std::span<NackItem> out) {
    size_t n = 0;
    for (const uint16_t seq : sortedLost) {
        if (n > 0) {
            const auto d = static_cast<uint16_t>(seq - out[n - 1].pid);
            if (d == 0) {
                continue;
            }
            if (d <= 16) {
                out[n - 1].blp = static_cast<uint16_t>(out[n - 1].blp | (1u << (d - 1)));
                continue;
            }
        }
        if (n == out.size()) {
            break;
        }
        out[n++] = {seq, 0};
    }
    return n;
}

void RtcpGenericNack::setItems(std::span<const NackItem> items) {
    wireItems_ = nullptr;
    wireCount_ = 0;
    items_ = items;
}

size_t RtcpGenericNack::write(uint8_t* out, size_t capacity) const {
    const size_t count = itemCount();
    const size_t total = size();
    if (out == nullptr || count == 0 || total > capacity || total > rtcp::kMaxPacketSize) {
        return 0;
    }
    RtcpHeader::write(out, false, rtcp::kFmtGenericNack, rtcp::kRtpFeedback, total);
    writeU32(out + 4, senderSsrc_);
    writeU32(out + 8, mediaSsrc_);
    for (size_t i = 0; i < count; ++i) {
        const NackItem it = item(i);
        writeU16(out + kFixedSize + kItemSize * i, it.pid);
        writeU16(out + kFixedSize + kItemSize * i + 2, it.blp);
    }
    return total;
}

}  // namespace vcb::rtp
