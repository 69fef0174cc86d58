#pragma once
#include <glib.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sfu/RtpParameters.hpp"
#include "sfu/core/IceServer.hpp"
#include "sfu/core/PacketSink.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "sfu/dtls/DtlsTransport.hpp"
#include "sfu/dtls/SrtpSession.hpp"
#include "sfu/rtp/RtpPacket.hpp"

namespace vcb::sfu {

class Worker;

// What the other side needs to reach this transport (goes into the SDP).
struct LocalTransportParameters {
    std::string iceUfrag;
    std::string icePwd;
    std::vector<IceCandidate> candidates;
    std::string fingerprint;  // sha-256
};

struct RemoteTransportParameters {
    std::string iceUfrag;
    std::string icePwd;
    std::vector<IceCandidate> candidates;
    std::string fingerprintAlgorithm;
    std::string fingerprint;
};

// One peer connection's transport: ICE (IceServer, lite) → RFC 7983 demux → DTLS (server role) →
// SRTP. Hands decrypted RTP/RTCP upward and encrypts what the router sends down. Lives on one
// worker thread.
class WebRtcTransport final : public PacketSink,
                              private IceServer::Listener,
                              private dtls::DtlsTransport::Listener {
  public:
    enum class State { New, Connecting, Connected, Closed };

    class Listener {
      public:
        virtual ~Listener() = default;
        virtual void onTransportConnected(WebRtcTransport& transport) = 0;
        // Called once; the owner destroys the transport afterwards (not from inside the call).
        virtual void onTransportClosed(WebRtcTransport& transport, std::string_view reason) = 0;
        // The packet lives in the worker's receive buffer and may be modified in place.
        virtual void onTransportRtp(WebRtcTransport& transport, rtp::RtpPacket& packet,
                                    int64_t nowUs) = 0;
        virtual void onTransportRtcp(WebRtcTransport& transport, const uint8_t* data, size_t len,
                                     int64_t nowUs) = 0;
    };

    static std::unique_ptr<WebRtcTransport> create(Worker& worker, std::string id, IcePort& port,
                                                   std::shared_ptr<dtls::DtlsContext> dtls,
                                                   Listener& listener, std::string& error);
    ~WebRtcTransport() override;

    const std::string& id() const { return id_; }
    State state() const { return state_; }
    LocalTransportParameters localParameters() const;
    // Starts ICE checks acceptance and DTLS (server role). Returns false on bad parameters.
    bool connect(const RemoteTransportParameters& remote, std::string& error);
    void close(std::string_view reason);
    // ICE restart (RFC 8445 §2.4): new local ICE credentials, checks must name the new remote
    // ufrag. DTLS and SRTP go on untouched; media keeps flowing to the current address until the
    // client's checks move it. Returns false (error set) if the transport is not connecting or
    // connected or the password is missing. An empty remote ufrag accepts any until
    // setRemoteIceUfrag() (the server offered the restart; the client answers later).
    bool restartIce(const RemoteTransportParameters& remote, std::string& error);
    const std::string& remoteIceUfrag() const { return ice_->remoteUfrag(); }
    void setRemoteIceUfrag(const std::string& ufrag) { ice_->setRemoteUfrag(ufrag); }

    // Encrypts buf[0..len) in place (capacity must leave room for the SRTP tag) and sends it.
    bool sendRtp(uint8_t* buf, size_t len, size_t capacity) override;
    bool sendRtcp(uint8_t* buf, size_t len, size_t capacity) override;
    uint16_t nextTransportSequence() override { return ++transportSequence_; }
    // Our SSRC for RTCP we originate (RR, PLI, NACK, REMB).
    uint32_t rtcpSsrc() const override { return rtcpSsrc_; }
    bool connected() const override { return state_ == State::Connected; }
    int64_t lastReceiveUs() const { return lastReceiveUs_; }
    // For statistics: "new" (no remote parameters yet), "checking" (no address nominated yet),
    // "connected", "closed"; DTLS "new", "connecting", "connected", "failed", "closed"; the
    // address media goes to ("" until ICE nominated one).
    std::string_view iceStateName() const;
    std::string_view dtlsStateName() const;
    std::string remoteAddress() const {
        return ice_ && ice_->connected() ? ice_->selectedRemoteAddress() : "";
    }
    // Frees the SRTP state of an SSRC that went away (a closed producer: Inbound; a closed
    // consumer: Outbound). libsrtp keeps one stream per SSRC and walks them on every packet.
    void removeSrtpStream(dtls::SrtpSession::Direction direction, uint32_t ssrc);

  private:
    WebRtcTransport(Worker& worker, std::string id, Listener& listener);

    void onIceConnected(IceServer& ice) override;
    bool onIceData(IceServer& ice, const uint8_t* data, size_t len) override;
    void onDtlsSend(const uint8_t* data, size_t len) override;
    void onDtlsConnected(dtls::SrtpProfile profile, const dtls::SrtpKeys& keys) override;
    void onDtlsFailed(std::string_view reason) override;
    void onDtlsClosed() override;
    bool onTimer();
    void keepEarlyDtls(const uint8_t* data, size_t len);

    // DTLS that arrives before connect() (the client may start its handshake as soon as ICE
    // works, before the server applied its answer): kept and fed to DTLS once it starts, so the
    // ClientHello is not lost for a whole retransmission timeout. Fixed storage, no allocation.
    static constexpr size_t kMaxEarlyDtls = 2;
    static constexpr size_t kMaxEarlyDtlsBytes = 1500;
    std::array<std::array<uint8_t, kMaxEarlyDtlsBytes>, kMaxEarlyDtls> earlyDtls_{};
    std::array<size_t, kMaxEarlyDtls> earlyDtlsLen_{};
    size_t earlyDtlsCount_ = 0;

    Worker& worker_;
    std::string id_;
    Listener& listener_;
    std::unique_ptr<IceServer> ice_;
    std::unique_ptr<dtls::DtlsTransport> dtls_;
    std::unique_ptr<dtls::SrtpSession> srtpIn_;
    std::unique_ptr<dtls::SrtpSession> srtpOut_;
    std::string fingerprint_;
    State state_ = State::New;
    guint timer_ = 0;
    int64_t createdUs_ = 0;
    int64_t lastReceiveUs_ = 0;
    uint32_t rtcpSsrc_ = 0;
    uint16_t transportSequence_ = 0;
};

}  // namespace vcb::sfu
