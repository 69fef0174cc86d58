#include "sfu/dtls/SrtpKeys.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace vcb::dtls {

SrtpKeys::~SrtpKeys() {
    OPENSSL_cleanse(local.data(), local.size());
    OPENSSL_cleanse(remote.data(), remote.size());
}

std::optional<SrtpKeys> SrtpKeys::fromKeyingMaterial(SrtpProfile profile, bool isClient,
                                                     const uint8_t* material, size_t len) {
    const size_t keyLen = srtpMasterKeyLength(profile);
    const size_t saltLen = srtpMasterSaltLength(profile);
    if (material == nullptr || len != 2 * (keyLen + saltLen) ||
        keyLen + saltLen > kMaxKeyAndSaltLength) {
        return std::nullopt;
    }
    const uint8_t* clientKey = material;
    const uint8_t* serverKey = material + keyLen;
    const uint8_t* clientSalt = material + 2 * keyLen;
    const uint8_t* serverSalt = material + 2 * keyLen + saltLen;

    SrtpKeys keys;
    keys.profile = profile;
    keys.length = keyLen + saltLen;
    uint8_t* clientOut = isClient ? keys.local.data() : keys.remote.data();
    uint8_t* serverOut = isClient ? keys.remote.data() : keys.local.data();
    std::memcpy(clientOut, clientKey, keyLen);
    std::memcpy(clientOut + keyLen, clientSalt, saltLen);
    std::memcpy(serverOut, serverKey, keyLen);
    std::memcpy(serverOut + keyLen, serverSalt, saltLen);
    return keys;
}

}  // namespace vcb::dtls
