#include "signaling/auth/JwtKey.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "signaling/auth/EcdsaSignature.hpp"
#include "signaling/auth/KeyFile.hpp"
#include "signaling/auth/OpenSslKeys.hpp"

namespace vcb::auth {
namespace {

constexpr int kMinRsaBits = 2048;

}  // namespace

std::string trimTrailingWhitespace(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '\t'))
        text.pop_back();
    return text;
}

std::optional<JwtKey> JwtKey::fromSecret(std::string secret, std::string& error) {
    if (secret.size() < kMinSecretBytes) {
        error = "the HS256 secret must be at least 32 bytes (e.g. openssl rand -base64 48)";
        return std::nullopt;
    }
    if (secret.find("-----BEGIN") != std::string::npos) {
        error = "the HS256 secret is a PEM key; use algorithm ES256 or RS256 for key pairs";
        return std::nullopt;
    }
    return JwtKey(JwtAlgorithm::HS256, std::move(secret), nullptr);
}

std::optional<JwtKey> JwtKey::fromPublicKeyPem(JwtAlgorithm algorithm, std::string_view pem,
                                               std::string& error) {
    if (algorithm == JwtAlgorithm::HS256) {
        error = "HS256 takes a shared secret, not a public key";
        return std::nullopt;
    }
    std::shared_ptr<EVP_PKEY> key = parsePemPublicKey(pem);
    if (!key) {
        error = std::string("not a PEM public key (BEGIN PUBLIC KEY) for ") +
                std::string(jwtAlgorithmName(algorithm)) +
                "; derive it with: openssl pkey -in PRIVATE.pem -pubout";
        return std::nullopt;
    }
    EVP_PKEY* raw = key.get();
    if (algorithm == JwtAlgorithm::ES256) {
        char group[64] = {};
        size_t groupLen = 0;
        if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_EC ||
            EVP_PKEY_get_group_name(raw, group, sizeof group, &groupLen) != 1 ||
            std::string_view(group, groupLen) != "prime256v1") {
            ERR_clear_error();
            error = "ES256 needs an EC P-256 (prime256v1) public key";
            return std::nullopt;
        }
    } else {
        if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA) {
            error = "RS256 needs an RSA public key";
            return std::nullopt;
        }
        if (EVP_PKEY_get_bits(raw) < kMinRsaBits) {
            error = "RS256 needs an RSA key of at least 2048 bits";
            return std::nullopt;
        }
    }
    return JwtKey(algorithm, {}, std::move(key));
}

std::optional<JwtKey> JwtKey::fromFile(JwtAlgorithm algorithm, const std::string& path,
                                       std::string& error) {
    std::string contents;
    if (!readKeyFile(path, contents, error)) return std::nullopt;
    std::optional<JwtKey> key = algorithm == JwtAlgorithm::HS256
                                    ? fromSecret(trimTrailingWhitespace(std::move(contents)), error)
                                    : fromPublicKeyPem(algorithm, contents, error);
    if (!key) error = path + ": " + error;
    return key;
}

bool JwtKey::verify(std::string_view input, std::string_view signature) const {
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (algorithm_ == JwtAlgorithm::HS256) {
        const auto mac = hmacSha256(secret_, input);
        // Constant time: the comparison must not tell an attacker how many bytes were right.
        return mac && signature.size() == mac->size() &&
               CRYPTO_memcmp(mac->data(), signature.data(), mac->size()) == 0;
    }
    std::string der;
    if (algorithm_ == JwtAlgorithm::ES256) {
        auto converted = es256RawToDer(signature);
        if (!converted) return false;
        der = std::move(*converted);
        signature = der;
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, publicKey_.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), data, input.size()) == 1;
    ERR_clear_error();
    return ok;
}

}  // namespace vcb::auth
