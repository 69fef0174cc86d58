#include "signaling/auth/OpenSslKeys.hpp"

#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace vcb::auth {

namespace {

template <typename Read>
std::shared_ptr<EVP_PKEY> parsePem(std::string_view pem, Read read) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    EVP_PKEY* raw = bio ? read(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    ERR_clear_error();
    return raw == nullptr ? nullptr : std::shared_ptr<EVP_PKEY>(raw, &EVP_PKEY_free);
}

}  // namespace

std::shared_ptr<EVP_PKEY> parsePemPublicKey(std::string_view pem) {
    return parsePem(pem, &PEM_read_bio_PUBKEY);
}

std::shared_ptr<EVP_PKEY> parsePemPrivateKey(std::string_view pem) {
    return parsePem(pem, &PEM_read_bio_PrivateKey);
}

std::optional<std::string> hmacSha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLen = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &macLen) == nullptr) {
        ERR_clear_error();
        return std::nullopt;
    }
    return std::string(reinterpret_cast<const char*>(mac), macLen);
}

}  // namespace vcb::auth
