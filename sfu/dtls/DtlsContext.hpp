#pragma once
// The process-wide DTLS 1.2 SSL_CTX for DTLS-SRTP: one per process, shared by every
// DtlsTransport (each peer connection gets its own SSL from it).
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "sfu/dtls/DtlsCertificate.hpp"

namespace vcb::dtls {

class DtlsContext {
  public:
    // GCM first: cheaper per packet and no separate HMAC; AES-CM for older endpoints.
    static constexpr const char* kDefaultSrtpProfiles =
        "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

    // nullptr and *error set on failure. srtpProfiles is an OpenSSL use_srtp list (tests use it
    // to offer only AES-CM).
    static std::shared_ptr<DtlsContext> create(
        std::shared_ptr<const DtlsCertificate> certificate, std::string* error = nullptr,
        const std::string& srtpProfiles = kDefaultSrtpProfiles);

    DtlsContext(const DtlsContext&) = delete;
    DtlsContext& operator=(const DtlsContext&) = delete;
    ~DtlsContext();

    SSL_CTX* native() const { return ctx_; }
    const DtlsCertificate& certificate() const { return *certificate_; }

  private:
    DtlsContext(SSL_CTX* ctx, std::shared_ptr<const DtlsCertificate> certificate);

    SSL_CTX* ctx_;
    // Kept alive because ctx_ references its key and certificate.
    std::shared_ptr<const DtlsCertificate> certificate_;
};

}  // namespace vcb::dtls
