#include "sfu/rtp/RtpPacketWriter.hpp"

#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {

bool overriddenByExtra(uint8_t id, std::span<const RtpExtensionElement> extra) {
    for (const auto& e : extra) {
        if (e.id == id) {
            return true;
        }
    }
    return false;
}

bool fitsOneByte(uint8_t id, size_t len) { return id >= 1 && id <= 14 && len >= 1 && len <= 16; }

// Appends one element; the caller has reserved the space.
size_t putElement(uint8_t* p, bool oneByte, uint8_t id, const uint8_t* value, size_t len) {
    size_t headerLen = 0;
    if (oneByte) {
        p[0] = static_cast<uint8_t>((id << 4) | (len - 1));
        headerLen = 1;
    } else {
        p[0] = id;
        p[1] = static_cast<uint8_t>(len);
        headerLen = 2;
    }
    if (len > 0) {
        std::memcpy(p + headerLen, value, len);
    }
    return headerLen + len;
}

}  // namespace

ExtensionIdMap RtpPacketWriter::identityMap() {
    ExtensionIdMap map{};
    for (size_t i = 0; i < map.size(); ++i) {
        map[i] = static_cast<uint8_t>(i);
    }
    return map;
}

size_t RtpPacketWriter::write(const RtpPacket& src, const RtpHeaderRewrite& header,
                              const ExtensionIdMap& idMap,
                              std::span<const RtpExtensionElement> extra, uint8_t* out,
                              size_t capacity) {
    if (out == nullptr || src.data() == nullptr) {
        return 0;
    }

    // Pass 1: size the extension block in both forms and pick one.
    bool oneByte = true;
    size_t count = 0;
    size_t oneByteSize = 0;
    size_t twoByteSize = 0;
    size_t pos = 0;
    uint8_t id = 0;
    size_t valueOffset = 0;
    size_t valueLen = 0;
    while (src.nextExtension(pos, id, valueOffset, valueLen)) {
        const uint8_t dst = idMap[id];
        if (dst == 0 || overriddenByExtra(dst, extra)) {
            continue;
        }
        oneByte = oneByte && fitsOneByte(dst, valueLen);
        oneByteSize += 1 + valueLen;
        twoByteSize += 2 + valueLen;
        ++count;
    }
    for (const auto& e : extra) {
        if (e.id == 0 || e.value.size() > 255) {
            return 0;
        }
        oneByte = oneByte && fitsOneByte(e.id, e.value.size());
        oneByteSize += 1 + e.value.size();
        twoByteSize += 2 + e.value.size();
        ++count;
    }
    const size_t elementsSize = oneByte ? oneByteSize : twoByteSize;
    const size_t paddedElements = (elementsSize + 3) & ~static_cast<size_t>(3);
    if (paddedElements / 4 > 0xFFFF) {
        return 0;
    }
    const size_t extBlock = count > 0 ? 4 + paddedElements : 0;
    const size_t csrcBytes = 4 * static_cast<size_t>(src.csrcCount());
    const size_t tail = src.size() - src.headerSize();  // payload + padding
    const size_t total = RtpPacket::kFixedHeaderSize + csrcBytes + extBlock + tail;
    if (total > capacity) {
        return 0;
    }

    // Pass 2: write.
    const uint8_t* in = src.data();
    out[0] = static_cast<uint8_t>(0x80 | (in[0] & 0x20) | (count > 0 ? 0x10 : 0) | src.csrcCount());
    out[1] = static_cast<uint8_t>((header.marker ? 0x80 : 0) | (header.payloadType & 0x7F));
    writeU16(out + 2, header.sequenceNumber);
    writeU32(out + 4, header.timestamp);
    writeU32(out + 8, header.ssrc);
    size_t o = RtpPacket::kFixedHeaderSize;
    std::memcpy(out + o, in + RtpPacket::kFixedHeaderSize, csrcBytes);
    o += csrcBytes;
    if (count > 0) {
        writeU16(out + o, oneByte ? RtpPacket::kOneByteProfile : RtpPacket::kTwoByteProfile);
        writeU16(out + o + 2, static_cast<uint16_t>(paddedElements / 4));
        o += 4;
        const size_t elementsStart = o;
        pos = 0;
        while (src.nextExtension(pos, id, valueOffset, valueLen)) {
            const uint8_t dst = idMap[id];
            if (dst == 0 || overriddenByExtra(dst, extra)) {
                continue;
            }
            o += putElement(out + o, oneByte, dst, in + valueOffset, valueLen);
        }
        for (const auto& e : extra) {
            o += putElement(out + o, oneByte, e.id, e.value.data(), e.value.size());
        }
        const size_t pad = paddedElements - (o - elementsStart);
        std::memset(out + o, 0, pad);
        o += pad;
    }
    std::memcpy(out + o, in + src.headerSize(), tail);
    return o + tail;
}

}  // namespace vcb::rtp
