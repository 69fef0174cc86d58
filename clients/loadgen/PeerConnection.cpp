#include "clients/loadgen/PeerConnection.hpp"

#include <nice/agent.h>

#include <cstring>

#include "clients/loadgen/Clock.hpp"
#include "clients/loadgen/NiceCandidates.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"

namespace vcb::loadgen {

PeerConnection::PeerConnection(LoopThread& loop, PeerConfig config)
    : loop_(loop), config_(std::move(config)) {}

PeerConnection::~PeerConnection() {
    if (ticking_) loop_.removeTicker(this);
    dtls_.reset();
    if (agent_ == nullptr) return;
    if (streamId_ != 0)
        nice_agent_attach_recv(agent_, streamId_, 1, loop_.context(), nullptr, nullptr);
    if (stateHandler_ != 0) g_signal_handler_disconnect(agent_, stateHandler_);
    if (streamId_ != 0) nice_agent_remove_stream(agent_, streamId_);
    nice_agent_close_async(agent_, nullptr, nullptr);
    g_object_unref(agent_);
}

bool PeerConnection::init(std::string& error) {
    dtls_ = dtls::DtlsTransport::create(config_.dtls, *this, {}, &error);
    if (!dtls_) return false;
    agent_ =
        nice_agent_new_full(loop_.context(), NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_NONE);
    if (agent_ == nullptr) {
        error = "cannot create ICE agent";
        return false;
    }
    g_object_set(agent_, "controlling-mode", TRUE, "upnp", FALSE, "ice-tcp", FALSE, nullptr);
    NiceAddress addr;
    nice_address_init(&addr);
    if (!nice_address_set_from_string(&addr, config_.localIp.c_str()) ||
        !nice_agent_add_local_address(agent_, &addr)) {
        error = "invalid local address " + config_.localIp;
        return false;
    }
    stateHandler_ = g_signal_connect(agent_, "component-state-changed",
                                     G_CALLBACK(&PeerConnection::onStateChanged), this);
    if (!addStream(error)) return false;
    loop_.addTicker(this);
    ticking_ = true;
    return true;
}

bool PeerConnection::addStream(std::string& error) {
    streamId_ = nice_agent_add_stream(agent_, 1);
    if (streamId_ == 0) {
        error = "cannot add ICE stream";
        return false;
    }
    if (!nice_agent_attach_recv(agent_, streamId_, 1, loop_.context(), &PeerConnection::onReceive,
                                this)) {
        error = "cannot attach ICE receive callback";
        return false;
    }
    if (!nice_agent_gather_candidates(agent_, streamId_)) {
        error = "cannot gather ICE candidates on " + config_.localIp;
        return false;
    }
    return true;
}

std::optional<std::string> PeerConnection::restartIce(std::string& error) {
    return loop_.invoke([this, &error]() -> std::optional<std::string> {
        if (agent_ == nullptr || streamId_ == 0) {
            error = "endpoint not initialised";
            return std::nullopt;
        }
        nice_agent_attach_recv(agent_, streamId_, 1, loop_.context(), nullptr, nullptr);
        nice_agent_remove_stream(agent_, streamId_);  // the old socket (and its port) goes
        if (!addStream(error)) return std::nullopt;
        signaling::SessionDescription local;
        if (!describeLocal(local, error)) return std::nullopt;
        std::string frag = "a=ice-ufrag:" + local.iceUfrag + "\r\na=ice-pwd:" + local.icePwd +
                           "\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n";
        for (const auto& c : local.candidates)
            frag += "a=candidate:" + signaling::formatCandidate(c) + "\r\n";
        return frag + "a=end-of-candidates\r\n";
    });
}

bool PeerConnection::applyIceRestartAnswer(const std::string& sdpfrag, std::string& error) {
    return loop_.invoke([this, &sdpfrag, &error] {
        std::string ufrag, pwd;
        std::vector<sfu::IceCandidate> candidates;
        size_t pos = 0;
        while (pos < sdpfrag.size()) {
            size_t end = sdpfrag.find('\n', pos);
            std::string line = sdpfrag.substr(pos, end == std::string::npos ? end : end - pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.rfind("a=ice-ufrag:", 0) == 0) ufrag = line.substr(12);
            if (line.rfind("a=ice-pwd:", 0) == 0) pwd = line.substr(10);
            if (line.rfind("a=candidate:", 0) == 0) {
                if (auto c = signaling::SdpParser::parseCandidate(line.substr(2)))
                    candidates.push_back(*c);
            }
            if (end == std::string::npos) break;
            pos = end + 1;
        }
        if (ufrag.empty() || pwd.empty() || candidates.empty()) {
            error = "ICE restart answer without credentials or candidates";
            return false;
        }
        nice_agent_set_remote_credentials(agent_, streamId_, ufrag.c_str(), pwd.c_str());
        if (setNiceRemoteCandidates(agent_, streamId_, candidates) <= 0) {
            error = "no usable candidate in the ICE restart answer";
            return false;
        }
        return true;
    });
}

uint16_t PeerConnection::localPort() {
    return loop_.invoke([this]() -> uint16_t {
        signaling::SessionDescription local;
        std::string error;
        if (!describeLocal(local, error)) return 0;
        return local.candidates.front().port;
    });
}

void PeerConnection::shutdown() {
    if (ticking_) {
        loop_.removeTicker(this);
        ticking_ = false;
    }
    // No DTLS close_notify: the session is ended with the signaling protocol (WHIP/WHEP DELETE)
    // right after, and a close_notify first would make vcbridge drop the session before that.
    if (state() != State::Failed) state_.store(State::Closed, std::memory_order_release);
}

std::optional<std::string> PeerConnection::createOffer(std::string& error) {
    return loop_.invoke([this, &error] { return createOfferOnLoop(error); });
}

bool PeerConnection::applyAnswer(const std::string& sdp, std::string& error) {
    return loop_.invoke([this, &sdp, &error] { return applyAnswerOnLoop(sdp, error); });
}

std::optional<std::string> PeerConnection::createAnswer(const std::string& offer,
                                                        std::string& error) {
    return loop_.invoke([this, &offer, &error] { return createAnswerOnLoop(offer, error); });
}

std::optional<std::vector<signaling::MediaSection>> PeerConnection::answerMedia(
    const signaling::SessionDescription&, std::string& error) {
    error = "this endpoint does not answer offers";
    return std::nullopt;
}

bool PeerConnection::describeLocal(signaling::SessionDescription& desc, std::string& error) {
    if (agent_ == nullptr) {
        error = "endpoint not initialised";
        return false;
    }
    gchar* ufrag = nullptr;
    gchar* pwd = nullptr;
    if (!nice_agent_get_local_credentials(agent_, streamId_, &ufrag, &pwd)) {
        error = "no local ICE credentials";
        return false;
    }
    desc.iceUfrag = ufrag;
    desc.icePwd = pwd;
    g_free(ufrag);
    g_free(pwd);
    desc.fingerprintAlgorithm = dtls::DtlsCertificate::kFingerprintAlgorithm;
    desc.fingerprint = config_.dtls->certificate().fingerprint();
    // We are always the DTLS client: vcbridge answers passive, and we answer active to actpass.
    desc.setup = signaling::DtlsSetup::Active;
    GSList* local = nice_agent_get_local_candidates(agent_, streamId_, 1);
    for (GSList* item = local; item != nullptr; item = item->next) {
        auto* cand = static_cast<NiceCandidate*>(item->data);
        if (cand->transport != NICE_CANDIDATE_TRANSPORT_UDP) continue;
        char ip[NICE_ADDRESS_STRING_LEN];
        nice_address_to_string(&cand->addr, ip);
        sfu::IceCandidate c;
        c.foundation = cand->foundation;
        c.priority = cand->priority;
        c.address = ip;
        c.port = static_cast<uint16_t>(nice_address_get_port(&cand->addr));
        desc.candidates.push_back(std::move(c));
    }
    g_slist_free_full(local, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
    if (desc.candidates.empty()) {
        error = "no host candidate on " + config_.localIp;
        return false;
    }
    return true;
}

std::optional<std::string> PeerConnection::createOfferOnLoop(std::string& error) {
    signaling::SessionDescription offer;
    if (!describeLocal(offer, error)) return std::nullopt;
    offer.media = offerMedia();
    for (auto& m : offer.media) {
        m.rtcpMux = true;
        m.rtcpRsize = true;
        offer.bundleMids.push_back(m.mid);
    }
    signaling::SdpWriter writer;
    return writer.write(offer);
}

bool PeerConnection::applyAnswerOnLoop(const std::string& sdp, std::string& error) {
    auto answer = signaling::SdpParser::parse(sdp);
    if (!answer) {
        error = "bad SDP answer: " + answer.error().message();
        return false;
    }
    if (answer->setup != signaling::DtlsSetup::Passive) {
        error = "answer is not a=setup:passive";
        return false;
    }
    if (!acceptAnswerMedia(answer.value(), error)) return false;
    return applyRemote(answer.value(), error);
}

std::optional<std::string> PeerConnection::createAnswerOnLoop(const std::string& sdp,
                                                              std::string& error) {
    auto offer = signaling::SdpParser::parse(sdp);
    if (!offer) {
        error = "bad SDP offer: " + offer.error().message();
        return std::nullopt;
    }
    if (offer->setup == signaling::DtlsSetup::Active) {
        error = "offer is a=setup:active; we can only be the DTLS client";
        return std::nullopt;
    }
    signaling::SessionDescription answer;
    if (!describeLocal(answer, error)) return std::nullopt;
    auto media = answerMedia(offer.value(), error);
    if (!media) return std::nullopt;
    answer.media = std::move(*media);
    for (auto& m : answer.media) {
        m.rtcpMux = true;
        m.rtcpRsize = true;
        if (!m.rejected) answer.bundleMids.push_back(m.mid);
    }
    if (answer.bundleMids.empty()) {
        error = "nothing to receive in the offer";
        return std::nullopt;
    }
    signaling::SdpWriter writer;
    std::string text = writer.write(answer);
    if (!applyRemote(offer.value(), error)) return std::nullopt;
    return text;
}

bool PeerConnection::applyRemote(const signaling::SessionDescription& remote, std::string& error) {
    if (!dtls_->setRemoteFingerprint(remote.fingerprintAlgorithm, remote.fingerprint)) {
        error = "remote SDP has no usable sha-256 fingerprint";
        return false;
    }
    if (remote.candidates.empty()) {
        error = "remote SDP has no ICE candidate";
        return false;
    }
    nice_agent_set_remote_credentials(agent_, streamId_, remote.iceUfrag.c_str(),
                                      remote.icePwd.c_str());
    const int added = setNiceRemoteCandidates(agent_, streamId_, remote.candidates);
    if (added <= 0) {
        error = "no usable ICE candidate in the remote SDP";
        return false;
    }
    // A later description (an ICE restart's answer) only updates ICE: DTLS and SRTP carry on.
    if (state() == State::New) {
        answerAppliedUs_ = nowUs();
        state_.store(State::Connecting, std::memory_order_release);
    }
    return true;
}

void PeerConnection::onTick(int64_t nowUs) {
    State s = state();
    if (s == State::Connecting && dtls_->state() == dtls::DtlsTransport::State::Connecting) {
        auto due = dtls_->timeout();
        if (due && due->count() <= 0) dtls_->handleTimeout();
    } else if (s == State::Connected) {
        onConnectedTick(nowUs);
    }
}

bool PeerConnection::sendRtp(uint8_t* buf, size_t len, size_t capacity) {
    if (!srtpOut_ || state() != State::Connected) return false;
    if (srtpOut_->protectRtp(buf, len, capacity) != dtls::SrtpSession::Status::Ok) return false;
    return nice_agent_send(agent_, streamId_, 1, static_cast<guint>(len),
                           reinterpret_cast<const gchar*>(buf)) == static_cast<gint>(len);
}

bool PeerConnection::sendRtcp(uint8_t* buf, size_t len, size_t capacity) {
    if (!srtpOut_ || state() != State::Connected) return false;
    if (srtpOut_->protectRtcp(buf, len, capacity) != dtls::SrtpSession::Status::Ok) return false;
    return nice_agent_send(agent_, streamId_, 1, static_cast<guint>(len),
                           reinterpret_cast<const gchar*>(buf)) == static_cast<gint>(len);
}

bool PeerConnection::sendDatagram(const uint8_t* data, size_t len) {
    if (state() != State::Connected) return false;
    return nice_agent_send(agent_, streamId_, 1, static_cast<guint>(len),
                           reinterpret_cast<const gchar*>(data)) == static_cast<gint>(len);
}

void PeerConnection::fail(std::string reason) {
    if (state() == State::Failed) return;
    failureReason_ = std::move(reason);
    state_.store(State::Failed, std::memory_order_release);
}

void PeerConnection::onIceData(const uint8_t* data, size_t len) {
    if (len == 0 || len > kPacketCapacity) return;
    uint8_t first = data[0];
    if (first >= 20 && first <= 63) {  // RFC 7983: DTLS
        dtls_->handleDatagram(data, len);
        return;
    }
    if (first < 128 || first > 191 || len < 12 || !srtpIn_) return;
    std::memcpy(receiveBuffer_, data, len);
    int64_t now = nowUs();
    uint8_t pt = data[1];
    if (pt >= 192 && pt <= 223) {  // RFC 5761: RTCP packet types 192..223 (with marker bit)
        if (srtpIn_->unprotectRtcp(receiveBuffer_, len) != dtls::SrtpSession::Status::Ok) {
            ++srtpFailures_;
            return;
        }
        onRtcp(receiveBuffer_, len, now);
        return;
    }
    if (srtpIn_->unprotectRtp(receiveBuffer_, len) != dtls::SrtpSession::Status::Ok) {
        ++srtpFailures_;
        return;
    }
    rtp::RtpPacket packet;
    if (!rtp::RtpPacket::parse(receiveBuffer_, len, packet)) return;
    onRtp(packet, now);
}

void PeerConnection::onDtlsSend(const uint8_t* data, size_t len) {
    nice_agent_send(agent_, streamId_, 1, static_cast<guint>(len),
                    reinterpret_cast<const gchar*>(data));
}

void PeerConnection::onDtlsConnected(dtls::SrtpProfile profile, const dtls::SrtpKeys& keys) {
    std::string error;
    srtpOut_ = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Outbound,
                                         keys.local.data(), keys.length, &error);
    if (srtpOut_) {
        srtpIn_ = dtls::SrtpSession::create(profile, dtls::SrtpSession::Direction::Inbound,
                                            keys.remote.data(), keys.length, &error);
    }
    if (!srtpOut_ || !srtpIn_) {
        fail("SRTP: " + error);
        return;
    }
    srtpProfile_ = profile;
    dtlsConnectedUs_ = nowUs();
    state_.store(State::Connected, std::memory_order_release);
    onConnected(dtlsConnectedUs_);
}

void PeerConnection::onDtlsFailed(std::string_view reason) { fail("DTLS: " + std::string(reason)); }

void PeerConnection::onDtlsClosed() {
    if (state() != State::Failed) state_.store(State::Closed, std::memory_order_release);
}

void PeerConnection::onStateChanged(NiceAgent*, unsigned stream, unsigned, unsigned state,
                                    void* self) {
    auto* pc = static_cast<PeerConnection*>(self);
    if (stream != pc->streamId_ || pc->state() == State::Failed) return;
    if (state == NICE_COMPONENT_STATE_CONNECTED || state == NICE_COMPONENT_STATE_READY) {
        if (!pc->iceConnected_) {
            pc->iceConnected_ = true;
            pc->iceConnectedUs_ = nowUs();
            pc->dtls_->start(dtls::DtlsTransport::Role::Client);
        }
    } else if (state == NICE_COMPONENT_STATE_FAILED) {
        pc->fail("ICE failed");
    }
}

void PeerConnection::onReceive(NiceAgent*, unsigned, unsigned, unsigned len, char* buf,
                               void* self) {
    static_cast<PeerConnection*>(self)->onIceData(reinterpret_cast<const uint8_t*>(buf), len);
}

}  // namespace vcb::loadgen
