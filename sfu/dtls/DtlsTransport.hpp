#pragma once
// DTLS-SRTP handshake for one peer connection (RFC 5763/5764). No sockets, no threads: the media
// worker's event loop feeds received DTLS datagrams and timer expiries in, and the transport
// reports datagrams to send and the outcome (SRTP keys, failure, close) through its Listener.
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/Fingerprint.hpp"
#include "sfu/dtls/SrtpKeys.hpp"
#include "sfu/dtls/SrtpProfile.hpp"

namespace vcb::dtls {

struct DtlsTransportConfig {
    // The handshake fails if it has not completed this long after start().
    std::chrono::milliseconds handshakeTimeout{30000};
    // First retransmission after this, doubling up to maxRetransmitTimeout. OpenSSL's default
    // (1 s) is slow for interactive call setup; WebRTC stacks start far lower.
    std::chrono::milliseconds initialRetransmitTimeout{200};
    std::chrono::milliseconds maxRetransmitTimeout{3000};
    // Largest datagram we send; 1200 fits typical paths including TURN overhead.
    unsigned int mtu = 1200;
};

class DtlsTransport {
  public:
    enum class Role { Client, Server };
    enum class State { New, Connecting, Connected, Failed, Closed };

    // Callbacks run synchronously from start/handleDatagram/handleTimeout/close. A listener may
    // call back into this transport (e.g. deliver a datagram) but must not destroy it from a
    // callback.
    class Listener {
      public:
        virtual ~Listener() = default;
        // One DTLS datagram (one or more whole records) to send to the peer.
        virtual void onDtlsSend(const uint8_t* data, size_t len) = 0;
        // Handshake done and peer authenticated by fingerprint.
        virtual void onDtlsConnected(SrtpProfile profile, const SrtpKeys& keys) = 0;
        // Terminal: handshake error, fatal alert, fingerprint mismatch or timeout.
        virtual void onDtlsFailed(std::string_view reason) = 0;
        // Terminal: the peer sent close_notify.
        virtual void onDtlsClosed() = 0;
    };

    // nullptr and *error set if OpenSSL objects cannot be created.
    static std::unique_ptr<DtlsTransport> create(std::shared_ptr<DtlsContext> context,
                                                 Listener& listener,
                                                 const DtlsTransportConfig& config = {},
                                                 std::string* error = nullptr);
    ~DtlsTransport();
    DtlsTransport(const DtlsTransport&) = delete;
    DtlsTransport& operator=(const DtlsTransport&) = delete;

    // From SDP "a=fingerprint:<algorithm> <value>". Only sha-256 is accepted (case-insensitive,
    // hex case-insensitive). Must be set before the peer's certificate arrives.
    bool setRemoteFingerprint(std::string algorithm, std::string value);

    // Starts the handshake; a client sends its ClientHello immediately. False if already started.
    bool start(Role role);

    // Feeds one received datagram. Ignored before start() and after failure/close.
    void handleDatagram(const uint8_t* data, size_t len);

    // Time until handleTimeout() should be called, or nullopt if no timer is pending.
    std::optional<std::chrono::milliseconds> timeout() const;
    // Retransmits the last flight if its timer expired; fails the handshake past its deadline.
    void handleTimeout();

    // Sends close_notify if connected; the transport is closed afterwards.
    void close();

    State state() const { return state_; }
    std::optional<Role> role() const { return role_; }
    // Application data is not used by WebRTC media; received records are read and dropped.
    uint64_t discardedApplicationRecords() const { return discardedRecords_; }
    uint64_t discardedApplicationBytes() const { return discardedBytes_; }

  private:
    DtlsTransport(std::shared_ptr<DtlsContext> context, Listener& listener,
                  const DtlsTransportConfig& config);

    void driveHandshake();
    void completeHandshake();
    void readApplicationData();
    bool verifyPeerCertificate(const X509* cert);
    void fail(std::string_view reason);
    void closedByPeer();
    void flushOutgoing();

    // OpenSSL callbacks; the SSL's app data and the BIO's data point at the transport.
    static BIO_METHOD* datagramBioMethod();
    static int bioWrite(BIO* bio, const char* data, int len);
    static int bioRead(BIO* bio, char* out, int outLen);
    static long bioCtrl(BIO* bio, int cmd, long num, void* ptr);
    static int bioCreate(BIO* bio);
    static int bioDestroy(BIO* bio);
    static int verifyCallback(int preverifyOk, X509_STORE_CTX* store);
    static unsigned int timerCallback(SSL* ssl, unsigned int previousUs);

    std::shared_ptr<DtlsContext> context_;
    Listener& listener_;
    DtlsTransportConfig config_;
    SSL* ssl_ = nullptr;
    State state_ = State::New;
    std::optional<Role> role_;
    std::optional<Sha256Fingerprint> remoteFingerprint_;
    std::string verifyError_;
    std::chrono::steady_clock::time_point handshakeDeadline_{};

    // The datagram being handed to OpenSSL; the BIO read callback consumes it whole.
    const uint8_t* pendingIn_ = nullptr;
    size_t pendingInLen_ = 0;
    // Each BIO write is one datagram; queued so the listener never runs inside an SSL call.
    std::deque<std::vector<uint8_t>> outgoing_;
    bool flushing_ = false;

    uint64_t discardedRecords_ = 0;
    uint64_t discardedBytes_ = 0;
};

}  // namespace vcb::dtls
