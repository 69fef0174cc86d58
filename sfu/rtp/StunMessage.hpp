#pragma once
// STUN message (RFC 5389 §6, §15) as used by ICE connectivity checks:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0|     STUN Message Type     |         Message Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Magic Cookie                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Transaction ID (96 bits)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Type                  |            Length             |  attributes
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   Value (padded to 4 bytes)   ....
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Message type bits: |M11..M7|C1|M6..M4|C0|M3..M0| (method M, class C).
// Message Length counts the attribute bytes (after the 20-byte header), a multiple of 4.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace vcb::rtp {

enum class StunClass { Request = 0, Indication = 1, SuccessResponse = 2, ErrorResponse = 3 };

class StunMessage {
  public:
    static constexpr size_t kHeaderSize = 20;
    static constexpr uint32_t kMagicCookie = 0x2112A442;
    static constexpr uint16_t kBindingMethod = 0x001;

    static constexpr uint16_t kAttrMappedAddress = 0x0001;
    static constexpr uint16_t kAttrUsername = 0x0006;
    static constexpr uint16_t kAttrMessageIntegrity = 0x0008;
    static constexpr uint16_t kAttrErrorCode = 0x0009;
    static constexpr uint16_t kAttrXorMappedAddress = 0x0020;
    static constexpr uint16_t kAttrPriority = 0x0024;
    static constexpr uint16_t kAttrUseCandidate = 0x0025;
    static constexpr uint16_t kAttrFingerprint = 0x8028;
    static constexpr uint16_t kAttrIceControlled = 0x8029;
    static constexpr uint16_t kAttrIceControlling = 0x802A;
    static constexpr size_t kMessageIntegritySize = 20;
    static constexpr size_t kFingerprintSize = 4;

    // Validates header, cookie and every attribute against the message length, which must fit
    // in `len` (trailing bytes beyond it are ignored; size() is the message size).
    static bool parse(const uint8_t* data, size_t len, StunMessage& out);

    uint16_t type() const;
    uint16_t method() const;
    StunClass messageClass() const;
    // Attribute bytes, as in the header.
    uint16_t length() const;
    std::span<const uint8_t, 12> transactionId() const;
    size_t size() const { return kHeaderSize + length(); }
    const uint8_t* data() const { return data_; }

    // Calls f(uint16_t type, std::span<const uint8_t> value) for every attribute (value without
    // padding), in order, including any after MESSAGE-INTEGRITY.
    template <typename F>
    void forEachAttribute(F&& f) const {
        size_t pos = kHeaderSize;
        uint16_t attrType = 0;
        std::span<const uint8_t> value;
        while (nextAttribute(pos, attrType, value)) {
            f(attrType, value);
        }
    }
    // First attribute of this type; empty span if absent (check hasAttribute for empty values).
    // Attributes after MESSAGE-INTEGRITY are not found (RFC 8489 §14.5), except FINGERPRINT.
    std::span<const uint8_t> findAttribute(uint16_t attrType) const;
    bool hasAttribute(uint16_t attrType) const;

    std::optional<std::string_view> username() const;
    // Present with the right size (HMAC-SHA1, 20 bytes).
    bool hasMessageIntegrity() const;
    bool hasFingerprint() const;

  private:
    bool nextAttribute(size_t& pos, uint16_t& attrType, std::span<const uint8_t>& value) const;
    bool locate(uint16_t attrType, std::span<const uint8_t>& value) const;

    const uint8_t* data_ = nullptr;
};

}  // namespace vcb::rtp
