#include "sfu/rtp/StunMessageWriter.hpp"

#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"
#include "sfu/rtp/StunMessage.hpp"

namespace vcb::rtp {

bool StunMessageWriter::begin(uint16_t type, std::span<const uint8_t, 12> transactionId) {
    size_ = 0;
    if (buf_ == nullptr || capacity_ < StunMessage::kHeaderSize) return false;
    writeU16(buf_, type & 0x3FFF);
    writeU16(buf_ + 2, 0);
    writeU32(buf_ + 4, StunMessage::kMagicCookie);
    std::memcpy(buf_ + 8, transactionId.data(), transactionId.size());
    size_ = StunMessage::kHeaderSize;
    return true;
}

uint8_t* StunMessageWriter::appendAttribute(uint16_t type, size_t valueLen) {
    const size_t padded = (valueLen + 3) & ~static_cast<size_t>(3);
    if (size_ < StunMessage::kHeaderSize || capacity_ - size_ < 4 + padded ||
        size_ - StunMessage::kHeaderSize + 4 + padded > 0xFFFF) {
        return nullptr;
    }
    uint8_t* p = buf_ + size_;
    writeU16(p, type);
    writeU16(p + 2, static_cast<uint16_t>(valueLen));
    std::memset(p + 4, 0, padded);
    size_ += 4 + padded;
    writeU16(buf_ + 2, static_cast<uint16_t>(size_ - StunMessage::kHeaderSize));
    return p + 4;
}

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |x x x x x x x x|    Family     |         X-Port                |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                X-Address (Variable)
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
bool StunMessageWriter::addXorMappedAddress(uint8_t family, uint16_t port,
                                            std::span<const uint8_t> address) {
    const size_t addrLen = family == 0x01 ? 4 : (family == 0x02 ? 16 : 0);
    if (addrLen == 0 || address.size() != addrLen) return false;
    const uint8_t* header = buf_;  // cookie at 4..8, transaction id at 8..20: the XOR key
    uint8_t* v = appendAttribute(StunMessage::kAttrXorMappedAddress, 4 + addrLen);
    if (v == nullptr) return false;
    v[0] = 0;
    v[1] = family;
    writeU16(v + 2, static_cast<uint16_t>(port ^ (StunMessage::kMagicCookie >> 16)));
    for (size_t i = 0; i < addrLen; ++i) v[4 + i] = address[i] ^ header[4 + i];
    return true;
}

bool StunMessageWriter::addAttribute(uint16_t type, std::span<const uint8_t> value) {
    uint8_t* v = appendAttribute(type, value.size());
    if (v == nullptr) return false;
    if (!value.empty()) std::memcpy(v, value.data(), value.size());
    return true;
}

StunMessageWriter::Trailer StunMessageWriter::addMessageIntegrity() {
    const size_t before = size_;
    uint8_t* v =
        appendAttribute(StunMessage::kAttrMessageIntegrity, StunMessage::kMessageIntegritySize);
    if (v == nullptr) return {};
    return {{buf_, before}, {v, StunMessage::kMessageIntegritySize}};
}

StunMessageWriter::Trailer StunMessageWriter::addFingerprint() {
    const size_t before = size_;
    uint8_t* v = appendAttribute(StunMessage::kAttrFingerprint, StunMessage::kFingerprintSize);
    if (v == nullptr) return {};
    return {{buf_, before}, {v, StunMessage::kFingerprintSize}};
}

}  // namespace vcb::rtp
