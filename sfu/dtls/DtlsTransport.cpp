#include "sfu/dtls/DtlsTransport.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <limits>

namespace vcb::dtls {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char kSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";
// Records a single datagram can hold; bounds the application-data drain loop.
constexpr int kMaxReadsPerDatagram = 64;
// OpenSSL's error queue can hold more, a reason string does not need it.
constexpr int kMaxReportedErrors = 4;

// Drains the thread's OpenSSL error queue (it would otherwise leak into the next SSL call made
// on this thread, possibly for another peer) and returns it as text.
std::string takeOpensslErrors() {
    std::string text;
    for (int i = 0; i < kMaxReportedErrors; ++i) {
        const unsigned long code = ERR_get_error();
        if (code == 0) break;
        std::array<char, 256> buf{};
        ERR_error_string_n(code, buf.data(), buf.size());
        text += text.empty() ? ": " : "; ";
        text += buf.data();
    }
    ERR_clear_error();
    return text;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

unsigned int toMicroseconds(std::chrono::milliseconds ms) {
    constexpr long long kMaxUs = std::numeric_limits<unsigned int>::max();
    const long long us = std::clamp<long long>(ms.count(), 1, kMaxUs / 1000) * 1000;
    return static_cast<unsigned int>(us);
}

}  // namespace

// --- construction -----------------------------------------------------------------------------

DtlsTransport::DtlsTransport(std::shared_ptr<DtlsContext> context, Listener& listener,
                             const DtlsTransportConfig& config)
    : context_(std::move(context)), listener_(listener), config_(config) {}

DtlsTransport::~DtlsTransport() {
    // Frees the datagram BIO too; nothing is sent from here.
    SSL_free(ssl_);
}

std::unique_ptr<DtlsTransport> DtlsTransport::create(std::shared_ptr<DtlsContext> context,
                                                     Listener& listener,
                                                     const DtlsTransportConfig& config,
                                                     std::string* error) {
    auto setError = [error](std::string what) {
        what += takeOpensslErrors();
        if (error != nullptr) *error = std::move(what);
    };
    ERR_clear_error();
    if (!context) {
        setError("no DTLS context");
        return nullptr;
    }
    std::unique_ptr<DtlsTransport> self(new DtlsTransport(std::move(context), listener, config));
    self->ssl_ = SSL_new(self->context_->native());
    if (self->ssl_ == nullptr) {
        setError("SSL_new failed");
        return nullptr;
    }
    BIO_METHOD* method = datagramBioMethod();
    BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
    if (bio == nullptr) {
        setError("cannot create datagram BIO");
        return nullptr;
    }
    BIO_set_data(bio, self.get());
    // One BIO for both directions; SSL takes the single reference.
    SSL_set_bio(self->ssl_, bio, bio);
    SSL_set_app_data(self->ssl_, self.get());
    SSL_set_options(self->ssl_, SSL_OP_NO_QUERY_MTU);
    if (DTLS_set_link_mtu(self->ssl_, static_cast<long>(config.mtu)) != 1) {
        setError("invalid DTLS MTU " + std::to_string(config.mtu));
        return nullptr;
    }
    DTLS_set_timer_cb(self->ssl_, &DtlsTransport::timerCallback);
    // Per-SSL callback: like the context's it accepts self-signed certificates, and in addition
    // rejects a certificate whose fingerprint differs from the signaled one, so the handshake
    // aborts with an alert before any keys exist.
    SSL_set_verify(self->ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                   &DtlsTransport::verifyCallback);
    return self;
}

// --- public API -------------------------------------------------------------------------------

bool DtlsTransport::setRemoteFingerprint(std::string algorithm, std::string value) {
    if (!equalsIgnoreCase(trim(algorithm), "sha-256")) return false;
    const auto parsed = parseFingerprint(trim(value));
    if (!parsed) return false;
    remoteFingerprint_ = *parsed;
    return true;
}

bool DtlsTransport::start(Role role) {
    if (state_ != State::New) return false;
    role_ = role;
    state_ = State::Connecting;
    handshakeDeadline_ = Clock::now() + config_.handshakeTimeout;
    if (role == Role::Client) {
        SSL_set_connect_state(ssl_);
        driveHandshake();  // emits the ClientHello
    } else {
        SSL_set_accept_state(ssl_);
    }
    return true;
}

void DtlsTransport::handleDatagram(const uint8_t* data, size_t len) {
    if (state_ != State::Connecting && state_ != State::Connected) return;
    if (data == nullptr || len == 0) return;
    if (state_ == State::Connecting && Clock::now() >= handshakeDeadline_) {
        fail("DTLS handshake timed out");
        return;
    }
    pendingIn_ = data;
    pendingInLen_ = len;
    if (state_ == State::Connecting) {
        driveHandshake();
    } else {
        readApplicationData();
    }
    // Whatever OpenSSL did not read is dropped, like a UDP datagram nobody received.
    pendingIn_ = nullptr;
    pendingInLen_ = 0;
}

std::optional<std::chrono::milliseconds> DtlsTransport::timeout() const {
    if (state_ != State::Connecting && state_ != State::Connected) return std::nullopt;
    std::optional<std::chrono::milliseconds> result;
    timeval tv{};
    if (DTLSv1_get_timeout(ssl_, &tv) == 1) {
        // Rounded up: firing early would find the timer not yet expired.
        result = std::chrono::milliseconds(static_cast<long long>(tv.tv_sec) * 1000 +
                                           (static_cast<long long>(tv.tv_usec) + 999) / 1000);
    }
    if (state_ == State::Connecting) {
        // Rounded up, like the retransmission timer, so the wake-up is never early.
        const auto left = std::max(
            std::chrono::ceil<std::chrono::milliseconds>(handshakeDeadline_ - Clock::now()),
            std::chrono::milliseconds(0));
        result = result ? std::min(*result, left) : left;
    }
    return result;
}

void DtlsTransport::handleTimeout() {
    if (state_ != State::Connecting && state_ != State::Connected) return;
    if (state_ == State::Connecting && Clock::now() >= handshakeDeadline_) {
        fail("DTLS handshake timed out");
        return;
    }
    ERR_clear_error();
    // 0: timer not expired or not running; 1: flight retransmitted; <0: too many timeouts.
    if (DTLSv1_handle_timeout(ssl_) < 0) {
        fail("DTLS retransmission limit reached" + takeOpensslErrors());
        return;
    }
    ERR_clear_error();
    flushOutgoing();
}

void DtlsTransport::close() {
    if (state_ == State::Connected) {
        ERR_clear_error();
        SSL_shutdown(ssl_);  // queues close_notify; we do not wait for the peer's reply
        ERR_clear_error();
        state_ = State::Closed;
        flushOutgoing();
    } else if (state_ == State::New || state_ == State::Connecting) {
        state_ = State::Closed;
    }
}

// --- handshake --------------------------------------------------------------------------------

void DtlsTransport::driveHandshake() {
    ERR_clear_error();
    const int ret = SSL_do_handshake(ssl_);
    if (ret == 1) {
        ERR_clear_error();
        completeHandshake();
        return;
    }
    switch (SSL_get_error(ssl_, ret)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            ERR_clear_error();
            flushOutgoing();
            return;
        case SSL_ERROR_ZERO_RETURN:
            ERR_clear_error();
            closedByPeer();
            return;
        default: {
            std::string reason =
                verifyError_.empty() ? std::string("DTLS handshake failed") : verifyError_;
            fail(reason + takeOpensslErrors());
            return;
        }
    }
}

void DtlsTransport::completeHandshake() {
    // Authenticates the peer even if the verify callback was somehow skipped.
    if (!verifyPeerCertificate(SSL_get0_peer_certificate(ssl_))) {
        fail(verifyError_);
        return;
    }
    const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_);
    if (selected == nullptr) {
        fail("no SRTP profile negotiated");
        return;
    }
    SrtpProfile profile;
    if (selected->id == SRTP_AEAD_AES_128_GCM) {
        profile = SrtpProfile::AeadAes128Gcm;
    } else if (selected->id == SRTP_AES128_CM_SHA1_80) {
        profile = SrtpProfile::Aes128CmSha1_80;
    } else {
        fail(std::string("unsupported SRTP profile ") + selected->name);
        return;
    }
    std::array<uint8_t, 2 * SrtpKeys::kMaxKeyAndSaltLength> material{};
    const size_t materialLen = 2 * (srtpMasterKeyLength(profile) + srtpMasterSaltLength(profile));
    ERR_clear_error();
    if (SSL_export_keying_material(ssl_, material.data(), materialLen, kSrtpExporterLabel,
                                   sizeof(kSrtpExporterLabel) - 1, nullptr, 0, 0) != 1) {
        fail("cannot export SRTP keying material" + takeOpensslErrors());
        return;
    }
    const auto keys =
        SrtpKeys::fromKeyingMaterial(profile, role_ == Role::Client, material.data(), materialLen);
    OPENSSL_cleanse(material.data(), material.size());
    if (!keys) {
        fail("cannot split SRTP keying material");
        return;
    }
    state_ = State::Connected;
    // Our final flight (if any) goes out before the owner starts sending media.
    flushOutgoing();
    if (state_ != State::Connected) return;
    listener_.onDtlsConnected(profile, *keys);
    // The datagram that completed the handshake may carry more records.
    if (state_ == State::Connected) readApplicationData();
}

void DtlsTransport::readApplicationData() {
    std::array<uint8_t, 2048> buf{};
    for (int i = 0; i < kMaxReadsPerDatagram; ++i) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, buf.data(), static_cast<int>(buf.size()));
        if (n > 0) {
            ++discardedRecords_;
            discardedBytes_ += static_cast<uint64_t>(n);
            continue;
        }
        switch (SSL_get_error(ssl_, n)) {
            case SSL_ERROR_WANT_READ:
            case SSL_ERROR_WANT_WRITE:
                ERR_clear_error();
                flushOutgoing();  // e.g. our last flight retransmitted for the peer
                return;
            case SSL_ERROR_ZERO_RETURN:
                ERR_clear_error();
                closedByPeer();
                return;
            default:
                fail("DTLS read failed" + takeOpensslErrors());
                return;
        }
    }
    flushOutgoing();
}

bool DtlsTransport::verifyPeerCertificate(const X509* cert) {
    if (!remoteFingerprint_) {
        verifyError_ = "no remote fingerprint to verify the peer certificate against";
        return false;
    }
    const auto actual = sha256Fingerprint(cert);
    if (!actual) {
        verifyError_ = "peer presented no usable certificate";
        return false;
    }
    if (CRYPTO_memcmp(actual->data(), remoteFingerprint_->data(), actual->size()) != 0) {
        verifyError_ = "peer certificate fingerprint mismatch";
        return false;
    }
    return true;
}

void DtlsTransport::fail(std::string_view reason) {
    if (state_ == State::Failed || state_ == State::Closed) return;
    state_ = State::Failed;
    const std::string why(reason);  // reason may point into members the listener changes
    ERR_clear_error();
    flushOutgoing();  // the alert OpenSSL queued, if any
    listener_.onDtlsFailed(why);
}

void DtlsTransport::closedByPeer() {
    if (state_ == State::Failed || state_ == State::Closed) return;
    state_ = State::Closed;
    flushOutgoing();
    listener_.onDtlsClosed();
}

void DtlsTransport::flushOutgoing() {
    // A listener that delivers synchronously to a peer may re-enter us; the outermost flush
    // keeps draining in order.
    if (flushing_) return;
    flushing_ = true;
    while (!outgoing_.empty()) {
        const std::vector<uint8_t> datagram = std::move(outgoing_.front());
        outgoing_.pop_front();
        listener_.onDtlsSend(datagram.data(), datagram.size());
    }
    flushing_ = false;
}

// --- OpenSSL callbacks ------------------------------------------------------------------------

BIO_METHOD* DtlsTransport::datagramBioMethod() {
    // Created once per process and never freed (OpenSSL keeps no reference to release).
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m =
            BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vcb DTLS datagram");
        if (m == nullptr) return m;
        if (BIO_meth_set_write(m, &DtlsTransport::bioWrite) != 1 ||
            BIO_meth_set_read(m, &DtlsTransport::bioRead) != 1 ||
            BIO_meth_set_ctrl(m, &DtlsTransport::bioCtrl) != 1 ||
            BIO_meth_set_create(m, &DtlsTransport::bioCreate) != 1 ||
            BIO_meth_set_destroy(m, &DtlsTransport::bioDestroy) != 1) {
            BIO_meth_free(m);
            return static_cast<BIO_METHOD*>(nullptr);
        }
        return m;
    }();
    return method;
}

int DtlsTransport::bioWrite(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
    if (self == nullptr || data == nullptr || len < 0) return -1;
    // OpenSSL sizes each write (a record, or buffered records flushed together) to the MTU, so
    // one write is exactly one datagram.
    const auto* bytes = reinterpret_cast<const uint8_t*>(data);
    self->outgoing_.emplace_back(bytes, bytes + len);
    return len;
}

int DtlsTransport::bioRead(BIO* bio, char* out, int outLen) {
    BIO_clear_retry_flags(bio);
    auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
    if (self == nullptr || out == nullptr || outLen <= 0) return -1;
    if (self->pendingIn_ == nullptr) {
        BIO_set_retry_read(bio);
        return -1;
    }
    // Datagram semantics: one read returns one datagram; an oversized one is truncated.
    const size_t n = std::min(self->pendingInLen_, static_cast<size_t>(outLen));
    std::memcpy(out, self->pendingIn_, n);
    self->pendingIn_ = nullptr;
    self->pendingInLen_ = 0;
    return static_cast<int>(n);
}

long DtlsTransport::bioCtrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
    auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
    switch (cmd) {
        case BIO_CTRL_FLUSH:
            return 1;  // writes are already complete datagrams
        case BIO_CTRL_PENDING:
            return self != nullptr && self->pendingIn_ != nullptr
                       ? static_cast<long>(self->pendingInLen_)
                       : 0;
        case BIO_CTRL_WPENDING:
            return 0;
        case BIO_CTRL_DGRAM_QUERY_MTU:
            return self != nullptr ? static_cast<long>(self->config_.mtu) : 0;
        case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
            return 0;  // the MTU we are given already excludes IP/UDP/TURN overhead
        default:
            return 0;
    }
}

int DtlsTransport::bioCreate(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

int DtlsTransport::bioDestroy(BIO* bio) {
    BIO_set_data(bio, nullptr);
    return 1;
}

int DtlsTransport::verifyCallback(int /*preverifyOk*/, X509_STORE_CTX* store) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self = ssl != nullptr ? static_cast<DtlsTransport*>(SSL_get_app_data(ssl)) : nullptr;
    // Chain errors (self-signed, unknown issuer, validity) do not matter in WebRTC; only the
    // leaf certificate's fingerprint does.
    if (self != nullptr && self->verifyPeerCertificate(X509_STORE_CTX_get0_cert(store))) return 1;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
}

unsigned int DtlsTransport::timerCallback(SSL* ssl, unsigned int previousUs) {
    const auto* self = static_cast<const DtlsTransport*>(SSL_get_app_data(ssl));
    const DtlsTransportConfig defaults;
    const DtlsTransportConfig& config = self != nullptr ? self->config_ : defaults;
    const unsigned int initialUs = toMicroseconds(config.initialRetransmitTimeout);
    const unsigned int maxUs = std::max(initialUs, toMicroseconds(config.maxRetransmitTimeout));
    if (previousUs == 0) return initialUs;
    return previousUs >= maxUs / 2 ? maxUs : previousUs * 2;
}

}  // namespace vcb::dtls
