#include "sfu/dtls/DtlsCertificate.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <array>

#include "sfu/dtls/Fingerprint.hpp"

namespace vcb::dtls {

namespace {

constexpr long kSecondsPerDay = 24L * 60 * 60;
constexpr long kValidityDays = 30;

bool fail(std::string* error, const char* what) {
    if (error != nullptr) {
        std::array<char, 256> buf{};
        const unsigned long code = ERR_get_error();
        *error = what;
        if (code != 0) {
            ERR_error_string_n(code, buf.data(), buf.size());
            *error += ": ";
            *error += buf.data();
        }
    }
    ERR_clear_error();
    return false;
}

struct BnDeleter {
    void operator()(BIGNUM* bn) const { BN_free(bn); }
};

bool setRandomSerial(X509* cert, std::string* error) {
    std::array<uint8_t, 8> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        return fail(error, "RAND_bytes failed");
    }
    // X.509 serials must be positive and non-zero (RFC 5280 §4.1.2.2).
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    std::unique_ptr<BIGNUM, BnDeleter> bn(
        BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
        return fail(error, "cannot set certificate serial");
    }
    return true;
}

}  // namespace

DtlsCertificate::DtlsCertificate(std::unique_ptr<EVP_PKEY, KeyDeleter> key,
                                 std::unique_ptr<X509, CertDeleter> cert, std::string fingerprint)
    : key_(std::move(key)), cert_(std::move(cert)), fingerprint_(std::move(fingerprint)) {}

std::unique_ptr<DtlsCertificate> DtlsCertificate::generate(std::string* error) {
    ERR_clear_error();
    std::unique_ptr<EVP_PKEY, KeyDeleter> key(EVP_EC_gen("P-256"));
    if (!key) {
        fail(error, "cannot generate P-256 key");
        return nullptr;
    }
    std::unique_ptr<X509, CertDeleter> cert(X509_new());
    if (!cert) {
        fail(error, "X509_new failed");
        return nullptr;
    }
    if (X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        fail(error, "cannot set certificate version");
        return nullptr;
    }
    if (!setRandomSerial(cert.get(), error)) return nullptr;
    // Backdated a day so peers with a slightly wrong clock still accept it.
    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kSecondsPerDay) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidityDays * kSecondsPerDay) ==
            nullptr) {
        fail(error, "cannot set certificate validity");
        return nullptr;
    }
    if (X509_set_pubkey(cert.get(), key.get()) != 1) {
        fail(error, "cannot set certificate public key");
        return nullptr;
    }
    X509_NAME* name = X509_get_subject_name(cert.get());
    static constexpr unsigned char kCommonName[] = "vcbridge";
    if (name == nullptr ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kCommonName, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1) {
        fail(error, "cannot set certificate name");
        return nullptr;
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
        fail(error, "cannot sign certificate");
        return nullptr;
    }
    const auto digest = sha256Fingerprint(cert.get());
    if (!digest) {
        fail(error, "cannot compute certificate fingerprint");
        return nullptr;
    }
    return std::unique_ptr<DtlsCertificate>(
        new DtlsCertificate(std::move(key), std::move(cert), formatFingerprint(*digest)));
}

}  // namespace vcb::dtls
