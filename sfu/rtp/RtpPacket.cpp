#include "sfu/rtp/RtpPacket.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

bool RtpPacket::parse(uint8_t* data, size_t len, RtpPacket& out) {
    if (data == nullptr || len < kFixedHeaderSize) {
        return false;
    }
    if ((data[0] >> 6) != 2) {
        return false;
    }
    const size_t csrcs = data[0] & 0x0F;
    size_t offset = kFixedHeaderSize + 4 * csrcs;
    if (offset > len) {
        return false;
    }
    uint16_t profile = 0;
    size_t extOffset = 0;
    size_t extSize = 0;
    if ((data[0] & 0x10) != 0) {
        if (len - offset < 4) {
            return false;
        }
        profile = readU16(data + offset);
        extSize = static_cast<size_t>(readU16(data + offset + 2)) * 4;
        extOffset = offset + 4;
        if (len - extOffset < extSize) {
            return false;
        }
        offset = extOffset + extSize;
    }
    size_t padding = 0;
    if ((data[0] & 0x20) != 0) {
        // The count includes itself, so 0 is invalid; it may not eat into the header.
        if (offset == len) {
            return false;
        }
        padding = data[len - 1];
        if (padding == 0 || padding > len - offset) {
            return false;
        }
    }
    out.data_ = data;
    out.size_ = len;
    out.headerSize_ = offset;
    out.paddingSize_ = padding;
    out.extensionOffset_ = extOffset;
    out.extensionSize_ = extSize;
    out.extensionProfile_ = profile;
    return true;
}

uint16_t RtpPacket::sequenceNumber() const { return readU16(data_ + 2); }
uint32_t RtpPacket::timestamp() const { return readU32(data_ + 4); }
uint32_t RtpPacket::ssrc() const { return readU32(data_ + 8); }

uint32_t RtpPacket::csrc(size_t i) const {
    if (i >= csrcCount()) {
        return 0;
    }
    return readU32(data_ + kFixedHeaderSize + 4 * i);
}

void RtpPacket::setMarker(bool marker) {
    data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}

void RtpPacket::setPayloadType(uint8_t pt) {
    data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | (pt & 0x7F));
}

void RtpPacket::setSequenceNumber(uint16_t seq) { writeU16(data_ + 2, seq); }
void RtpPacket::setTimestamp(uint32_t ts) { writeU32(data_ + 4, ts); }
void RtpPacket::setSsrc(uint32_t ssrc) { writeU32(data_ + 8, ssrc); }

std::span<const uint8_t> RtpPacket::payload() const { return {data_ + headerSize_, payloadSize()}; }

std::span<uint8_t> RtpPacket::mutablePayload() { return {data_ + headerSize_, payloadSize()}; }

bool RtpPacket::hasOneByteExtensions() const {
    return hasExtension() && extensionProfile_ == kOneByteProfile;
}

bool RtpPacket::hasTwoByteExtensions() const {
    return hasExtension() && (extensionProfile_ & 0xFFF0) == kTwoByteProfile;
}

std::span<const uint8_t> RtpPacket::extensionBlock() const {
    if (!hasExtension()) {
        return {};
    }
    return {data_ + extensionOffset_, extensionSize_};
}

bool RtpPacket::nextExtension(size_t& pos, uint8_t& id, size_t& valueOffset,
                              size_t& valueLen) const {
    const bool oneByte = hasOneByteExtensions();
    if (!oneByte && !hasTwoByteExtensions()) {
        return false;
    }
    const uint8_t* block = data_ + extensionOffset_;
    // Bounded: every iteration consumes at least one byte of the block.
    while (pos < extensionSize_) {
        const uint8_t first = block[pos];
        if (first == 0 || (oneByte && (first >> 4) == 0)) {
            // Padding between elements. In the one-byte form ID 0 is reserved for padding
            // (RFC 8285 §4.2) whatever its length nibble says; libwebrtc skips such a byte too.
            ++pos;
            continue;
        }
        size_t headerLen = 0;
        size_t len = 0;
        if (oneByte) {
            id = first >> 4;
            if (id == kOneByteStopId) {
                pos = extensionSize_;  // RFC 8285 §4.2: ignore everything from here on
                return false;
            }
            headerLen = 1;
            len = static_cast<size_t>(first & 0x0F) + 1;
        } else {
            if (extensionSize_ - pos < 2) {
                pos = extensionSize_;
                return false;
            }
            id = first;
            headerLen = 2;
            len = block[pos + 1];
        }
        if (extensionSize_ - pos - headerLen < len) {
            pos = extensionSize_;  // element runs past the block: stop
            return false;
        }
        valueOffset = extensionOffset_ + pos + headerLen;
        valueLen = len;
        pos += headerLen + len;
        return true;
    }
    return false;
}

bool RtpPacket::locateExtension(uint8_t id, size_t& offset, size_t& len) const {
    if (id == 0) {
        return false;
    }
    size_t pos = 0;
    uint8_t elementId = 0;
    while (nextExtension(pos, elementId, offset, len)) {
        if (elementId == id) {
            return true;
        }
    }
    return false;
}

std::span<const uint8_t> RtpPacket::findExtension(uint8_t id) const {
    size_t offset = 0;
    size_t len = 0;
    if (!locateExtension(id, offset, len)) {
        return {};
    }
    return {data_ + offset, len};
}

bool RtpPacket::hasExtensionElement(uint8_t id) const {
    size_t offset = 0;
    size_t len = 0;
    return locateExtension(id, offset, len);
}

std::span<uint8_t> RtpPacket::mutableExtension(uint8_t id) {
    size_t offset = 0;
    size_t len = 0;
    if (!locateExtension(id, offset, len)) {
        return {};
    }
    return {data_ + offset, len};
}

}  // namespace vcb::rtp
