#pragma once
// SRTP master keys derived from a DTLS handshake, split into the two directions.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "sfu/dtls/SrtpProfile.hpp"

namespace vcb::dtls {

struct SrtpKeys {
    // 16-byte key + up to 14-byte salt.
    static constexpr size_t kMaxKeyAndSaltLength = 30;

    SrtpProfile profile = SrtpProfile::AeadAes128Gcm;
    // Key material we protect our outgoing packets with (master key || master salt).
    std::array<uint8_t, kMaxKeyAndSaltLength> local{};
    // Key material the peer protects its packets with (master key || master salt).
    std::array<uint8_t, kMaxKeyAndSaltLength> remote{};
    // Valid bytes in local and remote: key length + salt length of the profile.
    size_t length = 0;

    SrtpKeys() = default;
    SrtpKeys(const SrtpKeys&) = default;
    SrtpKeys& operator=(const SrtpKeys&) = default;
    // Keys are secrets: wipe them when the copy goes away.
    ~SrtpKeys();

    // Splits "EXTRACTOR-dtls_srtp" output laid out per RFC 5764 §4.2 (client key, server key,
    // client salt, server salt). The DTLS client sends with the client key. Returns nullopt if
    // len is not 2 * (key + salt) of the profile.
    static std::optional<SrtpKeys> fromKeyingMaterial(SrtpProfile profile, bool isClient,
                                                      const uint8_t* material, size_t len);
};

}  // namespace vcb::dtls
