#include "sfu/rtp/StunMessage.hpp"

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::rtp {

namespace {
size_t padded(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }
}  // namespace

bool StunMessage::parse(const uint8_t* data, size_t len, StunMessage& out) {
    if (data == nullptr || len < kHeaderSize) {
        return false;
    }
    if ((data[0] & 0xC0) != 0 || readU32(data + 4) != kMagicCookie) {
        return false;
    }
    const size_t msgLen = readU16(data + 2);
    if (msgLen % 4 != 0 || len - kHeaderSize < msgLen) {
        return false;
    }
    // Every attribute (with padding) must end inside the message. Each consumes >= 4 bytes.
    const size_t end = kHeaderSize + msgLen;
    size_t pos = kHeaderSize;
    while (pos < end) {
        if (end - pos < 4) {
            return false;
        }
        const size_t valueLen = readU16(data + pos + 2);
        if (end - pos - 4 < padded(valueLen)) {
            return false;
        }
        pos += 4 + padded(valueLen);
    }
    out.data_ = data;
    return true;
}

uint16_t StunMessage::type() const { return readU16(data_) & 0x3FFF; }

uint16_t StunMessage::method() const {
    const uint16_t t = type();
    return static_cast<uint16_t>((t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2));
}

StunClass StunMessage::messageClass() const {
    const uint16_t t = type();
    return static_cast<StunClass>(((t >> 7) & 0x2) | ((t >> 4) & 0x1));
}

uint16_t StunMessage::length() const { return readU16(data_ + 2); }

std::span<const uint8_t, 12> StunMessage::transactionId() const {
    return std::span<const uint8_t, 12>(data_ + 8, 12);
}

bool StunMessage::nextAttribute(size_t& pos, uint16_t& attrType,
                                std::span<const uint8_t>& value) const {
    // parse() validated the layout; the checks keep a default-constructed view safe too.
    if (data_ == nullptr) {
        return false;
    }
    const size_t end = size();
    if (pos >= end || end - pos < 4) {
        return false;
    }
    attrType = readU16(data_ + pos);
    const size_t valueLen = readU16(data_ + pos + 2);
    if (end - pos - 4 < padded(valueLen)) {
        return false;
    }
    value = std::span<const uint8_t>(data_ + pos + 4, valueLen);
    pos += 4 + padded(valueLen);
    return true;
}

bool StunMessage::locate(uint16_t attrType, std::span<const uint8_t>& value) const {
    // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY are ignored, except FINGERPRINT (and
    // MESSAGE-INTEGRITY-SHA256, which ICE does not use): they are not covered by the HMAC.
    const bool trailer = attrType == kAttrMessageIntegrity || attrType == kAttrFingerprint;
    size_t pos = kHeaderSize;
    uint16_t t = 0;
    while (nextAttribute(pos, t, value)) {
        if (t == attrType) {
            return true;
        }
        if (t == kAttrMessageIntegrity && !trailer) {
            return false;
        }
    }
    return false;
}

std::span<const uint8_t> StunMessage::findAttribute(uint16_t attrType) const {
    std::span<const uint8_t> value;
    return locate(attrType, value) ? value : std::span<const uint8_t>{};
}

bool StunMessage::hasAttribute(uint16_t attrType) const {
    std::span<const uint8_t> value;
    return locate(attrType, value);
}

std::optional<std::string_view> StunMessage::username() const {
    std::span<const uint8_t> value;
    if (!locate(kAttrUsername, value)) {
        return std::nullopt;
    }
    return std::string_view(reinterpret_cast<const char*>(value.data()), value.size());
}

bool StunMessage::hasMessageIntegrity() const {
    std::span<const uint8_t> value;
    return locate(kAttrMessageIntegrity, value) && value.size() == kMessageIntegritySize;
}

bool StunMessage::hasFingerprint() const {
    std::span<const uint8_t> value;
    return locate(kAttrFingerprint, value) && value.size() == kFingerprintSize;
}

}  // namespace vcb::rtp
