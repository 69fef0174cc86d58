#pragma once
// Mints compact JWS tokens (vcb-token, tests). Holds the signing side of a JwtKey: the HS256
// secret or an ES256/RS256 private key.
#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/auth/JwtAlgorithm.hpp"

namespace vcb::auth {

class JwtSigner {
  public:
    // HS256; the same secret rules as JwtKey::fromSecret.
    static std::optional<JwtSigner> fromSecret(std::string secret, std::string& error);
    // ES256 (P-256) or RS256 (RSA >= 2048 bits): an unencrypted PEM private key.
    static std::optional<JwtSigner> fromPrivateKeyPem(JwtAlgorithm algorithm, std::string_view pem,
                                                      std::string& error);
    // Reads the secret (trailing whitespace dropped, as JwtKey::fromFile) or PEM private key.
    static std::optional<JwtSigner> fromFile(JwtAlgorithm algorithm, const std::string& path,
                                             std::string& error);

    JwtAlgorithm algorithm() const { return algorithm_; }
    // header {"alg":..,"typ":"JWT"} + `payloadJson` as given (not validated) + signature.
    // Empty on an OpenSSL failure.
    std::string sign(std::string_view payloadJson) const;
    // Same with a caller-supplied header JSON (tests of hostile headers).
    std::string signWithHeader(std::string_view headerJson, std::string_view payloadJson) const;
    // The raw JWS signature of `input` (see JwtKey::verify). Empty on failure.
    std::string signature(std::string_view input) const;

  private:
    JwtSigner(JwtAlgorithm algorithm, std::string secret, std::shared_ptr<EVP_PKEY> key)
        : algorithm_(algorithm), secret_(std::move(secret)), privateKey_(std::move(key)) {}

    JwtAlgorithm algorithm_;
    std::string secret_;
    std::shared_ptr<EVP_PKEY> privateKey_;
};

}  // namespace vcb::auth
