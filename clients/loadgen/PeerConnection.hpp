#pragma once
// The transport of one synthetic endpoint: a libnice FULL agent in controlling mode (one stream,
// one component: BUNDLE + rtcp-mux) against vcbridge's ICE-lite host candidate, the DTLS client
// role (vcbridge answers a=setup:passive) via dtls::DtlsTransport, and SRTP/SRTCP via
// dtls::SrtpSession in both directions. Publisher and Subscriber add the media.
//
// When the server offers instead (Janus VideoRoom subscribers), createAnswer() answers
// a=setup:active, so the DTLS client role and the controlling ICE role stay the same; the server
// must then be ICE-lite or resolve the role conflict (RFC 8445 §7.3.1.1), as libnice does.
//
// Threading: everything runs on the owning LoopThread. createOffer()/applyAnswer()/createAnswer()
// are the SdpNegotiation entry points for signaling threads and hop onto the loop with invoke().
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/loadgen/LoopThread.hpp"
#include "clients/loadgen/SignalingDriver.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/DtlsTransport.hpp"
#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtpPacket.hpp"
#include "signaling/sdp/SdpModel.hpp"

typedef struct _NiceAgent NiceAgent;

namespace vcb::loadgen {

struct PeerConfig {
    std::string localIp = "127.0.0.1";  // libnice does not gather on loopback by itself
    std::shared_ptr<dtls::DtlsContext> dtls;
};

class PeerConnection : public SdpNegotiation,
                       public dtls::DtlsTransport::Listener,
                       public LoopThread::Ticker {
  public:
    enum class State { New, Connecting, Connected, Failed, Closed };
    static constexpr size_t kPacketCapacity = 1600;

    PeerConnection(LoopThread& loop, PeerConfig config);
    ~PeerConnection() override;  // loop thread
    PeerConnection(const PeerConnection&) = delete;
    PeerConnection& operator=(const PeerConnection&) = delete;

    // Loop thread: creates the agent and gathers the host candidate; registers the ticker.
    bool init(std::string& error);
    // Loop thread: stops ticking (no more sending); the agent stays until destruction.
    void shutdown();

    // SdpNegotiation, from any thread but the loop's.
    std::optional<std::string> createOffer(std::string& error) override;
    bool applyAnswer(const std::string& sdp, std::string& error) override;
    std::optional<std::string> createAnswer(const std::string& offer, std::string& error) override;

    void onTick(int64_t nowUs) override;

    // ICE restart from a new local port, as a phone that changed network does (RFC 8445 §2.4):
    // a new ICE stream (new socket, new ufrag/pwd) replaces the old one; DTLS and SRTP carry on.
    // Returns the application/trickle-ice-sdpfrag for the WHIP/WHEP PATCH (RFC 9725 §4.4.2),
    // from any thread but the loop's; applyIceRestartAnswer() takes the server's 200 body.
    std::optional<std::string> restartIce(std::string& error);
    bool applyIceRestartAnswer(const std::string& sdpfrag, std::string& error);
    // The local port of the current ICE stream's host candidate (0 if none).
    uint16_t localPort();

    State state() const { return state_.load(std::memory_order_acquire); }
    // Loop thread (or after the loop stopped touching this endpoint).
    const std::string& failureReason() const { return failureReason_; }
    uint64_t srtpFailures() const { return srtpFailures_; }
    // The profile DTLS negotiated, once connected.
    std::optional<dtls::SrtpProfile> srtpProfile() const { return srtpProfile_; }
    // Monotonic µs of the connection steps (0 = not reached).
    int64_t answerAppliedUs() const { return answerAppliedUs_; }
    int64_t iceConnectedUs() const { return iceConnectedUs_; }
    int64_t dtlsConnectedUs() const { return dtlsConnectedUs_; }

  protected:
    // The m-sections of our offer (BUNDLEd in this order, rtcp-mux set by the base).
    virtual std::vector<signaling::MediaSection> offerMedia() = 0;
    // Checks the parsed answer's media; false + error to refuse it.
    virtual bool acceptAnswerMedia(const signaling::SessionDescription& answer,
                                   std::string& error) = 0;
    // The m-sections answering a server's offer (same mids and order; rejected where unusable).
    // The default refuses: only endpoints that receive can be offered to.
    virtual std::optional<std::vector<signaling::MediaSection>> answerMedia(
        const signaling::SessionDescription& offer, std::string& error);
    virtual void onConnected(int64_t nowUs) = 0;
    // Decrypted, parsed, authenticated packets.
    virtual void onRtp(const rtp::RtpPacket& packet, int64_t nowUs) = 0;
    virtual void onRtcp(const uint8_t* data, size_t len, int64_t nowUs) = 0;
    // Every tick once connected.
    virtual void onConnectedTick(int64_t nowUs) = 0;

    // Protect in place (buf must hold len + SRTP/SRTCP overhead within capacity) and send.
    bool sendRtp(uint8_t* buf, size_t len, size_t capacity);
    bool sendRtcp(uint8_t* buf, size_t len, size_t capacity);
    // Sends a datagram as is on the selected pair (tests: a captured SRTP packet again).
    bool sendDatagram(const uint8_t* data, size_t len);
    void fail(std::string reason);
    LoopThread& loop() { return loop_; }

  private:
    std::optional<std::string> createOfferOnLoop(std::string& error);
    bool applyAnswerOnLoop(const std::string& sdp, std::string& error);
    std::optional<std::string> createAnswerOnLoop(const std::string& offer, std::string& error);
    // Our credentials, fingerprint, setup:active and host candidates; false if none gathered.
    bool describeLocal(signaling::SessionDescription& desc, std::string& error);
    // The remote fingerprint, credentials and candidates of an answer or offer; starts ICE checks.
    bool applyRemote(const signaling::SessionDescription& remote, std::string& error);
    void onIceData(const uint8_t* data, size_t len);
    bool addStream(std::string& error);

    // DtlsTransport::Listener
    void onDtlsSend(const uint8_t* data, size_t len) override;
    void onDtlsConnected(dtls::SrtpProfile profile, const dtls::SrtpKeys& keys) override;
    void onDtlsFailed(std::string_view reason) override;
    void onDtlsClosed() override;

    static void onStateChanged(NiceAgent* agent, unsigned stream, unsigned component,
                               unsigned state, void* self);
    static void onReceive(NiceAgent* agent, unsigned stream, unsigned component, unsigned len,
                          char* buf, void* self);

    LoopThread& loop_;
    PeerConfig config_;
    NiceAgent* agent_ = nullptr;
    unsigned streamId_ = 0;
    unsigned long stateHandler_ = 0;
    bool ticking_ = false;
    bool iceConnected_ = false;
    std::unique_ptr<dtls::DtlsTransport> dtls_;
    std::unique_ptr<dtls::SrtpSession> srtpOut_;
    std::unique_ptr<dtls::SrtpSession> srtpIn_;
    std::atomic<State> state_{State::New};
    std::string failureReason_;
    uint64_t srtpFailures_ = 0;
    std::optional<dtls::SrtpProfile> srtpProfile_;
    int64_t answerAppliedUs_ = 0;
    int64_t iceConnectedUs_ = 0;
    int64_t dtlsConnectedUs_ = 0;
    uint8_t receiveBuffer_[kPacketCapacity];
};

}  // namespace vcb::loadgen
