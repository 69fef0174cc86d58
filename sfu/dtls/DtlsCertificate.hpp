#pragma once
// Process-lifetime DTLS identity: an ECDSA P-256 key and a self-signed certificate whose SHA-256
// fingerprint is announced in SDP (WebRTC authenticates peers by fingerprint, not by a CA).
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace vcb::dtls {

class DtlsCertificate {
  public:
    // Generates a fresh key and certificate; nullptr and *error set on failure.
    static std::unique_ptr<DtlsCertificate> generate(std::string* error = nullptr);

    DtlsCertificate(const DtlsCertificate&) = delete;
    DtlsCertificate& operator=(const DtlsCertificate&) = delete;
    ~DtlsCertificate() = default;

    // Owned by this object; valid for its lifetime.
    X509* certificate() const { return cert_.get(); }
    EVP_PKEY* privateKey() const { return key_.get(); }

    // SDP form: "AB:CD:..." (uppercase hex with colons) of SHA-256 over the DER certificate.
    const std::string& fingerprint() const { return fingerprint_; }
    // Algorithm token for SDP "a=fingerprint:<algorithm> <fingerprint>".
    static constexpr const char* kFingerprintAlgorithm = "sha-256";

  private:
    struct KeyDeleter {
        void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
    };
    struct CertDeleter {
        void operator()(X509* cert) const { X509_free(cert); }
    };

    DtlsCertificate(std::unique_ptr<EVP_PKEY, KeyDeleter> key,
                    std::unique_ptr<X509, CertDeleter> cert, std::string fingerprint);

    std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
    std::unique_ptr<X509, CertDeleter> cert_;
    std::string fingerprint_;
};

}  // namespace vcb::dtls
