#pragma once
// The OpenSSL steps that verifying (JwtKey) and minting (JwtSigner) share.
#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::auth {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// PEM "PUBLIC KEY" / unencrypted private key; null if the text is not one (OpenSSL's error
// queue is cleared either way).
std::shared_ptr<EVP_PKEY> parsePemPublicKey(std::string_view pem);
std::shared_ptr<EVP_PKEY> parsePemPrivateKey(std::string_view pem);

// HMAC-SHA256 of `data` under `key`; nullopt only if OpenSSL fails.
std::optional<std::string> hmacSha256(std::string_view key, std::string_view data);

}  // namespace vcb::auth
