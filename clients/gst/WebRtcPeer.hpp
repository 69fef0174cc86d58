#pragma once
// One RTCPeerConnection implemented with GStreamer webrtcbin, for the test clients.
//
// Send mode: live videotestsrc (SMPTE bars or a solid colour) → VP8 ~500 kbps and a live sine →
// Opus, on sendonly transceivers; the peer offers. Receive mode: recvonly audio+video
// transceivers (WHEP, the peer offers) or whatever the remote offer contains (WS subscribe PC,
// the peer answers). Every incoming stream is decoded and checked (see IncomingStreamStats).
// No main loop is needed: webrtcbin and the appsinks call back from their own threads, and every
// blocking call takes a deadline.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clients/gst/IncomingStreamStats.hpp"

typedef struct _GstElement GstElement;
typedef struct _GstPad GstPad;
typedef struct _GstBus GstBus;
typedef struct _GstMessage GstMessage;
typedef struct _GstAppSink GstAppSink;
typedef struct _GstEvent GstEvent;

namespace vcb::gstclient {

enum class PeerMode {
    Send,              // sendonly audio+video, offers
    ReceiveOffering,   // recvonly audio+video transceivers, offers (WHEP)
    ReceiveAnswering,  // no transceivers of its own, answers remote offers (WS subscribe PC)
};

struct WebRtcPeerOptions {
    PeerMode mode = PeerMode::Send;
    std::string pattern = "smpte";  // Send mode: "smpte" or a colour of PictureClassifier
    bool audio = true;
    bool video = true;
    int width = 320;
    int height = 240;
    int framerate = 30;
    int videoBitrate = 500000;
    std::string name = "peer";  // used in error messages only
    // If set, ICE gathers host candidates on this address only. libnice never gathers on
    // loopback by itself, so a client of a server on 127.0.0.1 must ask for it.
    std::string iceAddress{};
    // Tests of loss repair (receive modes): drops every incoming decrypted RTP packet of payload
    // type 96 (the VP8 media, not its RTX) whose sequence number is 7 modulo this, before the
    // jitter buffer; 0 drops nothing. A plain retransmission of such a packet has the same
    // number and is dropped again, so only an RTX (RFC 4588) repair gets through.
    int dropVideoModulo = 0;
    // Send mode: the audio carries RFC 6464 ssrc-audio-level (as browsers send it), measured
    // by a `level` element and written by rtpopuspay's header extension. Used by active speaker
    // tests; off by default so other tests keep their exact extension set.
    bool audioLevel = false;
    // Send mode: a second video stream, the "shared screen", of this solid colour (after the
    // camera's, so its m-section is the offer's second video one); empty: none.
    std::string screenPattern{};

    // Room endpoint (clients/room): its own devices and encoder instead of the test sources.
    // Send mode: gst-launch fragments for raw video (replaces the test pattern), raw audio
    // (replaces the sine), raw video → RTP caps (replaces VP8), and a raw-audio filter put before
    // the Opus encoder (echo cancellation). Empty: the defaults above.
    std::string videoSource{};
    std::string audioSource{};
    std::string videoEncoder{};
    std::string audioFilter{};
    // Appended to the launch line (elements the decodedSink links to).
    std::string extraDescription{};
    // Receive modes: when set, each decoded stream's pad goes to this instead of the checking
    // appsinks (no IncomingStreamStats frames are counted then). Called on a streaming thread
    // with the pipeline, the pad, "audio"/"video" and the stream's msid (participant id).
    std::function<void(GstElement* pipeline, GstPad* decoded, const std::string& kind,
                       const std::string& msidStream)>
        decodedSink{};
    // Send mode: the frequency of the sine published as audio (tests tell voices apart by it).
    int audioFrequency = 440;
    // RTCP bandwidth of each RTP session for receivers and for senders (bit/s; rtpsession's
    // rtcp-rr-bandwidth / rtcp-rs-bandwidth). 40000: a report every ≈ 15–20 ms per session, so
    // NACKs and key-frame requests leave at once (see onDeepElementAdded). That is up to 40 kbit/s
    // per stream: a client on a thin uplink (a hall) sets less.
    int rtcpBandwidth = 40000;
    // Send mode with audioSource: opusenc's bitrate (bit/s; 0: its default, 64000).
    int audioBitrate = 0;
    // Send mode: how old a sent packet may be and still be resent on a NACK (ms; rtprtxsend's
    // max-size-time; 0: GStreamer's default, the last 100 packets whatever their age).
    int rtxHistoryMs = 0;
    // Send mode with videoSource (room endpoint): key-frame requests (PLI/FIR, as upstream
    // force-key-unit events) that reach the encoder sooner than this after the previous one are
    // dropped (ms; 0: none dropped). On a congested link every lost packet makes the viewers ask
    // for a key frame, each key frame is several times a frame's size, and the requests alone
    // can fill the link.
    int minKeyFrameIntervalMs = 0;
    // Receive modes: each decoded audio buffer is searched for these frequencies (Goertzel):
    // IncomingStreamStats::toneBuffers / toneOnsetUs.
    std::vector<int> toneFrequencies{};
};

// What the receive side's RTP machinery saw of loss repair (sums over all streams).
struct RepairStats {
    uint64_t dropped = 0;       // packets dropped by dropVideoModulo
    uint64_t rtxPackets = 0;    // rtprtxreceive: RTX packets received
    uint64_t rtxRecovered = 0;  // rtprtxreceive: RTX packets turned back into the original
    uint64_t jitterLost = 0;    // rtpjitterbuffer: packets given up as lost
};

// What the far end says of the streams this peer sends: webrtcbin's remote-inbound-rtp
// statistics, i.e. the RTCP receiver reports it got (RFC 3550 §6.4.2).
struct SendLinkReport {
    std::uint64_t answers = 0;  // get-stats answers received so far
    int streams = 0;            // sent streams with a receiver report in the last answer
    double fractionLost = 0;    // the largest over those streams, 0..1
    double roundTripS = 0;      // the largest over those streams, 0 when not measured
    std::uint64_t bytesSent = 0;  // RTP payload bytes sent, all streams (outbound-rtp)
};

// A viewer's key-frame request (upstream force-key-unit event, as rtpvp8depay sends it) with
// all-headers cleared, so that rtpsession sends an RTCP PLI, as browsers do, and not a FIR (Janus
// 1.1.2 ignores webrtcbin's FIRs). Takes ownership of `event`; anything else comes back unchanged.
GstEvent* keyUnitRequestAsPli(GstEvent* event);

// The amplitude of `frequency` in the samples (Goertzel; a full-period sine of amplitude A gives
// about A, other frequencies far less).
double goertzelAmplitude(const float* samples, std::size_t count, double frequency,
                         double sampleRate);

// The host of an http(s)/ws URL when it is an IPv4 loopback literal (127.x.x.x: libnice does not
// gather there by itself, so iceAddress must name it), else "" (gather on every interface). A
// server elsewhere is not an address of this machine: binding ICE to it would gather nothing.
std::string iceAddressFor(const std::string& url);

class WebRtcPeer {
  public:
    using Clock = std::chrono::steady_clock;

    explicit WebRtcPeer(WebRtcPeerOptions options);
    ~WebRtcPeer();
    WebRtcPeer(const WebRtcPeer&) = delete;
    WebRtcPeer& operator=(const WebRtcPeer&) = delete;

    // Builds the pipeline and sets it PLAYING. Returns false with *error on failure.
    bool start(std::string* error);
    // Tears the pipeline down; idempotent. Stats stay readable.
    void stop();

    // Offerer side: create offer, set it locally, wait (until deadline) for ICE gathering and
    // return the local SDP including candidates.
    std::optional<std::string> createOffer(Clock::time_point deadline, std::string* error);
    bool setRemoteAnswer(const std::string& sdp, Clock::time_point deadline, std::string* error);
    // Answerer side (also for renegotiation on an existing connection).
    std::optional<std::string> answerOffer(const std::string& sdp, Clock::time_point deadline,
                                           std::string* error);

    // "new", "checking", "connected", "completed", "failed", "disconnected", "closed"
    std::string iceConnectionState() const;
    // "new", "connecting", "connected", "disconnected", "failed", "closed"
    std::string connectionState() const;
    bool waitForConnectionState(const std::string& state, Clock::time_point deadline) const;
    // First pipeline error message, empty if none.
    std::string pipelineError() const;

    // Send mode with screenPattern: the screen's transceiver stops sending (direction inactive,
    // as a browser's removeTrack leaves it); the next createOffer renegotiates that.
    bool stopScreen(std::string* error);

    std::vector<IncomingStreamStats> incomingStreams() const;
    RepairStats repairStats() const;

    // Send mode with videoSource / audioSource (room endpoint): buffers that left the video /
    // audio encoder's payloader towards webrtcbin so far (thread-safe).
    uint64_t sentVideoBuffers() const { return sentVideo_.load(); }
    uint64_t sentAudioBuffers() const { return sentAudio_.load(); }
    // minKeyFrameIntervalMs: key-frame requests passed to the encoder / dropped so far.
    uint64_t keyFrameRequestsPassed() const { return keyFrameRequestsPassed_.load(); }
    uint64_t keyFrameRequestsDropped() const { return keyFrameRequestsDropped_.load(); }
    // Fault injection for tests: the "video" or "audio" send stream stops, without an error.
    // false if the pipeline has no such counted stream.
    bool injectSendStall(const std::string& kind);

    // Asks webrtcbin for its statistics without waiting; sendLinkReport() has the answer once it
    // arrived (on webrtcbin's thread). Nothing happens before start() or after stop().
    void requestSendStats();
    SendLinkReport sendLinkReport() const;
    // Sets a numeric property of the pipeline's element `element` (by name) while it plays, e.g.
    // an encoder's bitrate; the value is converted to the property's integer type. false when
    // there is no such element or property, or the value is out of the property's range.
    bool setElementNumber(const std::string& element, const std::string& property,
                          std::int64_t value);
    // Sets the caps of the pipeline's capsfilter `element` (by name) while it plays, e.g. the
    // size the camera is scaled to before its encoder. false when there is no such element or the
    // caps do not parse.
    bool setElementCaps(const std::string& element, const std::string& caps);

  private:
    struct StreamSink;

    bool buildPipeline(std::string* error);
    bool addRecvTransceivers(std::string* error);
    bool setDescription(const char* signal, int sdpType, const std::string& sdp,
                        Clock::time_point deadline, std::string* error);
    std::optional<std::string> localDescriptionAfterGathering(Clock::time_point deadline,
                                                              std::string* error);
    void refreshMsids();
    bool sendCapsKnown() const;
    void waitForSendCaps(Clock::time_point deadline) const;

    static void onPadAdded(GstElement* element, GstPad* pad, void* self);
    static void onNewTransceiver(GstElement* webrtc, void* transceiver, void*);
    static void onDecodedPad(GstElement* decodebin, GstPad* pad, void* sink);
    static void onDeepElementAdded(GstElement* bin, GstElement* subBin, GstElement* element,
                                   void* self);
    static void onStateNotify(GstElement* webrtc, void* pspec, void* self);
    static int onIncomingRtp(GstPad* pad, void* info, void* self);
    static int onUpstreamVideoEvent(GstPad* pad, void* info, void* self);
    static int onBusMessage(GstBus* bus, GstMessage* message, void* self);
    static int onVideoSample(GstAppSink* appsink, void* sink);
    static int onAudioSample(GstAppSink* appsink, void* sink);

    void handleIncomingPad(GstPad* pad);
    void handleDecodedPad(StreamSink* sink, GstPad* pad);
    void updateStates();

    const WebRtcPeerOptions options_;
    GstElement* pipeline_ = nullptr;
    GstElement* webrtc_ = nullptr;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::string iceGatheringState_ = "new";
    std::string iceConnectionState_ = "new";
    std::string connectionState_ = "new";
    std::string pipelineError_;
    std::string remoteSdp_;
    std::map<std::string, IncomingStreamStats> streams_;  // by mid (or pad name)
    std::vector<std::unique_ptr<StreamSink>> sinks_;
    std::atomic<uint64_t> droppedByTest_{0};
    std::atomic<uint64_t> sentVideo_{0}, sentAudio_{0};
    std::atomic<std::int64_t> lastKeyFrameRequestUs_{0};
    std::atomic<uint64_t> keyFrameRequestsPassed_{0}, keyFrameRequestsDropped_{0};
    // Shared with the get-stats promises still in flight (they may answer after stop()).
    struct SendStatsBox {
        std::mutex mutex;
        SendLinkReport report;
    };
    std::shared_ptr<SendStatsBox> sendStats_ = std::make_shared<SendStatsBox>();
};

}  // namespace vcb::gstclient
