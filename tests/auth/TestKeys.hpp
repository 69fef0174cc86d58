#pragma once
// Key pairs generated in the test with OpenSSL's EVP API, as PEM text.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

namespace vcb::auth::test {

struct PemKeyPair {
    std::string privatePem;
    std::string publicPem;
};

inline std::string bioText(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(len));
}

inline PemKeyPair toPem(EVP_PKEY* key) {
    PemKeyPair out;
    if (key == nullptr) return out;
    std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), &BIO_free);
    if (PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1)
        out.privatePem = bioText(priv.get());
    if (PEM_write_bio_PUBKEY(pub.get(), key) == 1) out.publicPem = bioText(pub.get());
    EVP_PKEY_free(key);
    return out;
}

// curve: "P-256", "P-384".
inline PemKeyPair makeEcKey(const char* curve = "P-256") {
    return toPem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

inline PemKeyPair makeRsaKey(size_t bits = 2048) {
    return toPem(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}

}  // namespace vcb::auth::test
