#pragma once
// SRTP protection profiles vcbridge negotiates through DTLS-SRTP (RFC 5764, RFC 7714).
#include <cstddef>
#include <string_view>

namespace vcb::dtls {

enum class SrtpProfile { AeadAes128Gcm, Aes128CmSha1_80 };

// Master key length in bytes (RFC 5764 §4.1.2, RFC 7714 §14.2).
constexpr size_t srtpMasterKeyLength(SrtpProfile) { return 16; }

// Master salt length in bytes: 112 bits for AES-CM, 96 bits for AEAD GCM.
constexpr size_t srtpMasterSaltLength(SrtpProfile profile) {
    return profile == SrtpProfile::AeadAes128Gcm ? 12 : 14;
}

constexpr std::string_view toString(SrtpProfile profile) {
    return profile == SrtpProfile::AeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM"
                                                 : "SRTP_AES128_CM_SHA1_80";
}

}  // namespace vcb::dtls
