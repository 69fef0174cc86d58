#pragma once
// Full WebSocket client of docs/protocol.md: join, publish (send-mode WebRtcPeer, we offer),
// answer the server's subscribe offers (receive-mode WebRtcPeer, renegotiated in place when an
// offer with a higher revision arrives), and map incoming streams to participants by msid.
//
// Single-threaded: the owner drives everything by calling connect()/publish()/runUntil() from
// one thread; each call is bounded by a deadline. Getters may be called from other threads.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clients/gst/WebRtcPeer.hpp"
#include "protocol/ClientMessages.hpp"
#include "protocol/Participant.hpp"
#include "protocol/ServerMessages.hpp"

namespace vcb::gstclient {

struct WsParticipantOptions {
    std::string url{};     // ws://host:port/ws or wss://host:port/ws (TLS, verified: ClientTls.hpp)
    std::string caFile{};  // wss: PEM CA certificates to trust; empty: the system's store
    std::string meeting{};
    std::string displayName{};
    std::string pattern{};  // colour/picture to publish; empty: publish() is refused
    std::optional<std::string> token{};
    bool autoSubscribe = true;
    bool trace = false;  // print every frame sent and received on stderr
    std::chrono::milliseconds timeout = std::chrono::seconds(10);  // per request
    int dropVideoModulo = 0;  // subscribe PC: WebRtcPeerOptions::dropVideoModulo (loss tests)
    std::optional<std::string> unit{};  // auth: dev: the unit and role the join speaks for
    std::optional<std::string> role{};
    bool audioLevel = false;  // publish PC: WebRtcPeerOptions::audioLevel (active speaker tests)
    // publish PC: also share a "screen" of this solid colour (WebRtcPeerOptions::screenPattern),
    // named in `publish` as screenMid; empty: no screen.
    std::string screenPattern{};
    // The local address ICE uses; empty: the server's, when the URL names an IPv4 address (the
    // tests run client and server on one host). Set it for a client in another network namespace.
    std::string iceAddress{};
    // Room endpoint (clients/room): adjusts the options of the publish / subscribe PC before it
    // is built (devices, encoder, where decoded streams go).
    std::function<void(WebRtcPeerOptions&)> customizePublish{};
    std::function<void(WebRtcPeerOptions&)> customizeSubscribe{};
    int audioFrequency = 440;              // publish PC: WebRtcPeerOptions::audioFrequency
    std::vector<int> toneFrequencies{};    // subscribe PC: WebRtcPeerOptions::toneFrequencies
};

// What this participant decoded from one remote participant.
struct RemotePeerReport {
    std::string participantId;
    std::string displayName{};
    std::uint64_t videoFrames = 0;
    std::uint64_t videoFramesMatchingName = 0;  // pictures equal to the displayName ("red")
    int videoWidth = 0, videoHeight = 0;        // of the last decoded frame
    std::uint64_t audioBuffers = 0;
    std::uint64_t audioBuffersWithSignal = 0;
    double maxRms = 0.0;
    std::map<int, std::uint64_t> toneBuffers{};  // WsParticipantOptions::toneFrequencies
    std::map<int, std::int64_t> toneOnsetUs{};
};

class WsParticipant {
  public:
    using Clock = std::chrono::steady_clock;

    explicit WsParticipant(WsParticipantOptions options);
    ~WsParticipant();  // close() then stop the peers
    WsParticipant(const WsParticipant&) = delete;
    WsParticipant& operator=(const WsParticipant&) = delete;

    // TCP (+ TLS) + WebSocket handshake, `join`, wait for `joined`.
    bool connect(std::string* error);
    // Starts the publish PC, sends `publish`, applies the `answer`.
    bool publish(std::string* error);
    // Stops sharing the screen the way a browser does: its m-section set inactive, re-offered
    // in a new `publish` that still names it as screenMid; waits for the answer.
    bool stopScreen(std::string* error);
    // Handles server messages until done() is true (→ true) or the deadline passes or the
    // connection closes (→ false).
    bool runUntil(const std::function<bool()>& done, Clock::time_point deadline);
    // Government meetings: queues a floor command from any thread; the owner thread sends it
    // during runUntil().
    void queueControl(protocol::MeetingControl message);
    // Queues a `getStats` (technician panel); the answer is kept as lastStats().
    void queueGetStats();
    // Queues a `startRecording` (true) or `stopRecording`.
    void queueRecording(bool start);
    // Types of the `meetingEvent`s received so far (the first 10000), in order (thread-safe).
    std::vector<std::string> meetingEventTypes() const;
    std::optional<protocol::Stats> lastStats() const;
    int statsReceived() const;
    // Queues `subscribeStats {intervalMs}` / `unsubscribeStats`; every `stats` that arrives counts
    // in statsReceived() and its arrival time in statsArrivals() (the latest 1024).
    void queueSubscribeStats(std::int64_t intervalMs);
    void queueUnsubscribeStats();
    std::vector<Clock::time_point> statsArrivals() const;
    // Hall endpoints: queues an `endpointReport` (vcb-room) / a technician's `endpointCommand`.
    void queueEndpointReport(protocol::EndpointReportFields fields);
    void queueEndpointCommand(std::string participantId, protocol::EndpointAction action);
    // The oldest `endpointCommand` received and not yet taken (at most 16 kept; thread-safe).
    std::optional<protocol::EndpointCommandNotice> takeEndpointCommand();
    // The last `meetingState` received, if any (thread-safe).
    std::optional<protocol::MeetingStateMessage> meetingState() const;
    // Codes of every `error` received so far, in order (thread-safe).
    std::vector<std::string> errorCodes() const;
    // Sends `leave` and closes the WebSocket (bounded); idempotent.
    void close();
    // Queues a `ping` (sent during runUntil(); the `pong` counts as a message received).
    void queuePing();
    // The WebSocket is open (not closed by either side nor failed).
    bool isOpen() const { return open_; }
    // When the last server message arrived (connect() counts as one).
    Clock::time_point lastMessageAt() const;
    // The reason of a `sessionClosed` received, if any.
    std::optional<std::string> sessionClosedReason() const;
    // Every `meetingEvent` received, in order (thread-safe).
    std::vector<protocol::MeetingEventMessage> meetingEvents() const;
    // Connection state of the publish / subscribe PC ("" before it exists).
    std::string publishConnectionState() const;
    std::string subscribeConnectionState() const;
    // First pipeline error of either PC, "" if none.
    std::string peerPipelineError() const;
    // Publish PC with its own devices (WebRtcPeer::sentVideoBuffers): buffers sent so far, as
    // {video, audio}; zeros before it exists.
    std::pair<std::uint64_t, std::uint64_t> publishSentBuffers() const;
    // Fault injection for tests: WebRtcPeer::injectSendStall on the publish PC.
    bool injectPublishStall(const std::string& kind);
    // The publish PC's WebRtcPeer::requestSendStats / sendLinkReport / setElementNumber (no-ops,
    // an empty report and false before it exists).
    void requestPublishStats();
    SendLinkReport publishLinkReport() const;
    bool setPublishElementNumber(const std::string& element, const std::string& property,
                                 std::int64_t value);
    bool setPublishElementCaps(const std::string& element, const std::string& caps);

    std::string participantId() const;
    std::int64_t subscribeRevision() const;
    std::string lastError() const;  // last `error` from the server or transport failure
    std::vector<RemotePeerReport> remotePeers() const;
    // True when `peers` remote participants each delivered ≥ frames frames of the colour named
    // by their displayName and audible audio.
    bool verified(std::size_t peers, std::uint64_t frames) const;
    // Loss repair seen by the subscribe PC (zeros before it exists).
    RepairStats subscribeRepairStats() const;
    // JSON object describing this participant and remotePeers().
    std::string summaryJson() const;

  private:
    bool send(const protocol::ClientMessage& message, Clock::time_point deadline);
    // Offers the publish PC's current state and waits for the answer.
    bool offerPublish(Clock::time_point deadline, std::string* error);
    void startRead();
    void pumpOnce(Clock::duration budget);
    void processInbox();
    void handleFrame(const std::string& text);
    void handleSubscribeOffer(const std::string& sdp, std::int64_t revision);
    void setError(std::string error);

    const WsParticipantOptions options_;
    boost::asio::io_context ioc_;
    struct Connection;                // the WebSocket over TCP or over TLS (WsParticipant.cpp)
    std::unique_ptr<Connection> ws_;  // made by connect()
    boost::beast::flat_buffer readBuffer_;
    std::deque<std::string> inbox_;
    bool open_ = false;
    bool reading_ = false;
    std::int64_t nextRequestId_ = 1;

    std::unique_ptr<WebRtcPeer> publishPeer_;
    std::unique_ptr<WebRtcPeer> subscribePeer_;

    mutable std::mutex mutex_;  // guards the fields below
    std::string participantId_;
    bool joined_ = false;
    bool publishAnswered_ = false;
    std::int64_t revision_ = -1;
    std::map<std::string, protocol::Participant> participants_;  // others, by id
    std::map<std::string, std::string> knownNames_;              // id → displayName, never pruned
    std::string lastError_;
    std::uint64_t errorsReceived_ = 0;
    std::vector<protocol::ClientMessage> outbox_;
    std::optional<protocol::Stats> lastStats_;
    int statsReceived_ = 0;
    std::deque<Clock::time_point> statsArrivals_;
    std::optional<protocol::MeetingStateMessage> meetingState_;
    std::vector<std::string> errorCodes_;
    Clock::time_point lastMessageAt_{};
    std::optional<std::string> sessionClosedReason_;
    std::vector<protocol::MeetingEventMessage> meetingEvents_;
    std::deque<protocol::EndpointCommandNotice> endpointCommands_;
};

}  // namespace vcb::gstclient
