#include "sfu/core/StunAuth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <array>
#include <cstring>

#include "sfu/rtp/ByteOrder.hpp"

namespace vcb::sfu {

namespace {
constexpr uint32_t kFingerprintXor = 0x5354554e;
constexpr size_t kMaxStun = 1500;

uint32_t crc32Of(std::span<const uint8_t> bytes) {
    return static_cast<uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), bytes.data(), static_cast<uInt>(bytes.size())));
}

bool hmacSha1(std::string_view key, const uint8_t* data, size_t len, uint8_t* out) {
    unsigned int outLen = 0;
    return HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data, len, out, &outLen) !=
               nullptr &&
           outLen == rtp::StunMessage::kMessageIntegritySize;
}
}  // namespace

bool verifyMessageIntegrity(const rtp::StunMessage& message, std::string_view key) {
    if (!message.hasMessageIntegrity() || message.size() > kMaxStun) return false;
    const auto mac = message.findAttribute(rtp::StunMessage::kAttrMessageIntegrity);
    const size_t attrOffset = static_cast<size_t>(mac.data() - message.data()) - 4;
    // The HMAC covers everything before the attribute, with the header's length set as if the
    // message ended right after MESSAGE-INTEGRITY (§15.4): later attributes are excluded.
    std::array<uint8_t, kMaxStun> copy;
    std::memcpy(copy.data(), message.data(), attrOffset);
    rtp::writeU16(copy.data() + 2,
                  static_cast<uint16_t>(attrOffset + 4 + rtp::StunMessage::kMessageIntegritySize -
                                        rtp::StunMessage::kHeaderSize));
    uint8_t expected[rtp::StunMessage::kMessageIntegritySize];
    if (!hmacSha1(key, copy.data(), attrOffset, expected)) return false;
    return CRYPTO_memcmp(expected, mac.data(), sizeof(expected)) == 0;
}

bool verifyFingerprintIfPresent(const rtp::StunMessage& message) {
    if (!message.hasAttribute(rtp::StunMessage::kAttrFingerprint)) return true;
    if (!message.hasFingerprint()) return false;
    const auto fp = message.findAttribute(rtp::StunMessage::kAttrFingerprint);
    const size_t attrOffset = static_cast<size_t>(fp.data() - message.data()) - 4;
    // FINGERPRINT must be the last attribute; the header length then already covers it.
    if (attrOffset + 8 != message.size()) return false;
    const uint32_t crc = crc32Of({message.data(), attrOffset}) ^ kFingerprintXor;
    return rtp::readU32(fp.data()) == crc;
}

bool verifyFingerprint(const rtp::StunMessage& message) {
    return message.hasAttribute(rtp::StunMessage::kAttrFingerprint) &&
           verifyFingerprintIfPresent(message);
}

bool appendMessageIntegrity(rtp::StunMessageWriter& writer, std::string_view key) {
    auto mi = writer.addMessageIntegrity();
    return !mi.value.empty() && hmacSha1(key, mi.input.data(), mi.input.size(), mi.value.data());
}

bool appendFingerprint(rtp::StunMessageWriter& writer) {
    auto fp = writer.addFingerprint();
    if (fp.value.empty()) return false;
    rtp::writeU32(fp.value.data(), crc32Of(fp.input) ^ kFingerprintXor);
    return true;
}

bool signStunMessage(rtp::StunMessageWriter& writer, std::string_view key) {
    return appendMessageIntegrity(writer, key) && appendFingerprint(writer);
}

}  // namespace vcb::sfu
