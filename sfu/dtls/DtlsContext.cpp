#include "sfu/dtls/DtlsContext.hpp"

#include <openssl/err.h>

#include <array>

namespace vcb::dtls {

namespace {

// ECDHE with AEAD only. RSA suites stay so we can be the client of a peer with an RSA cert.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:P-256:P-384";

// WebRTC peers present self-signed certificates; they are authenticated by comparing the
// certificate fingerprint with the one signaled in SDP (DtlsTransport does that), so chain
// errors are not fatal here.
int acceptSelfSigned(int /*preverifyOk*/, X509_STORE_CTX* /*store*/) { return 1; }

std::shared_ptr<DtlsContext> fail(std::string* error, const char* what) {
    if (error != nullptr) {
        *error = what;
        const unsigned long code = ERR_get_error();
        if (code != 0) {
            std::array<char, 256> buf{};
            ERR_error_string_n(code, buf.data(), buf.size());
            *error += ": ";
            *error += buf.data();
        }
    }
    ERR_clear_error();
    return nullptr;
}

}  // namespace

DtlsContext::DtlsContext(SSL_CTX* ctx, std::shared_ptr<const DtlsCertificate> certificate)
    : ctx_(ctx), certificate_(std::move(certificate)) {}

DtlsContext::~DtlsContext() { SSL_CTX_free(ctx_); }

std::shared_ptr<DtlsContext> DtlsContext::create(std::shared_ptr<const DtlsCertificate> certificate,
                                                 std::string* error,
                                                 const std::string& srtpProfiles) {
    ERR_clear_error();
    if (!certificate) return fail(error, "no certificate");
    SSL_CTX* raw = SSL_CTX_new(DTLS_method());
    if (raw == nullptr) return fail(error, "SSL_CTX_new failed");
    // Owns raw from here on, also on the failure paths below.
    std::shared_ptr<DtlsContext> ctx(new DtlsContext(raw, certificate));

    if (SSL_CTX_set_min_proto_version(raw, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(raw, DTLS1_2_VERSION) != 1) {
        return fail(error, "cannot restrict to DTLS 1.2");
    }
    if (SSL_CTX_use_certificate(raw, certificate->certificate()) != 1 ||
        SSL_CTX_use_PrivateKey(raw, certificate->privateKey()) != 1 ||
        SSL_CTX_check_private_key(raw) != 1) {
        return fail(error, "cannot install certificate");
    }
    if (SSL_CTX_set_cipher_list(raw, kCipherList) != 1) {
        return fail(error, "cannot set cipher list");
    }
    if (SSL_CTX_set1_groups_list(raw, kGroups) != 1) {
        return fail(error, "cannot set ECDHE groups");
    }
    // Note the inverted convention: 0 means success.
    if (SSL_CTX_set_tlsext_use_srtp(raw, srtpProfiles.c_str()) != 0) {
        return fail(error, "cannot set SRTP profiles");
    }
    SSL_CTX_set_verify(raw, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptSelfSigned);
    // One record per read keeps datagram boundaries meaningful.
    SSL_CTX_set_read_ahead(raw, 0);
    // Every handshake is fresh: no resumption, no renegotiation.
    SSL_CTX_set_session_cache_mode(raw, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(raw, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_QUERY_MTU);
    return ctx;
}

}  // namespace vcb::dtls
