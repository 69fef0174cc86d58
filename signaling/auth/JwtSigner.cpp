#include "signaling/auth/JwtSigner.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "signaling/auth/Base64Url.hpp"
#include "signaling/auth/EcdsaSignature.hpp"
#include "signaling/auth/JwtKey.hpp"
#include "signaling/auth/KeyFile.hpp"
#include "signaling/auth/OpenSslKeys.hpp"

namespace vcb::auth {
std::optional<JwtSigner> JwtSigner::fromSecret(std::string secret, std::string& error) {
    // Same acceptance rules as the verifier, so a minted token is always verifiable.
    if (!JwtKey::fromSecret(secret, error)) return std::nullopt;
    return JwtSigner(JwtAlgorithm::HS256, std::move(secret), nullptr);
}

std::optional<JwtSigner> JwtSigner::fromPrivateKeyPem(JwtAlgorithm algorithm, std::string_view pem,
                                                      std::string& error) {
    if (algorithm == JwtAlgorithm::HS256) {
        error = "HS256 takes a shared secret, not a private key";
        return std::nullopt;
    }
    std::shared_ptr<EVP_PKEY> key = parsePemPrivateKey(pem);
    if (!key) {
        error = "not an unencrypted PEM private key";
        return std::nullopt;
    }
    // Reuse the verifier's key checks on the public half.
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
    if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
        ERR_clear_error();
        error = "cannot derive the public key";
        return std::nullopt;
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(out.get(), &data);
    if (!JwtKey::fromPublicKeyPem(algorithm, std::string_view(data, static_cast<size_t>(len)),
                                  error))
        return std::nullopt;
    return JwtSigner(algorithm, {}, std::move(key));
}

std::optional<JwtSigner> JwtSigner::fromFile(JwtAlgorithm algorithm, const std::string& path,
                                             std::string& error) {
    std::string contents;
    if (!readKeyFile(path, contents, error)) return std::nullopt;
    auto signer = algorithm == JwtAlgorithm::HS256
                      ? fromSecret(trimTrailingWhitespace(std::move(contents)), error)
                      : fromPrivateKeyPem(algorithm, contents, error);
    if (!signer) error = path + ": " + error;
    return signer;
}

std::string JwtSigner::signature(std::string_view input) const {
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (algorithm_ == JwtAlgorithm::HS256) {
        return hmacSha256(secret_, input).value_or(std::string());
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, privateKey_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1) {
        ERR_clear_error();
        return {};
    }
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                       input.size()) != 1) {
        ERR_clear_error();
        return {};
    }
    sig.resize(len);
    if (algorithm_ == JwtAlgorithm::ES256) return es256DerToRaw(sig).value_or(std::string());
    return sig;
}

std::string JwtSigner::signWithHeader(std::string_view headerJson,
                                      std::string_view payloadJson) const {
    std::string input = base64UrlEncode(headerJson) + "." + base64UrlEncode(payloadJson);
    std::string sig = signature(input);
    if (sig.empty()) return {};
    return input + "." + base64UrlEncode(sig);
}

std::string JwtSigner::sign(std::string_view payloadJson) const {
    const std::string header = std::string(R"({"alg":")") +
                               std::string(jwtAlgorithmName(algorithm_)) + R"(","typ":"JWT"})";
    return signWithHeader(header, payloadJson);
}

}  // namespace vcb::auth
