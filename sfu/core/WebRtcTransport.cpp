#include "sfu/core/WebRtcTransport.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstring>

#include "common/Log.hpp"
#include "sfu/core/Clock.hpp"
#include "sfu/core/Metrics.hpp"
#include "sfu/core/Worker.hpp"
#include "sfu/rtp/PacketClassifier.hpp"

namespace vcb::sfu {

namespace {
constexpr int64_t kConnectTimeoutUs = 30'000'000;  // ICE + DTLS must finish within this
constexpr int64_t kSilenceTimeoutUs = 30'000'000;  // RFC 7675: consent expires after 30 s
constexpr uint32_t kTimerMs = 50;                  // DTLS retransmissions need ~50 ms resolution
constexpr size_t kMaxDatagram = 1500;

// Decryption happens in place, so datagrams are copied into this per-thread buffer first.
// SRTP may grow nothing on unprotect; the spare room is for the few callers that reuse it.
thread_local std::array<uint8_t, kMaxDatagram + 64> tReceiveBuffer;

void countSrtpDrop(dtls::SrtpSession::Status status) {
    auto& m = Metrics::instance();
    if (status == dtls::SrtpSession::Status::Replayed ||
        status == dtls::SrtpSession::Status::ReplayTooOld) {
        count(m.droppedSrtpReplay);
    } else {
        count(m.droppedSrtpAuth);
    }
}
}  // namespace

WebRtcTransport::WebRtcTransport(Worker& worker, std::string id, Listener& listener)
    : worker_(worker), id_(std::move(id)), listener_(listener) {}

std::unique_ptr<WebRtcTransport> WebRtcTransport::create(Worker& worker, std::string id,
                                                         IcePort& port,
                                                         std::shared_ptr<dtls::DtlsContext> dtls,
                                                         Listener& listener, std::string& error) {
    std::unique_ptr<WebRtcTransport> t(new WebRtcTransport(worker, std::move(id), listener));
    t->ice_ = IceServer::create(port, *t, error);
    if (!t->ice_) return nullptr;
    t->fingerprint_ = dtls->certificate().fingerprint();
    t->dtls_ = dtls::DtlsTransport::create(std::move(dtls), *t, {}, &error);
    if (!t->dtls_) return nullptr;
    RAND_bytes(reinterpret_cast<unsigned char*>(&t->rtcpSsrc_), sizeof(t->rtcpSsrc_));
    t->createdUs_ = monotonicUs();
    t->lastReceiveUs_ = t->createdUs_;
    WebRtcTransport* raw = t.get();
    t->timer_ = worker.addTimer(kTimerMs, [raw] { return raw->onTimer(); });
    Metrics::instance().transportsOpen.fetch_add(1, std::memory_order_relaxed);
    return t;
}

WebRtcTransport::~WebRtcTransport() {
    if (timer_ != 0) worker_.removeTimer(timer_);
    if (state_ != State::Closed && dtls_ &&
        dtls_->state() == dtls::DtlsTransport::State::Connected) {
        dtls_->close();  // close_notify tells the peer right away instead of after its timeout
    }
    Metrics::instance().transportsOpen.fetch_sub(1, std::memory_order_relaxed);
}

LocalTransportParameters WebRtcTransport::localParameters() const {
    return {ice_->localUfrag(), ice_->localPwd(), ice_->localCandidates(), fingerprint_};
}

bool WebRtcTransport::connect(const RemoteTransportParameters& remote, std::string& error) {
    if (state_ != State::New) {
        error = "transport already connected";
        return false;
    }
    if (remote.iceUfrag.empty() || remote.icePwd.empty()) {
        error = "missing ICE credentials";
        return false;
    }
    if (!dtls_->setRemoteFingerprint(remote.fingerprintAlgorithm, remote.fingerprint)) {
        error = "unsupported or malformed DTLS fingerprint";
        return false;
    }
    ice_->setRemoteUfrag(remote.iceUfrag);
    if (!dtls_->start(dtls::DtlsTransport::Role::Server)) {
        error = "cannot start DTLS";
        return false;
    }
    state_ = State::Connecting;
    // A ClientHello that came before the answer was applied: handle it now. DTLS may answer,
    // or fail and close this transport, from inside this loop.
    const size_t early = earlyDtlsCount_;
    earlyDtlsCount_ = 0;
    for (size_t i = 0; i < early && state_ == State::Connecting; ++i) {
        dtls_->handleDatagram(earlyDtls_[i].data(), earlyDtlsLen_[i]);
    }
    return true;
}

void WebRtcTransport::keepEarlyDtls(const uint8_t* data, size_t len) {
    auto& m = Metrics::instance();
    if (earlyDtlsCount_ == kMaxEarlyDtls || len > kMaxEarlyDtlsBytes) {
        count(m.dtlsEarlyDropped);
        return;
    }
    std::memcpy(earlyDtls_[earlyDtlsCount_].data(), data, len);
    earlyDtlsLen_[earlyDtlsCount_++] = len;
    count(m.dtlsEarlyKept);
}

bool WebRtcTransport::restartIce(const RemoteTransportParameters& remote, std::string& error) {
    if (state_ != State::Connecting && state_ != State::Connected) {
        error = "transport not connected";
        return false;
    }
    // An empty ufrag: the server restarts first (its offer), the client's comes with the answer.
    if (!remote.iceUfrag.empty() && remote.icePwd.empty()) {
        error = "missing ICE password";
        return false;
    }
    if (!ice_->restart(remote.iceUfrag)) {
        error = "cannot draw a unique ICE ufrag";
        return false;
    }
    return true;
}

void WebRtcTransport::close(std::string_view reason) {
    if (state_ == State::Closed) return;
    if (dtls_->state() == dtls::DtlsTransport::State::Connected) dtls_->close();
    state_ = State::Closed;
    if (timer_ != 0) {
        worker_.removeTimer(timer_);
        timer_ = 0;
    }
    listener_.onTransportClosed(*this, reason);
}

bool WebRtcTransport::sendRtp(uint8_t* buf, size_t len, size_t capacity) {
    if (state_ != State::Connected) return false;
    if (srtpOut_->protectRtp(buf, len, capacity) != dtls::SrtpSession::Status::Ok) {
        count(Metrics::instance().sendFailures);
        return false;
    }
    if (!ice_->send(buf, len)) {
        count(Metrics::instance().sendFailures);
        return false;
    }
    count(Metrics::instance().bytesSent, len);
    return true;
}

bool WebRtcTransport::sendRtcp(uint8_t* buf, size_t len, size_t capacity) {
    if (state_ != State::Connected) return false;
    if (srtpOut_->protectRtcp(buf, len, capacity) != dtls::SrtpSession::Status::Ok) {
        count(Metrics::instance().sendFailures);
        return false;
    }
    if (!ice_->send(buf, len)) {
        count(Metrics::instance().sendFailures);
        return false;
    }
    count(Metrics::instance().rtcpSent);
    count(Metrics::instance().bytesSent, len);
    return true;
}

void WebRtcTransport::removeSrtpStream(dtls::SrtpSession::Direction direction, uint32_t ssrc) {
    dtls::SrtpSession* session =
        direction == dtls::SrtpSession::Direction::Inbound ? srtpIn_.get() : srtpOut_.get();
    // Our own RTCP SSRC outlives every stream; before DTLS there is no session yet.
    if (session == nullptr || ssrc == 0 ||
        (direction == dtls::SrtpSession::Direction::Outbound && ssrc == rtcpSsrc_)) {
        return;
    }
    if (session->removeStream(ssrc)) count(Metrics::instance().srtpStreamsRemoved);
}

void WebRtcTransport::onIceConnected(IceServer& ice) {
    count(Metrics::instance().iceConnected);
    VCB_LOG_INFO("transport %s: ICE connected to %s", id_.c_str(),
                 ice.selectedRemoteAddress().c_str());
}

bool WebRtcTransport::onIceData(IceServer&, const uint8_t* data, size_t len) {
    if (state_ == State::Closed) return false;
    auto& m = Metrics::instance();
    if (state_ == State::New) {
        // Remote parameters not applied yet: no DTLS, no keys.
        if (rtp::classifyPacket(data, len) == rtp::PacketType::Dtls) {
            keepEarlyDtls(data, len);
        } else {
            count(m.droppedBeforeConnect);
        }
        return false;  // nothing authenticated yet: keeps no address alive
    }
    int64_t now = monotonicUs();
    count(m.bytesReceived, len);
    switch (rtp::classifyPacket(data, len)) {
        case rtp::PacketType::Dtls:
            lastReceiveUs_ = now;
            dtls_->handleDatagram(data, len);
            return true;
        case rtp::PacketType::Rtp: {
            if (state_ != State::Connected) {
                count(m.droppedBeforeConnect);
                return false;
            }
            if (len > kMaxDatagram) {
                count(m.droppedMalformed);
                return false;
            }
            uint8_t* buf = tReceiveBuffer.data();
            std::memcpy(buf, data, len);
            size_t plainLen = len;
            auto result = srtpIn_->unprotectRtp(buf, plainLen);
            if (result != dtls::SrtpSession::Status::Ok) {
                countSrtpDrop(result);
                return false;
            }
            rtp::RtpPacket packet;
            if (!rtp::RtpPacket::parse(buf, plainLen, packet)) {
                count(m.droppedMalformed);
                return false;
            }
            lastReceiveUs_ = now;
            count(m.rtpReceived);
            listener_.onTransportRtp(*this, packet, now);
            return true;
        }
        case rtp::PacketType::Rtcp: {
            if (state_ != State::Connected) {
                count(m.droppedBeforeConnect);
                return false;
            }
            if (len > kMaxDatagram) {
                count(m.droppedMalformed);
                return false;
            }
            uint8_t* buf = tReceiveBuffer.data();
            std::memcpy(buf, data, len);
            size_t plainLen = len;
            auto result = srtpIn_->unprotectRtcp(buf, plainLen);
            if (result != dtls::SrtpSession::Status::Ok) {
                countSrtpDrop(result);
                return false;
            }
            lastReceiveUs_ = now;
            count(m.rtcpReceived);
            listener_.onTransportRtcp(*this, buf, plainLen, now);
            return true;
        }
        case rtp::PacketType::Stun:  // IcePort answers STUN; none reaches a transport
        case rtp::PacketType::Unknown:
            count(m.droppedUnknownType);
            return false;
    }
    return false;
}

void WebRtcTransport::onDtlsSend(const uint8_t* data, size_t len) { ice_->send(data, len); }

void WebRtcTransport::onDtlsConnected(dtls::SrtpProfile profile, const dtls::SrtpKeys& keys) {
    srtpIn_ = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Inbound,
                                        keys.remote.data(), keys.length);
    srtpOut_ = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Outbound,
                                         keys.local.data(), keys.length);
    if (!srtpIn_ || !srtpOut_) {
        count(Metrics::instance().dtlsFailures);
        close("SRTP setup failed");
        return;
    }
    count(Metrics::instance().dtlsConnected);
    state_ = State::Connected;
    VCB_LOG_INFO("transport %s: DTLS connected (%s)", id_.c_str(),
                 std::string(dtls::toString(profile)).c_str());
    listener_.onTransportConnected(*this);
}

void WebRtcTransport::onDtlsFailed(std::string_view reason) {
    count(Metrics::instance().dtlsFailures);
    // DtlsTransport::verifyPeerCertificate's reason (OpenSSL's errors may follow it).
    if (reason.find("fingerprint mismatch") != std::string_view::npos)
        count(Metrics::instance().dtlsFingerprintMismatches);
    VCB_LOG_WARN("transport %s: DTLS failed: %.*s", id_.c_str(), static_cast<int>(reason.size()),
                 reason.data());
    close("DTLS failed");
}

void WebRtcTransport::onDtlsClosed() { close("DTLS closed by peer"); }

bool WebRtcTransport::onTimer() {
    if (state_ == State::Closed) {
        timer_ = 0;
        return false;
    }
    int64_t now = monotonicUs();
    if (dtls_->state() == dtls::DtlsTransport::State::Connecting) {
        auto t = dtls_->timeout();
        if (t && t->count() <= 0) dtls_->handleTimeout();
        if (state_ == State::Closed) {
            timer_ = 0;
            return false;
        }
    }
    if (state_ != State::Connected && now - createdUs_ > kConnectTimeoutUs) {
        count(Metrics::instance().transportsTimedOut);
        count(Metrics::instance().transportsConnectTimeouts);
        VCB_LOG_WARN("transport %s: connection timeout (ICE+DTLS not done after %lld ms)",
                     id_.c_str(), static_cast<long long>((now - createdUs_) / 1000));
        timer_ = 0;  // returning false below removes the source
        close("connection timeout");
        return false;
    }
    if (state_ == State::Connected && now - lastReceiveUs_ > kSilenceTimeoutUs) {
        count(Metrics::instance().transportsTimedOut);
        count(Metrics::instance().transportsConsentExpired);
        VCB_LOG_WARN("transport %s: consent expired (no authenticated packet for %lld ms)",
                     id_.c_str(), static_cast<long long>((now - lastReceiveUs_) / 1000));
        timer_ = 0;
        close("consent expired");
        return false;
    }
    return true;
}

std::string_view WebRtcTransport::iceStateName() const {
    if (state_ == State::Closed) return "closed";
    if (ice_ && ice_->connected()) return "connected";
    return state_ == State::New ? "new" : "checking";
}

std::string_view WebRtcTransport::dtlsStateName() const {
    if (!dtls_) return state_ == State::Closed ? "closed" : "new";
    switch (dtls_->state()) {
        case dtls::DtlsTransport::State::New:
            return "new";
        case dtls::DtlsTransport::State::Connecting:
            return "connecting";
        case dtls::DtlsTransport::State::Connected:
            return "connected";
        case dtls::DtlsTransport::State::Failed:
            return "failed";
        case dtls::DtlsTransport::State::Closed:
            return "closed";
    }
    return "new";
}

}  // namespace vcb::sfu
