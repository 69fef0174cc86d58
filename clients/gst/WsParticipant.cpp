#include "clients/gst/WsParticipant.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <variant>

#include "clients/gst/ClientTls.hpp"
#include "clients/gst/Url.hpp"
#include "protocol/Codec.hpp"
#include "protocol/Limits.hpp"

namespace vcb::gstclient {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace proto = vcb::protocol;

namespace {
constexpr auto kPumpSlice = std::chrono::milliseconds(50);
constexpr auto kCloseTimeout = std::chrono::seconds(2);
}  // namespace

// The WebSocket over plain TCP (ws://) or over TLS (wss://); the TLS context outlives its stream.
struct WsParticipant::Connection {
    using Plain = websocket::stream<beast::tcp_stream>;
    using Tls = websocket::stream<TlsStream>;

    explicit Connection(asio::io_context& ioc) : ws(std::in_place_type<Plain>, ioc) {}
    Connection(asio::io_context& ioc, std::unique_ptr<asio::ssl::context> context)
        : tls(std::move(context)), ws(std::in_place_type<Tls>, ioc, *tls) {}

    template <class F>
    decltype(auto) visit(F&& f) {
        return std::visit(std::forward<F>(f), ws);
    }
    beast::tcp_stream& tcp() {
        return visit([](auto& w) -> beast::tcp_stream& { return beast::get_lowest_layer(w); });
    }

    std::unique_ptr<asio::ssl::context> tls;
    std::variant<Plain, Tls> ws;
};

WsParticipant::WsParticipant(WsParticipantOptions options) : options_(std::move(options)) {}

WsParticipant::~WsParticipant() {
    close();
    if (publishPeer_) publishPeer_->stop();
    if (subscribePeer_) subscribePeer_->stop();
}

void WsParticipant::setError(std::string error) {
    std::lock_guard lock(mutex_);
    lastError_ = std::move(error);
}

bool WsParticipant::connect(std::string* error) {
    auto url = Url::parse(options_.url);
    if (!url || (url->scheme != "ws" && url->scheme != "wss")) {
        if (error) *error = "bad WebSocket URL " + options_.url;
        return false;
    }
    if (url->tls()) {
        std::string why;
        auto context = makeClientTlsContext(options_.caFile, &why);
        if (!context) {
            if (error) *error = "WebSocket connect to " + options_.url + " failed: " + why;
            return false;
        }
        ws_ = std::make_unique<Connection>(ioc_, std::move(context));
    } else {
        ws_ = std::make_unique<Connection>(ioc_);
    }
    const auto deadline = Clock::now() + options_.timeout;
    asio::ip::tcp::resolver resolver(ioc_);
    std::string failure;
    bool finished = false;
    auto fail = [&](const std::string& why) {
        failure = why;
        finished = true;
    };
    ws_->tcp().expires_after(options_.timeout);
    ws_->visit([&](auto& stream) {
        auto* ws = &stream;  // the handlers below outlive this lambda, not the stream
        resolver.async_resolve(
            url->host, std::to_string(url->port),
            [&, ws](beast::error_code ec, asio::ip::tcp::resolver::results_type results) {
                if (ec) return fail(ec.message());
                ws_->tcp().async_connect(results, [&, ws](beast::error_code ec2, auto) {
                    if (ec2) return fail(ec2.message());
                    secureChannel(
                        ws->next_layer(), url->host, [&, ws](const std::string& tlsFailure) {
                            if (!tlsFailure.empty()) return fail(tlsFailure);
                            ws->async_handshake(url->hostHeader(), url->target,
                                                [&](beast::error_code ec3) {
                                                    fail(ec3 ? ec3.message() : std::string());
                                                });
                        });
                });
            });
    });
    while (!finished && Clock::now() < deadline) {
        if (ioc_.stopped()) ioc_.restart();
        ioc_.run_one_for(kPumpSlice);
    }
    if (!finished || !failure.empty()) {
        const std::string why = finished ? failure : "timeout";
        if (error) *error = "WebSocket connect to " + options_.url + " failed: " + why;
        ws_->tcp().close();
        return false;
    }
    ws_->tcp().expires_never();
    ws_->visit([](auto& ws) {
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws.read_message_max(proto::kMaxFrameBytes);
        ws.text(true);
    });
    open_ = true;
    {
        std::lock_guard lock(mutex_);
        lastMessageAt_ = Clock::now();
    }
    startRead();

    proto::Join join{options_.meeting, options_.displayName, options_.token, options_.autoSubscribe,
                     nextRequestId_++};
    join.unit = options_.unit;
    join.role = options_.role;
    if (!send(join, deadline)) {
        if (error) *error = "cannot send join: " + lastError();
        return false;
    }
    const std::uint64_t errorsBefore = [&] {
        std::lock_guard lock(mutex_);
        return errorsReceived_;
    }();
    runUntil(
        [&] {
            std::lock_guard lock(mutex_);
            return joined_ || errorsReceived_ != errorsBefore;
        },
        deadline);
    std::lock_guard lock(mutex_);
    if (!joined_) {
        if (error) *error = "not joined: " + (lastError_.empty() ? "timeout" : lastError_);
        return false;
    }
    return true;
}

bool WsParticipant::publish(std::string* error) {
    if (!open_) {
        if (error) *error = "not connected";
        return false;
    }
    const auto deadline = Clock::now() + options_.timeout;
    WebRtcPeerOptions peerOptions{.mode = PeerMode::Send,
                                  .pattern = options_.pattern,
                                  .name = "publish",
                                  .iceAddress = options_.iceAddress.empty()
                                                    ? iceAddressFor(options_.url)
                                                    : options_.iceAddress,
                                  .audioLevel = options_.audioLevel,
                                  .screenPattern = options_.screenPattern,
                                  .audioFrequency = options_.audioFrequency};
    if (options_.customizePublish) options_.customizePublish(peerOptions);
    {
        std::lock_guard lock(mutex_);  // the connection-state getters read the pointer
        publishPeer_ = std::make_unique<WebRtcPeer>(std::move(peerOptions));
    }
    if (!publishPeer_->start(error)) return false;
    return offerPublish(deadline, error);
}

bool WsParticipant::stopScreen(std::string* error) {
    if (!open_ || !publishPeer_) {
        if (error) *error = "not publishing";
        return false;
    }
    if (!publishPeer_->stopScreen(error)) return false;
    return offerPublish(Clock::now() + options_.timeout, error);
}

// The mid of the offer's second video m-section (where the screen goes), if any.
static std::optional<std::string> secondVideoMid(const std::string& sdp) {
    int videos = 0;
    bool inScreen = false;
    std::size_t at = 0;
    while (at < sdp.size()) {
        std::size_t end = sdp.find('\n', at);
        if (end == std::string::npos) end = sdp.size();
        std::string line = sdp.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        at = end + 1;
        if (line.rfind("m=", 0) == 0) inScreen = line.rfind("m=video", 0) == 0 && ++videos == 2;
        if (inScreen && line.rfind("a=mid:", 0) == 0) return line.substr(6);
    }
    return std::nullopt;
}

bool WsParticipant::offerPublish(Clock::time_point deadline, std::string* error) {
    auto offer = publishPeer_->createOffer(deadline, error);
    if (!offer) return false;
    std::optional<std::string> screenMid;
    if (!options_.screenPattern.empty()) {
        screenMid = secondVideoMid(*offer);
        if (!screenMid) {
            if (error) *error = "the offer has no second video m-section for the screen";
            return false;
        }
    }
    std::uint64_t errorsBefore = 0;
    {
        std::lock_guard lock(mutex_);
        publishAnswered_ = false;
        errorsBefore = errorsReceived_;
    }
    if (!send(proto::Publish{*offer, nextRequestId_++, screenMid}, deadline)) {
        if (error) *error = "cannot send publish: " + lastError();
        return false;
    }
    runUntil(
        [&] {
            std::lock_guard lock(mutex_);
            return publishAnswered_ || errorsReceived_ != errorsBefore;
        },
        deadline);
    std::lock_guard lock(mutex_);
    if (!publishAnswered_) {
        if (error)
            *error = "publish not answered: " + (lastError_.empty() ? "timeout" : lastError_);
        return false;
    }
    return true;
}

bool WsParticipant::runUntil(const std::function<bool()>& done, Clock::time_point deadline) {
    // Bounded by the deadline: every slice waits at most kPumpSlice.
    while (true) {
        processInbox();
        std::vector<proto::ClientMessage> controls;
        {
            std::lock_guard lock(mutex_);
            controls.swap(outbox_);
        }
        for (auto& c : controls) {
            std::visit([&](auto& m) { m.requestId = nextRequestId_++; }, c);
            send(c, Clock::now() + options_.timeout);
        }
        if (done()) return true;
        if (!open_ && inbox_.empty()) return false;
        const auto now = Clock::now();
        if (now >= deadline) return false;
        pumpOnce(std::min<Clock::duration>(kPumpSlice, deadline - now));
    }
}

void WsParticipant::close() {
    if (!open_) return;
    const auto deadline = Clock::now() + kCloseTimeout;
    send(proto::Leave{}, deadline);
    bool closed = false;
    if (open_) {
        ws_->visit([&](auto& ws) {
            ws.async_close(websocket::close_code::normal,
                           [&](beast::error_code) { closed = true; });
        });
        while (!closed && Clock::now() < deadline) pumpOnce(kPumpSlice);
    }
    open_ = false;
    beast::error_code ignored;
    ws_->tcp().socket().close(ignored);
    // Let the cancelled read complete so no handler outlives this object.
    const auto drainDeadline = Clock::now() + kCloseTimeout;
    while (reading_ && Clock::now() < drainDeadline) pumpOnce(kPumpSlice);
}

void WsParticipant::pumpOnce(Clock::duration budget) {
    if (ioc_.stopped()) ioc_.restart();
    ioc_.run_one_for(budget);
    ioc_.poll();
}

void WsParticipant::startRead() {
    reading_ = true;
    ws_->visit([this](auto& ws) {
        ws.async_read(readBuffer_, [this](beast::error_code ec, std::size_t) {
            reading_ = false;
            if (ec) {
                if (open_) setError("WebSocket closed: " + ec.message());
                open_ = false;
                return;
            }
            inbox_.push_back(beast::buffers_to_string(readBuffer_.data()));
            readBuffer_.consume(readBuffer_.size());
            if (open_) startRead();
        });
    });
}

bool WsParticipant::send(const proto::ClientMessage& message, Clock::time_point deadline) {
    if (!open_) return false;
    // The buffer must live until the write completes, even if we give up waiting.
    auto text = std::make_shared<std::string>(proto::serialize(message));
    if (options_.trace) std::cerr << "[" << options_.displayName << "] -> " << *text << "\n";
    auto done = std::make_shared<bool>(false);
    auto failed = std::make_shared<beast::error_code>();
    ws_->visit([&](auto& ws) {
        ws.async_write(asio::buffer(*text),
                       [text, done, failed](beast::error_code ec, std::size_t) {
                           *failed = ec;
                           *done = true;
                       });
    });
    while (!*done && Clock::now() < deadline) pumpOnce(kPumpSlice);
    if (!*done) {
        setError("WebSocket write timed out");
        open_ = false;
        beast::error_code ignored;
        ws_->tcp().socket().close(ignored);
        return false;
    }
    if (*failed) {
        setError("WebSocket write failed: " + failed->message());
        return false;
    }
    return true;
}

void WsParticipant::processInbox() {
    // Bounded: each pass handles what is queued; handlers may queue more, handled next pass.
    std::size_t budget = inbox_.size();
    while (budget-- > 0 && !inbox_.empty()) {
        std::string text = std::move(inbox_.front());
        inbox_.pop_front();
        handleFrame(text);
    }
}

void WsParticipant::handleFrame(const std::string& text) {
    if (options_.trace) std::cerr << "[" << options_.displayName << "] <- " << text << "\n";
    {
        std::lock_guard lock(mutex_);
        lastMessageAt_ = Clock::now();
    }
    auto parsed = proto::parseServerMessage(text);
    if (!parsed.ok()) {
        setError("bad server message (" + std::string(proto::toString(parsed.error().code)) +
                 "): " + parsed.error().message);
        return;
    }
    const proto::ServerMessage& message = parsed.value();
    if (auto* m = std::get_if<proto::Joined>(&message)) {
        std::lock_guard lock(mutex_);
        participantId_ = m->participantId;
        for (const proto::Participant& p : m->participants) {
            participants_[p.id] = p;
            knownNames_[p.id] = p.displayName;
        }
        joined_ = true;
    } else if (auto* m = std::get_if<proto::PublishAnswer>(&message)) {
        std::string error;
        if (!publishPeer_ ||
            !publishPeer_->setRemoteAnswer(m->sdp, Clock::now() + options_.timeout, &error)) {
            setError("cannot apply publish answer: " + error);
            std::lock_guard lock(mutex_);
            ++errorsReceived_;
            return;
        }
        std::lock_guard lock(mutex_);
        publishAnswered_ = true;
    } else if (auto* m = std::get_if<proto::SubscribeOffer>(&message)) {
        handleSubscribeOffer(m->sdp, m->revision);
    } else if (auto* m = std::get_if<proto::ParticipantJoined>(&message)) {
        std::lock_guard lock(mutex_);
        participants_[m->participant.id] = m->participant;
        knownNames_[m->participant.id] = m->participant.displayName;
    } else if (auto* m = std::get_if<proto::ParticipantLeft>(&message)) {
        std::lock_guard lock(mutex_);
        participants_.erase(m->participantId);
    } else if (auto* m = std::get_if<proto::TrackPublished>(&message)) {
        std::lock_guard lock(mutex_);
        if (auto it = participants_.find(m->participantId); it != participants_.end()) {
            auto& tracks = it->second.tracks;
            if (std::find(tracks.begin(), tracks.end(), m->track) == tracks.end()) {
                tracks.push_back(m->track);
            }
        }
    } else if (auto* m = std::get_if<proto::TrackUnpublished>(&message)) {
        std::lock_guard lock(mutex_);
        if (auto it = participants_.find(m->participantId); it != participants_.end()) {
            std::erase_if(it->second.tracks,
                          [&](const proto::Track& t) { return t.id == m->trackId; });
        }
    } else if (auto* m = std::get_if<proto::MeetingEventMessage>(&message)) {
        std::lock_guard lock(mutex_);
        if (meetingEvents_.size() < 10000) meetingEvents_.push_back(*m);
    } else if (auto* m = std::get_if<proto::MeetingStateMessage>(&message)) {
        std::lock_guard lock(mutex_);
        meetingState_ = *m;
    } else if (auto* m = std::get_if<proto::SessionClosed>(&message)) {
        std::lock_guard lock(mutex_);
        sessionClosedReason_ = m->reason;
    } else if (auto* m = std::get_if<proto::Stats>(&message)) {
        std::lock_guard lock(mutex_);
        lastStats_ = *m;
        ++statsReceived_;
        statsArrivals_.push_back(Clock::now());
        if (statsArrivals_.size() > 1024) statsArrivals_.pop_front();
    } else if (auto* m = std::get_if<proto::EndpointCommandNotice>(&message)) {
        std::lock_guard lock(mutex_);
        if (endpointCommands_.size() < 16) endpointCommands_.push_back(*m);
    } else if (auto* m = std::get_if<proto::Error>(&message)) {
        std::lock_guard lock(mutex_);
        errorCodes_.emplace_back(proto::toString(m->code));
        lastError_ = std::string(proto::toString(m->code)) + ": " + m->message;
        ++errorsReceived_;
    }
}

void WsParticipant::handleSubscribeOffer(const std::string& sdp, std::int64_t revision) {
    {
        std::lock_guard lock(mutex_);
        if (revision <= revision_) return;  // stale or duplicate offer
    }
    std::string error;
    if (!subscribePeer_) {
        WebRtcPeerOptions peerOptions{.mode = PeerMode::ReceiveAnswering,
                                      .name = "subscribe",
                                      .iceAddress = options_.iceAddress.empty()
                                                        ? iceAddressFor(options_.url)
                                                        : options_.iceAddress,
                                      .dropVideoModulo = options_.dropVideoModulo,
                                      .toneFrequencies = options_.toneFrequencies};
        if (options_.customizeSubscribe) options_.customizeSubscribe(peerOptions);
        auto peer = std::make_unique<WebRtcPeer>(std::move(peerOptions));
        if (!peer->start(&error)) {
            setError("cannot start subscribe PC: " + error);
            return;
        }
        std::lock_guard lock(mutex_);  // remotePeers() reads the pointer from other threads
        subscribePeer_ = std::move(peer);
    }
    const auto deadline = Clock::now() + options_.timeout;
    auto answer = subscribePeer_->answerOffer(sdp, deadline, &error);
    if (!answer) {
        setError("cannot answer subscribe offer " + std::to_string(revision) + ": " + error);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        revision_ = revision;
    }
    send(proto::SubscribeAnswer{*answer, revision, nextRequestId_++}, deadline);
}

RepairStats WsParticipant::subscribeRepairStats() const {
    std::lock_guard lock(mutex_);
    return subscribePeer_ ? subscribePeer_->repairStats() : RepairStats{};
}

std::string WsParticipant::participantId() const {
    std::lock_guard lock(mutex_);
    return participantId_;
}

std::int64_t WsParticipant::subscribeRevision() const {
    std::lock_guard lock(mutex_);
    return revision_;
}

void WsParticipant::queueControl(proto::MeetingControl message) {
    std::lock_guard lock(mutex_);
    outbox_.push_back(std::move(message));
}

void WsParticipant::queuePing() {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::Ping{});
}

WsParticipant::Clock::time_point WsParticipant::lastMessageAt() const {
    std::lock_guard lock(mutex_);
    return lastMessageAt_;
}

std::optional<std::string> WsParticipant::sessionClosedReason() const {
    std::lock_guard lock(mutex_);
    return sessionClosedReason_;
}

std::vector<proto::MeetingEventMessage> WsParticipant::meetingEvents() const {
    std::lock_guard lock(mutex_);
    return meetingEvents_;
}

std::string WsParticipant::publishConnectionState() const {
    std::lock_guard lock(mutex_);
    return publishPeer_ ? publishPeer_->connectionState() : std::string();
}

std::string WsParticipant::subscribeConnectionState() const {
    std::lock_guard lock(mutex_);
    return subscribePeer_ ? subscribePeer_->connectionState() : std::string();
}

std::string WsParticipant::peerPipelineError() const {
    std::lock_guard lock(mutex_);
    std::string e = publishPeer_ ? publishPeer_->pipelineError() : std::string();
    if (e.empty() && subscribePeer_) e = subscribePeer_->pipelineError();
    return e;
}

std::pair<std::uint64_t, std::uint64_t> WsParticipant::publishSentBuffers() const {
    std::lock_guard lock(mutex_);
    if (!publishPeer_) return {0, 0};
    return {publishPeer_->sentVideoBuffers(), publishPeer_->sentAudioBuffers()};
}

bool WsParticipant::injectPublishStall(const std::string& kind) {
    std::lock_guard lock(mutex_);
    return publishPeer_ && publishPeer_->injectSendStall(kind);
}

void WsParticipant::requestPublishStats() {
    std::lock_guard lock(mutex_);
    if (publishPeer_) publishPeer_->requestSendStats();
}

SendLinkReport WsParticipant::publishLinkReport() const {
    std::lock_guard lock(mutex_);
    return publishPeer_ ? publishPeer_->sendLinkReport() : SendLinkReport{};
}

bool WsParticipant::setPublishElementNumber(const std::string& element, const std::string& property,
                                            std::int64_t value) {
    std::lock_guard lock(mutex_);
    return publishPeer_ && publishPeer_->setElementNumber(element, property, value);
}

bool WsParticipant::setPublishElementCaps(const std::string& element, const std::string& caps) {
    std::lock_guard lock(mutex_);
    return publishPeer_ && publishPeer_->setElementCaps(element, caps);
}

void WsParticipant::queueGetStats() {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::GetStats{});
}

void WsParticipant::queueEndpointReport(proto::EndpointReportFields fields) {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::EndpointReport{std::move(fields), std::nullopt});
}

void WsParticipant::queueEndpointCommand(std::string participantId, proto::EndpointAction action) {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::EndpointCommand{std::move(participantId), action, std::nullopt});
}

std::optional<proto::EndpointCommandNotice> WsParticipant::takeEndpointCommand() {
    std::lock_guard lock(mutex_);
    if (endpointCommands_.empty()) return std::nullopt;
    auto c = std::move(endpointCommands_.front());
    endpointCommands_.pop_front();
    return c;
}

void WsParticipant::queueRecording(bool start) {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::RecordingControl{start, std::nullopt});
}

std::vector<std::string> WsParticipant::meetingEventTypes() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> types;
    for (const auto& e : meetingEvents_) types.push_back(e.event);
    return types;
}

void WsParticipant::queueSubscribeStats(std::int64_t intervalMs) {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::SubscribeStats{intervalMs, std::nullopt});
}

void WsParticipant::queueUnsubscribeStats() {
    std::lock_guard lock(mutex_);
    outbox_.push_back(proto::UnsubscribeStats{});
}

std::vector<WsParticipant::Clock::time_point> WsParticipant::statsArrivals() const {
    std::lock_guard lock(mutex_);
    return {statsArrivals_.begin(), statsArrivals_.end()};
}

std::optional<proto::Stats> WsParticipant::lastStats() const {
    std::lock_guard lock(mutex_);
    return lastStats_;
}

int WsParticipant::statsReceived() const {
    std::lock_guard lock(mutex_);
    return statsReceived_;
}

std::optional<proto::MeetingStateMessage> WsParticipant::meetingState() const {
    std::lock_guard lock(mutex_);
    return meetingState_;
}

std::vector<std::string> WsParticipant::errorCodes() const {
    std::lock_guard lock(mutex_);
    return errorCodes_;
}

std::string WsParticipant::lastError() const {
    std::lock_guard lock(mutex_);
    return lastError_;
}

std::vector<RemotePeerReport> WsParticipant::remotePeers() const {
    std::lock_guard lock(mutex_);
    std::vector<IncomingStreamStats> streams;
    if (subscribePeer_) streams = subscribePeer_->incomingStreams();
    std::map<std::string, RemotePeerReport> byId;
    for (const auto& [id, name] : knownNames_) {
        if (participants_.count(id) == 0) continue;  // only those still in the meeting
        byId[id] = RemotePeerReport{.participantId = id, .displayName = name};
    }
    for (const IncomingStreamStats& s : streams) {
        auto it = byId.find(s.msidStream);
        if (it == byId.end()) continue;
        RemotePeerReport& r = it->second;
        r.videoFrames += s.framesDecoded;
        r.videoFramesMatchingName += s.framesMatching(r.displayName);
        if (s.kind == "video" && s.width > 0) {
            r.videoWidth = s.width;
            r.videoHeight = s.height;
        }
        r.audioBuffers += s.audioBuffers;
        r.audioBuffersWithSignal += s.audioBuffersWithSignal;
        r.maxRms = std::max(r.maxRms, s.maxRms);
        for (const auto& [f, n] : s.toneBuffers) r.toneBuffers[f] += n;
        for (const auto& [f, t] : s.toneOnsetUs) r.toneOnsetUs[f] = std::max(r.toneOnsetUs[f], t);
    }
    std::vector<RemotePeerReport> out;
    for (auto& [id, r] : byId) out.push_back(std::move(r));
    return out;
}

bool WsParticipant::verified(std::size_t peers, std::uint64_t frames) const {
    std::size_t good = 0;
    for (const RemotePeerReport& r : remotePeers()) {
        if (r.videoFramesMatchingName >= frames && r.audioBuffersWithSignal > 0) ++good;
    }
    return good >= peers;
}

std::string WsParticipant::summaryJson() const {
    boost::json::object o;
    o["displayName"] = options_.displayName;
    o["participantId"] = participantId();
    o["subscribeRevision"] = subscribeRevision();
    o["lastError"] = lastError();
    boost::json::array peers;
    for (const RemotePeerReport& r : remotePeers()) {
        boost::json::object p;
        p["participantId"] = r.participantId;
        p["displayName"] = r.displayName;
        p["videoFrames"] = r.videoFrames;
        p["videoFramesMatchingName"] = r.videoFramesMatchingName;
        p["audioBuffers"] = r.audioBuffers;
        p["audioBuffersWithSignal"] = r.audioBuffersWithSignal;
        p["maxRms"] = r.maxRms;
        peers.emplace_back(std::move(p));
    }
    o["peers"] = std::move(peers);
    return boost::json::serialize(o);
}

}  // namespace vcb::gstclient
