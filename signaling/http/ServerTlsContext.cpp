#include "signaling/http/ServerTlsContext.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "signaling/http/TlsError.hpp"

namespace vcb::signaling {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla "intermediate" TLS 1.2 list: forward secret key exchange and AEAD ciphers only.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

bool readable(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

// An encrypted key would otherwise make OpenSSL prompt on the terminal and block start-up.
int refusePassphrase(char*, int, int, void*) { return 0; }

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

}  // namespace

std::shared_ptr<ssl::context> createServerTlsContext(const HttpServerConfig::Tls& tls,
                                                     boost::system::error_code& ec) {
    ec = {};
    if (tls.certificateChainFile.empty() || tls.privateKeyFile.empty()) {
        ec = TlsError::incomplete_config;
        return nullptr;
    }
    if (!readable(tls.certificateChainFile)) {
        ec = TlsError::certificate_unreadable;
        return nullptr;
    }
    if (!readable(tls.privateKeyFile)) {
        ec = TlsError::key_unreadable;
        return nullptr;
    }

    ERR_clear_error();
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    const bool configured = SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) == 1 &&
                            SSL_CTX_set_cipher_list(native, kTls12Ciphers) == 1;
    if (!configured) {
        ERR_clear_error();
        ec = TlsError::context_setup;
        return nullptr;
    }
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_default_passwd_cb(native, refusePassphrase);

    if (SSL_CTX_use_certificate_chain_file(native, tls.certificateChainFile.c_str()) != 1) {
        ERR_clear_error();
        ec = TlsError::certificate_invalid;
        return nullptr;
    }
    X509* leaf = SSL_CTX_get0_certificate(native);
    if (leaf == nullptr) {
        ec = TlsError::certificate_invalid;
        return nullptr;
    }
    // X509_cmp_current_time: -1 = before now, 1 = after now, 0 = unparsable.
    const int notAfter = X509_cmp_current_time(X509_get0_notAfter(leaf));
    const int notBefore = X509_cmp_current_time(X509_get0_notBefore(leaf));
    if (notAfter == 0 || notBefore == 0) {
        ec = TlsError::certificate_invalid;
        return nullptr;
    }
    if (notAfter < 0) {
        ec = TlsError::certificate_expired;
        return nullptr;
    }
    if (notBefore > 0) {
        ec = TlsError::certificate_not_yet_valid;
        return nullptr;
    }
    // Loaded separately so that a wrong key is told apart from an unparsable one.
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key;
    {
        std::unique_ptr<BIO, BioDeleter> bio(BIO_new_file(tls.privateKeyFile.c_str(), "r"));
        if (bio) key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr));
    }
    if (!key) {
        ERR_clear_error();
        ec = TlsError::key_invalid;
        return nullptr;
    }
    if (X509_check_private_key(leaf, key.get()) != 1) {
        ERR_clear_error();
        ec = TlsError::key_mismatch;
        return nullptr;
    }
    if (SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
        ERR_clear_error();
        ec = TlsError::context_setup;
        return nullptr;
    }
    ERR_clear_error();
    return context;
}

}  // namespace vcb::signaling
