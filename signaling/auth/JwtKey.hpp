#pragma once
// The one key a verifier trusts, bound to its algorithm: an HS256 shared secret, or an ES256
// (P-256) / RS256 (RSA >= 2048 bits) public key.
#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/auth/JwtAlgorithm.hpp"

namespace vcb::auth {

class JwtKey {
  public:
    static constexpr size_t kMinSecretBytes = 32;  // RFC 7518 §3.2: at least the hash size

    // HS256. Refuses short secrets and PEM text (a public key used as a secret is the classic
    // algorithm-confusion attack).
    static std::optional<JwtKey> fromSecret(std::string secret, std::string& error);
    // ES256 or RS256: a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of the matching type.
    static std::optional<JwtKey> fromPublicKeyPem(JwtAlgorithm algorithm, std::string_view pem,
                                                  std::string& error);
    // Reads `path` once. For HS256 the file's bytes are the secret, without trailing whitespace
    // (so `openssl rand -base64 48 > FILE` works as is).
    static std::optional<JwtKey> fromFile(JwtAlgorithm algorithm, const std::string& path,
                                          std::string& error);

    JwtAlgorithm algorithm() const { return algorithm_; }
    // Checks `signature` (raw JWS form: 32-byte MAC, 64-byte R||S, or RSA block) over `input`.
    bool verify(std::string_view input, std::string_view signature) const;

  private:
    JwtKey(JwtAlgorithm algorithm, std::string secret, std::shared_ptr<EVP_PKEY> publicKey)
        : algorithm_(algorithm), secret_(std::move(secret)), publicKey_(std::move(publicKey)) {}

    JwtAlgorithm algorithm_;
    std::string secret_;                   // HS256
    std::shared_ptr<EVP_PKEY> publicKey_;  // ES256, RS256 (read-only, shared across threads)
};

// For HS256 key files: the content without trailing spaces, tabs and line ends.
std::string trimTrailingWhitespace(std::string text);

}  // namespace vcb::auth
