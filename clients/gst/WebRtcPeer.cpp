#include "clients/gst/WebRtcPeer.hpp"

#include <arpa/inet.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#include <nice/agent.h>

#include "clients/gst/Url.hpp"
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <thread>

#include "clients/gst/GstRuntime.hpp"
#include "clients/gst/PictureClassifier.hpp"
#include "clients/gst/SdpUtil.hpp"

namespace vcb::gstclient {

struct WebRtcPeer::StreamSink {
    WebRtcPeer* peer;
    std::string key;
};

namespace {

constexpr auto kMaxGatheringWait = std::chrono::seconds(3);
constexpr auto kMaxCapsWait = std::chrono::seconds(3);

// Waits for a GstPromise with a deadline (gst_promise_wait() has none).
struct PromiseWait {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
};

class BoundedPromise {
  public:
    BoundedPromise() : state_(std::make_shared<PromiseWait>()) {
        auto* holder = new std::shared_ptr<PromiseWait>(state_);
        promise_ = gst_promise_new_with_change_func(
            [](GstPromise*, gpointer data) {
                auto& s = *static_cast<std::shared_ptr<PromiseWait>*>(data);
                std::lock_guard lock(s->mutex);
                s->done = true;
                s->cv.notify_all();
            },
            holder, [](gpointer data) { delete static_cast<std::shared_ptr<PromiseWait>*>(data); });
    }
    ~BoundedPromise() { gst_promise_unref(promise_); }
    BoundedPromise(const BoundedPromise&) = delete;
    BoundedPromise& operator=(const BoundedPromise&) = delete;

    GstPromise* get() const { return promise_; }

    // The reply (owned by the promise; may be null) once replied, or false on timeout/interrupt.
    bool wait(WebRtcPeer::Clock::time_point deadline, const GstStructure** reply,
              std::string* error) {
        std::unique_lock lock(state_->mutex);
        if (!state_->cv.wait_until(lock, deadline, [&] { return state_->done; })) {
            lock.unlock();
            gst_promise_interrupt(promise_);
            if (error) *error = "timed out waiting for webrtcbin";
            return false;
        }
        lock.unlock();
        if (gst_promise_wait(promise_) != GST_PROMISE_RESULT_REPLIED) {
            if (error) *error = "webrtcbin promise was not replied";
            return false;
        }
        *reply = gst_promise_get_reply(promise_);
        if (*reply && gst_structure_has_field(*reply, "error")) {
            GError* gerror = nullptr;
            gst_structure_get(*reply, "error", G_TYPE_ERROR, &gerror, nullptr);
            if (error) *error = gerror ? gerror->message : "webrtcbin error";
            if (gerror) g_error_free(gerror);
            return false;
        }
        return true;
    }

  private:
    std::shared_ptr<PromiseWait> state_;
    GstPromise* promise_ = nullptr;
};

const char* iceConnectionName(GstWebRTCICEConnectionState s) {
    switch (s) {
        case GST_WEBRTC_ICE_CONNECTION_STATE_NEW:
            return "new";
        case GST_WEBRTC_ICE_CONNECTION_STATE_CHECKING:
            return "checking";
        case GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED:
            return "connected";
        case GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED:
            return "completed";
        case GST_WEBRTC_ICE_CONNECTION_STATE_FAILED:
            return "failed";
        case GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED:
            return "disconnected";
        case GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED:
            return "closed";
    }
    return "unknown";
}

const char* peerConnectionName(GstWebRTCPeerConnectionState s) {
    switch (s) {
        case GST_WEBRTC_PEER_CONNECTION_STATE_NEW:
            return "new";
        case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTING:
            return "connecting";
        case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED:
            return "connected";
        case GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED:
            return "disconnected";
        case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED:
            return "failed";
        case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED:
            return "closed";
    }
    return "unknown";
}

const char* gatheringName(GstWebRTCICEGatheringState s) {
    switch (s) {
        case GST_WEBRTC_ICE_GATHERING_STATE_NEW:
            return "new";
        case GST_WEBRTC_ICE_GATHERING_STATE_GATHERING:
            return "gathering";
        case GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE:
            return "complete";
    }
    return "unknown";
}

std::int64_t steadyMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool hasProperty(gpointer object, const char* name) {
    return g_object_class_find_property(G_OBJECT_GET_CLASS(object), name) != nullptr;
}

constexpr const char* kVp8Caps =
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000";
constexpr const char* kOpusCaps =
    "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000,"
    "encoding-params=(string)2";

GstPadProbeReturn askWithPli(GstPad*, GstPadProbeInfo* info, gpointer) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (event) GST_PAD_PROBE_INFO_DATA(info) = keyUnitRequestAsPli(event);
    return GST_PAD_PROBE_OK;
}

}  // namespace

GstEvent* keyUnitRequestAsPli(GstEvent* event) {
    GstClockTime runningTime = GST_CLOCK_TIME_NONE;
    gboolean allHeaders = FALSE;
    guint count = 0;
    if (GST_EVENT_TYPE(event) != GST_EVENT_CUSTOM_UPSTREAM ||
        !gst_video_event_is_force_key_unit(event) ||
        !gst_video_event_parse_upstream_force_key_unit(event, &runningTime, &allHeaders, &count) ||
        !allHeaders) {
        return event;
    }
    gst_event_unref(event);
    return gst_video_event_new_upstream_force_key_unit(runningTime, FALSE, count);
}

WebRtcPeer::WebRtcPeer(WebRtcPeerOptions options) : options_(std::move(options)) {
    ensureGstInitialized();
}

WebRtcPeer::~WebRtcPeer() { stop(); }

bool WebRtcPeer::start(std::string* error) {
    if (pipeline_) return true;
    if (!buildPipeline(error)) {
        stop();
        return false;
    }
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        if (error) *error = options_.name + ": pipeline refused to play";
        stop();
        return false;
    }
    return true;
}

void WebRtcPeer::stop() {
    if (!pipeline_) return;
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    g_signal_handlers_disconnect_by_data(pipeline_, this);
    if (webrtc_) g_signal_handlers_disconnect_by_data(webrtc_, this);
    if (GstBus* bus = gst_element_get_bus(pipeline_)) {
        gst_bus_set_sync_handler(bus, nullptr, nullptr, nullptr);
        gst_object_unref(bus);
    }
    if (webrtc_) gst_object_unref(webrtc_);
    gst_object_unref(pipeline_);
    webrtc_ = nullptr;
    pipeline_ = nullptr;
    std::lock_guard lock(mutex_);
    connectionState_ = "closed";
    iceConnectionState_ = "closed";
    changed_.notify_all();
}

bool WebRtcPeer::buildPipeline(std::string* error) {
    // Receive jitter buffers wait 200 ms: with NACK, rtpjitterbuffer retries every 40 ms until
    // 40 ms before the deadline, so 100 ms left room for one or two requests per lost packet and
    // none for a packet the SFU itself is still getting repaired from the publisher; under 10 %
    // loss that gave a lost frame (and a key-frame request) every second or so. Browsers'
    // jitter buffers grow likewise while they wait for retransmissions.
    std::string desc = "webrtcbin name=webrtc bundle-policy=max-bundle latency=200";
    if (options_.mode == PeerMode::Send) {
        if (options_.video && !options_.videoSource.empty()) {
            desc += " " + options_.videoSource + " ! queue max-size-buffers=3 leaky=downstream ! " +
                    (options_.videoEncoder.empty()
                         ? "videoconvert ! vp8enc deadline=1 cpu-used=4 target-bitrate=" +
                               std::to_string(options_.videoBitrate) +
                               " keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200"
                               " picture-id-mode=15-bit ! " +
                               std::string(kVp8Caps)
                         : options_.videoEncoder) +
                    " ! identity name=sentvideo silent=true ! webrtc.";
        }
        for (const std::string* pattern : {&options_.pattern, &options_.screenPattern}) {
            if (!options_.video || pattern->empty()) continue;
            // A device (room endpoint) instead of the camera's test pattern.
            if (pattern == &options_.pattern && !options_.videoSource.empty()) continue;
            if (pattern == &options_.screenPattern && !solidColourArgb(*pattern)) {
                if (error) *error = "unknown screen colour '" + *pattern + "'";
                return false;
            }
            std::string source;
            if (*pattern == "smpte") {
                source = "videotestsrc is-live=true pattern=smpte";
            } else if (auto argb = solidColourArgb(*pattern)) {
                source = "videotestsrc is-live=true pattern=solid-color foreground-color=" +
                         std::to_string(*argb);
            } else {
                if (error) *error = "unknown picture pattern '" + *pattern + "'";
                return false;
            }
            desc += " " + source + " ! video/x-raw,width=" + std::to_string(options_.width) +
                    ",height=" + std::to_string(options_.height) +
                    ",framerate=" + std::to_string(options_.framerate) +
                    "/1 ! videoconvert ! queue max-size-buffers=3 leaky=downstream"
                    " ! vp8enc deadline=1 cpu-used=4 target-bitrate=" +
                    std::to_string(options_.videoBitrate) +
                    " keyframe-max-dist=60 ! rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ! " +
                    kVp8Caps + " ! webrtc.";
        }
        if (options_.audio && options_.audioLevel) {
            // level puts a GstAudioLevelMeta on each buffer; the extmap field of the caps makes
            // rtpopuspay (auto-header-extension) write it as the header extension, and webrtcbin
            // offer it as a=extmap.
            desc += std::string(
                " audiotestsrc is-live=true wave=sine freq=" +
                std::to_string(options_.audioFrequency) +
                " volume=0.3"
                " ! audioconvert ! audioresample ! level audio-level-meta=true post-messages=false"
                " ! queue ! opusenc ! rtpopuspay pt=111 mtu=1200"
                " ! capsfilter name=audiolevelcaps ! webrtc.");
        } else if (options_.audio && !options_.audioSource.empty()) {
            desc += " " + options_.audioSource + " ! audioconvert ! audioresample ! " +
                    (options_.audioFilter.empty() ? "" : options_.audioFilter + " ! ") +
                    "queue ! opusenc" +
                    (options_.audioBitrate > 0 ? " bitrate=" + std::to_string(options_.audioBitrate)
                                               : std::string()) +
                    " ! rtpopuspay pt=111 mtu=1200 ! " + kOpusCaps +
                    " ! identity name=sentaudio silent=true ! webrtc.";
        } else if (options_.audio) {
            desc += std::string(" audiotestsrc is-live=true wave=sine freq=" +
                                std::to_string(options_.audioFrequency) +
                                " volume=0.3"
                                " ! audioconvert ! audioresample ! queue ! opusenc"
                                " ! rtpopuspay pt=111 mtu=1200 ! ") +
                    kOpusCaps + " ! webrtc.";
        }
    }
    if (!options_.extraDescription.empty()) desc += " " + options_.extraDescription;
    GError* gerror = nullptr;
    pipeline_ = gst_parse_launch(desc.c_str(), &gerror);
    if (!pipeline_ || gerror) {
        if (error) *error = "cannot build pipeline: " + std::string(gerror ? gerror->message : "?");
        if (gerror) g_error_free(gerror);
        return false;
    }
    if (!GST_IS_PIPELINE(pipeline_)) {
        // A description with a single element yields that element, not a pipeline.
        GstElement* pipeline = gst_pipeline_new(nullptr);
        gst_bin_add(GST_BIN(pipeline), pipeline_);
        pipeline_ = pipeline;
    }
    trackPipeline(pipeline_);
    if (GstElement* levelCaps = gst_bin_get_by_name(GST_BIN(pipeline_), "audiolevelcaps")) {
        // Set here, not in the launch line: the extension's caps value is an array (direction,
        // uri, attributes), as rtpopuspay writes it back, or negotiation fails.
        GstCaps* caps = gst_caps_from_string(
            (std::string(kOpusCaps) +
             ",extmap-1=(string)<\"\",\"urn:ietf:params:rtp-hdrext:ssrc-audio-level\",\"vad=on\">")
                .c_str());
        g_object_set(levelCaps, "caps", caps, nullptr);
        if (caps) gst_caps_unref(caps);
        gst_object_unref(levelCaps);
    }
    // The room endpoint's own devices: what leaves their encoders is counted
    // (sentVideoBuffers), so that a pipeline that stops without an error can be told from one
    // that runs.
    for (auto [name, counter] : {std::pair{"sentvideo", &sentVideo_}, {"sentaudio", &sentAudio_}}) {
        GstElement* identity = gst_bin_get_by_name(GST_BIN(pipeline_), name);
        if (!identity) continue;
        GstPad* src = gst_element_get_static_pad(identity, "src");
        gst_pad_add_probe(
            src,
            static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                         GST_PAD_PROBE_TYPE_BUFFER_LIST),
            [](GstPad*, GstPadProbeInfo*, gpointer counter) {
                static_cast<std::atomic<uint64_t>*>(counter)->fetch_add(1,
                                                                        std::memory_order_relaxed);
                return GST_PAD_PROBE_OK;
            },
            counter, nullptr);
        gst_object_unref(src);
        gst_object_unref(identity);
    }
    if (options_.minKeyFrameIntervalMs > 0) {
        if (GstElement* identity = gst_bin_get_by_name(GST_BIN(pipeline_), "sentvideo")) {
            GstPad* src = gst_element_get_static_pad(identity, "src");
            gst_pad_add_probe(
                src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
                [](GstPad* pad, GstPadProbeInfo* info, gpointer self) {
                    return static_cast<GstPadProbeReturn>(
                        WebRtcPeer::onUpstreamVideoEvent(pad, info, self));
                },
                this, nullptr);
            gst_object_unref(src);
            gst_object_unref(identity);
        }
    }
    webrtc_ = gst_bin_get_by_name(GST_BIN(pipeline_), "webrtc");
    if (!webrtc_) {
        if (error) *error = "pipeline has no webrtcbin";
        return false;
    }
    if (!options_.iceAddress.empty()) {
        GObject* ice = nullptr;
        g_object_get(webrtc_, "ice-agent", &ice, nullptr);
        NiceAgent* agent = nullptr;
        if (ice != nullptr &&
            g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent") != nullptr) {
            g_object_get(ice, "agent", &agent, nullptr);
        }
        NiceAddress addr;
        nice_address_init(&addr);
        bool added = agent != nullptr &&
                     nice_address_set_from_string(&addr, options_.iceAddress.c_str()) &&
                     nice_agent_add_local_address(agent, &addr);
        if (agent != nullptr) g_object_unref(agent);
        if (ice != nullptr) g_object_unref(ice);
        if (!added) {
            if (error) *error = "cannot use ICE address " + options_.iceAddress;
            return false;
        }
    }
    GstBus* bus = gst_element_get_bus(pipeline_);
    gst_bus_set_sync_handler(bus, reinterpret_cast<GstBusSyncHandler>(&WebRtcPeer::onBusMessage),
                             this, nullptr);
    gst_object_unref(bus);

    g_signal_connect(webrtc_, "pad-added", G_CALLBACK(&WebRtcPeer::onPadAdded), this);
    g_signal_connect(webrtc_, "notify::ice-gathering-state", G_CALLBACK(&WebRtcPeer::onStateNotify),
                     this);
    g_signal_connect(webrtc_, "notify::ice-connection-state",
                     G_CALLBACK(&WebRtcPeer::onStateNotify), this);
    g_signal_connect(webrtc_, "notify::connection-state", G_CALLBACK(&WebRtcPeer::onStateNotify),
                     this);
    g_signal_connect(pipeline_, "deep-element-added", G_CALLBACK(&WebRtcPeer::onDeepElementAdded),
                     this);

    if (options_.mode == PeerMode::Send) {
        GArray* transceivers = nullptr;
        g_signal_emit_by_name(webrtc_, "get-transceivers", &transceivers);
        if (!transceivers || transceivers->len == 0) {
            if (error) *error = "webrtcbin has no send transceivers";
            if (transceivers) g_array_unref(transceivers);
            return false;
        }
        for (guint i = 0; i < transceivers->len; ++i) {
            auto* t = g_array_index(transceivers, GstWebRTCRTPTransceiver*, i);
            g_object_set(t, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY, nullptr);
            if (hasProperty(t, "do-nack")) g_object_set(t, "do-nack", TRUE, nullptr);
        }
        g_array_unref(transceivers);
    } else if (options_.mode == PeerMode::ReceiveOffering) {
        return addRecvTransceivers(error);
    } else {
        // Transceivers made from the SFU's offer have do-nack off: the WebSocket subscriber sent
        // no NACK at all, and every loss cost a key frame. A browser NACKs what the offer allows.
        g_signal_connect(webrtc_, "on-new-transceiver", G_CALLBACK(&WebRtcPeer::onNewTransceiver),
                         this);
    }
    return true;
}

int WebRtcPeer::onUpstreamVideoEvent(GstPad*, void* info, void* self) {
    auto* peer = static_cast<WebRtcPeer*>(self);
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(static_cast<GstPadProbeInfo*>(info));
    if (!event || !gst_video_event_is_force_key_unit(event)) return GST_PAD_PROBE_OK;
    const std::int64_t now = steadyMicros();
    const std::int64_t last = peer->lastKeyFrameRequestUs_.load();
    if (last != 0 && now - last < std::int64_t{peer->options_.minKeyFrameIntervalMs} * 1000) {
        peer->keyFrameRequestsDropped_.fetch_add(1, std::memory_order_relaxed);
        return GST_PAD_PROBE_DROP;
    }
    peer->lastKeyFrameRequestUs_.store(now);
    peer->keyFrameRequestsPassed_.fetch_add(1, std::memory_order_relaxed);
    return GST_PAD_PROBE_OK;
}

bool WebRtcPeer::injectSendStall(const std::string& kind) {
    if (!pipeline_) return false;
    GstElement* identity =
        gst_bin_get_by_name(GST_BIN(pipeline_), kind == "audio" ? "sentaudio" : "sentvideo");
    if (!identity) return false;
    // Blocks the stream's thread on its next buffer, with no error (a driver or an encoder that
    // hangs); released when the pipeline stops (the pad flushes).
    GstPad* sink = gst_element_get_static_pad(identity, "sink");
    gst_pad_add_probe(
        sink, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_OK; }, nullptr, nullptr);
    gst_object_unref(sink);
    gst_object_unref(identity);
    return true;
}

void WebRtcPeer::requestSendStats() {
    if (!webrtc_) return;
    using Box = std::shared_ptr<SendStatsBox>;
    auto* holder = new Box(sendStats_);
    GstPromise* promise = gst_promise_new_with_change_func(
        [](GstPromise* p, gpointer data) {
            if (gst_promise_wait(p) != GST_PROMISE_RESULT_REPLIED) return;
            const GstStructure* reply = gst_promise_get_reply(p);
            if (!reply) return;
            SendLinkReport r;
            const int n = gst_structure_n_fields(reply);
            for (int i = 0; i < n; ++i) {
                const GValue* v =
                    gst_structure_get_value(reply, gst_structure_nth_field_name(reply, i));
                if (!v || !GST_VALUE_HOLDS_STRUCTURE(v)) continue;
                const GstStructure* s = gst_value_get_structure(v);
                GstWebRTCStatsType type{};
                if (!gst_structure_get(s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr))
                    continue;
                if (type == GST_WEBRTC_STATS_OUTBOUND_RTP) {
                    guint64 bytes = 0;
                    if (gst_structure_get_uint64(s, "bytes-sent", &bytes)) r.bytesSent += bytes;
                    continue;
                }
                if (type != GST_WEBRTC_STATS_REMOTE_INBOUND_RTP) continue;
                ++r.streams;
                // A double in GStreamer 1.22; older ones gave the RTCP field (x/256).
                if (const GValue* f = gst_structure_get_value(s, "fraction-lost")) {
                    double lost = 0;
                    if (G_VALUE_HOLDS_DOUBLE(f))
                        lost = g_value_get_double(f);
                    else if (G_VALUE_HOLDS_UINT(f))
                        lost = g_value_get_uint(f) / 256.0;
                    r.fractionLost = std::max(r.fractionLost, std::clamp(lost, 0.0, 1.0));
                }
                double rtt = 0;
                if (gst_structure_get_double(s, "round-trip-time", &rtt))
                    r.roundTripS = std::max(r.roundTripS, rtt);
            }
            auto& box = **static_cast<Box*>(data);
            std::lock_guard lock(box.mutex);
            r.answers = box.report.answers + 1;
            box.report = r;
        },
        holder, [](gpointer data) { delete static_cast<Box*>(data); });
    g_signal_emit_by_name(webrtc_, "get-stats", nullptr, promise);
    gst_promise_unref(promise);
}

SendLinkReport WebRtcPeer::sendLinkReport() const {
    std::lock_guard lock(sendStats_->mutex);
    return sendStats_->report;
}

bool WebRtcPeer::setElementNumber(const std::string& element, const std::string& property,
                                  std::int64_t value) {
    if (!pipeline_) return false;
    GstElement* e = gst_bin_get_by_name(GST_BIN(pipeline_), element.c_str());
    if (!e) return false;
    bool ok = false;
    if (GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(e), property.c_str())) {
        GValue v = G_VALUE_INIT;
        g_value_init(&v, spec->value_type);
        switch (spec->value_type) {
            case G_TYPE_INT:
                g_value_set_int(&v, static_cast<int>(value));
                ok = value >= INT32_MIN && value <= INT32_MAX;
                break;
            case G_TYPE_UINT:
                g_value_set_uint(&v, static_cast<unsigned>(value));
                ok = value >= 0 && value <= UINT32_MAX;
                break;
            case G_TYPE_INT64:
                g_value_set_int64(&v, value);
                ok = true;
                break;
            case G_TYPE_UINT64:
                g_value_set_uint64(&v, static_cast<std::uint64_t>(value));
                ok = value >= 0;
                break;
            default:
                break;
        }
        // g_param_value_validate clamps to the spec's range: refuse instead of clamping.
        if (ok) ok = !g_param_value_validate(spec, &v);
        if (ok) g_object_set_property(G_OBJECT(e), property.c_str(), &v);
        g_value_unset(&v);
    }
    gst_object_unref(e);
    return ok;
}

bool WebRtcPeer::setElementCaps(const std::string& element, const std::string& capsText) {
    if (!pipeline_) return false;
    GstElement* e = gst_bin_get_by_name(GST_BIN(pipeline_), element.c_str());
    if (!e) return false;
    GstCaps* caps = gst_caps_from_string(capsText.c_str());
    const bool ok = caps && hasProperty(e, "caps");
    if (ok) g_object_set(e, "caps", caps, nullptr);
    if (caps) gst_caps_unref(caps);
    gst_object_unref(e);
    return ok;
}

bool WebRtcPeer::addRecvTransceivers(std::string* error) {
    const std::pair<bool, const char*> kinds[] = {{options_.audio, kOpusCaps},
                                                  {options_.video, kVp8Caps}};
    for (const auto& [wanted, capsText] : kinds) {
        if (!wanted) continue;
        GstCaps* caps = gst_caps_from_string(capsText);
        GstWebRTCRTPTransceiver* t = nullptr;
        g_signal_emit_by_name(webrtc_, "add-transceiver",
                              GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &t);
        gst_caps_unref(caps);
        if (!t) {
            if (error) *error = "webrtcbin refused a recvonly transceiver";
            return false;
        }
        if (hasProperty(t, "do-nack")) g_object_set(t, "do-nack", TRUE, nullptr);
        gst_object_unref(t);
    }
    return true;
}

std::optional<std::string> WebRtcPeer::createOffer(Clock::time_point deadline, std::string* error) {
    if (!webrtc_) {
        if (error) *error = "peer not started";
        return std::nullopt;
    }
    if (options_.mode == PeerMode::Send) waitForSendCaps(deadline);
    BoundedPromise promise;
    g_signal_emit_by_name(webrtc_, "create-offer", nullptr, promise.get());
    const GstStructure* reply = nullptr;
    if (!promise.wait(deadline, &reply, error)) return std::nullopt;
    GstWebRTCSessionDescription* offer = nullptr;
    if (!reply ||
        !gst_structure_get(reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &offer, nullptr)) {
        if (error) *error = "webrtcbin produced no offer";
        return std::nullopt;
    }
    BoundedPromise local;
    g_signal_emit_by_name(webrtc_, "set-local-description", offer, local.get());
    gst_webrtc_session_description_free(offer);
    if (!local.wait(deadline, &reply, error)) return std::nullopt;
    return localDescriptionAfterGathering(deadline, error);
}

bool WebRtcPeer::stopScreen(std::string* error) {
    if (!webrtc_ || options_.screenPattern.empty()) {
        if (error) *error = "no screen to stop";
        return false;
    }
    // The screen's transceiver is the second video one (it was linked after the camera's).
    GArray* transceivers = nullptr;
    g_signal_emit_by_name(webrtc_, "get-transceivers", &transceivers);
    GstWebRTCRTPTransceiver* screen = nullptr;
    int videos = 0;
    for (guint i = 0; transceivers && i < transceivers->len; ++i) {
        auto* t = g_array_index(transceivers, GstWebRTCRTPTransceiver*, i);
        GstWebRTCKind kind = GST_WEBRTC_KIND_UNKNOWN;
        if (hasProperty(t, "kind")) g_object_get(t, "kind", &kind, nullptr);
        if (kind == GST_WEBRTC_KIND_VIDEO && ++videos == 2) screen = t;
    }
    if (screen) {
        g_object_set(screen, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, nullptr);
    }
    if (transceivers) g_array_unref(transceivers);
    if (!screen && error) *error = "no screen transceiver";
    return screen != nullptr;
}

bool WebRtcPeer::setDescription(const char* signal, int sdpType, const std::string& sdp,
                                Clock::time_point deadline, std::string* error) {
    GstSDPMessage* message = nullptr;
    if (gst_sdp_message_new_from_text(sdp.c_str(), &message) != GST_SDP_OK || !message) {
        if (error) *error = "unparsable SDP";
        if (message) gst_sdp_message_free(message);
        return false;
    }
    GstWebRTCSessionDescription* desc =
        gst_webrtc_session_description_new(static_cast<GstWebRTCSDPType>(sdpType), message);
    BoundedPromise promise;
    g_signal_emit_by_name(webrtc_, signal, desc, promise.get());
    gst_webrtc_session_description_free(desc);
    const GstStructure* reply = nullptr;
    return promise.wait(deadline, &reply, error);
}

bool WebRtcPeer::setRemoteAnswer(const std::string& sdp, Clock::time_point deadline,
                                 std::string* error) {
    if (!webrtc_) {
        if (error) *error = "peer not started";
        return false;
    }
    {
        std::lock_guard lock(mutex_);
        remoteSdp_ = sdp;
    }
    refreshMsids();
    return setDescription("set-remote-description", GST_WEBRTC_SDP_TYPE_ANSWER, sdp, deadline,
                          error);
}

std::optional<std::string> WebRtcPeer::answerOffer(const std::string& sdp,
                                                   Clock::time_point deadline, std::string* error) {
    if (!webrtc_) {
        if (error) *error = "peer not started";
        return std::nullopt;
    }
    {
        std::lock_guard lock(mutex_);
        remoteSdp_ = sdp;
    }
    refreshMsids();
    if (!setDescription("set-remote-description", GST_WEBRTC_SDP_TYPE_OFFER, sdp, deadline,
                        error)) {
        return std::nullopt;
    }
    BoundedPromise promise;
    g_signal_emit_by_name(webrtc_, "create-answer", nullptr, promise.get());
    const GstStructure* reply = nullptr;
    if (!promise.wait(deadline, &reply, error)) return std::nullopt;
    GstWebRTCSessionDescription* answer = nullptr;
    if (!reply || !gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer,
                                     nullptr)) {
        if (error) *error = "webrtcbin produced no answer";
        return std::nullopt;
    }
    BoundedPromise local;
    g_signal_emit_by_name(webrtc_, "set-local-description", answer, local.get());
    gst_webrtc_session_description_free(answer);
    if (!local.wait(deadline, &reply, error)) return std::nullopt;
    return localDescriptionAfterGathering(deadline, error);
}

bool WebRtcPeer::sendCapsKnown() const {
    bool all = true;
    GstIterator* it = gst_element_iterate_sink_pads(webrtc_);
    GValue item = G_VALUE_INIT;
    bool done = false;
    while (!done) {
        switch (gst_iterator_next(it, &item)) {
            case GST_ITERATOR_OK: {
                auto* pad = GST_PAD(g_value_get_object(&item));
                GstCaps* caps = gst_pad_get_current_caps(pad);
                const bool hasSsrc =
                    caps && gst_caps_get_size(caps) > 0 &&
                    gst_structure_has_field(gst_caps_get_structure(caps, 0), "ssrc");
                if (caps) gst_caps_unref(caps);
                all = all && hasSsrc;
                g_value_reset(&item);
                break;
            }
            case GST_ITERATOR_RESYNC:
                gst_iterator_resync(it);
                all = true;
                break;
            default:
                done = true;
                break;
        }
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    return all;
}

void WebRtcPeer::waitForSendCaps(Clock::time_point deadline) const {
    // webrtcbin announces a=ssrc only for streams whose caps it already knows; the SFU needs
    // them to demultiplex the bundle, so let the encoders produce their first packets.
    const auto capsDeadline = std::min(deadline, Clock::now() + kMaxCapsWait);
    while (!sendCapsKnown() && Clock::now() < capsDeadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::optional<std::string> WebRtcPeer::localDescriptionAfterGathering(Clock::time_point deadline,
                                                                      std::string* error) {
    // vcbridge is ICE-lite and learns our address from connectivity checks, so a slow gatherer
    // only costs candidates, not the session: wait a bounded time, then send what we have.
    const auto gatherDeadline = std::min(deadline, Clock::now() + kMaxGatheringWait);
    {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, gatherDeadline, [&] { return iceGatheringState_ == "complete"; });
    }
    GstWebRTCSessionDescription* local = nullptr;
    g_object_get(webrtc_, "local-description", &local, nullptr);
    if (!local) {
        if (error) *error = "no local description";
        return std::nullopt;
    }
    gchar* text = gst_sdp_message_as_text(local->sdp);
    std::string sdp = text ? text : "";
    g_free(text);
    gst_webrtc_session_description_free(local);
    return sdp;
}

void WebRtcPeer::refreshMsids() {
    std::lock_guard lock(mutex_);
    const auto msids = msidByMid(remoteSdp_);
    for (auto& [key, stats] : streams_) {
        auto it = msids.find(stats.mid);
        if (it == msids.end()) continue;
        if (it->second.stream != stats.msidStream || it->second.track != stats.msidTrack) {
            // The mid now carries another sender: start counting afresh.
            const std::string mid = stats.mid;
            const std::string kind = stats.kind;
            stats = IncomingStreamStats{};
            stats.mid = mid;
            stats.kind = kind;
            stats.msidStream = it->second.stream;
            stats.msidTrack = it->second.track;
        }
    }
}

std::string WebRtcPeer::iceConnectionState() const {
    std::lock_guard lock(mutex_);
    return iceConnectionState_;
}

std::string WebRtcPeer::connectionState() const {
    std::lock_guard lock(mutex_);
    return connectionState_;
}

bool WebRtcPeer::waitForConnectionState(const std::string& state,
                                        Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return connectionState_ == state; });
}

std::string WebRtcPeer::pipelineError() const {
    std::lock_guard lock(mutex_);
    return pipelineError_;
}

std::vector<IncomingStreamStats> WebRtcPeer::incomingStreams() const {
    std::lock_guard lock(mutex_);
    std::vector<IncomingStreamStats> out;
    out.reserve(streams_.size());
    for (const auto& [key, stats] : streams_) out.push_back(stats);
    return out;
}

void WebRtcPeer::onStateNotify(GstElement*, void*, void* self) {
    static_cast<WebRtcPeer*>(self)->updateStates();
}

void WebRtcPeer::updateStates() {
    GstWebRTCICEGatheringState gathering = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
    GstWebRTCICEConnectionState ice = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
    GstWebRTCPeerConnectionState pc = GST_WEBRTC_PEER_CONNECTION_STATE_NEW;
    GstElement* webrtc = webrtc_;
    if (!webrtc) return;
    g_object_get(webrtc, "ice-gathering-state", &gathering, "ice-connection-state", &ice,
                 "connection-state", &pc, nullptr);
    std::lock_guard lock(mutex_);
    iceGatheringState_ = gatheringName(gathering);
    iceConnectionState_ = iceConnectionName(ice);
    connectionState_ = peerConnectionName(pc);
    changed_.notify_all();
}

int WebRtcPeer::onBusMessage(GstBus*, GstMessage* message, void* self) {
    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
        GError* gerror = nullptr;
        gst_message_parse_error(message, &gerror, nullptr);
        auto* peer = static_cast<WebRtcPeer*>(self);
        std::lock_guard lock(peer->mutex_);
        if (peer->pipelineError_.empty()) {
            peer->pipelineError_ = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(message))) + ": " +
                                   (gerror ? gerror->message : "error");
        }
        if (gerror) g_error_free(gerror);
        peer->changed_.notify_all();
    }
    // Nobody pops this bus: drop everything so it cannot grow. A sync handler that returns
    // GST_BUS_DROP owns the message and must unref it.
    gst_message_unref(message);
    return GST_BUS_DROP;
}

void WebRtcPeer::onDeepElementAdded(GstElement*, GstElement*, GstElement* element, void* self) {
    // Ask for a keyframe after loss and don't feed the decoder broken references, so a viewer
    // that joins mid-stream shows a clean picture soon instead of garbage until the next GOP.
    GstElementFactory* factory = gst_element_get_factory(element);
    if (!factory) return;
    const gchar* name = GST_OBJECT_NAME(factory);
    auto* peer = static_cast<WebRtcPeer*>(self);
    if (g_strcmp0(name, "rtpsession") == 0) {
        // rtpsession sends a NACK early only once per regular RTCP interval, which it derives
        // from a default session bandwidth (64 kbit/s): ≈ 0.5–0.7 s for a viewer. Every further
        // NACK waits for the next regular report and expires in the jitter buffer first (its
        // deadline is the jitter buffer's latency), so a lost retransmission or a second loss
        // within that interval became a lost frame and a key-frame request. Browsers send NACKs
        // (and PLIs) as soon as they are due; an explicit RTCP bandwidth brings the interval down
        // to ≈ 15 ms from the first report on (rtcp-rr-bandwidth alone took effect only seconds
        // later).
        for (const char* property : {"rtcp-rr-bandwidth", "rtcp-rs-bandwidth"}) {
            if (hasProperty(element, property)) {
                g_object_set(element, property, peer->options_.rtcpBandwidth, nullptr);
            }
        }
    }
    if (g_strcmp0(name, "rtprtxsend") == 0 && peer->options_.rtxHistoryMs > 0 &&
        hasProperty(element, "max-size-time")) {
        g_object_set(element, "max-size-time", static_cast<guint>(peer->options_.rtxHistoryMs),
                     nullptr);
    }
    if (g_strcmp0(name, "srtpdec") == 0 && peer->options_.dropVideoModulo > 0 &&
        peer->options_.mode != PeerMode::Send) {
        if (GstPad* src = gst_element_get_static_pad(element, "rtp_src")) {
            gst_pad_add_probe(src,
                              static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                           GST_PAD_PROBE_TYPE_BUFFER_LIST),
                              reinterpret_cast<GstPadProbeCallback>(&WebRtcPeer::onIncomingRtp),
                              peer, nullptr);
            gst_object_unref(src);
        }
    }
    if (g_strcmp0(name, "rtpvp8depay") == 0) {
        if (hasProperty(element, "request-keyframe")) {
            g_object_set(element, "request-keyframe", TRUE, nullptr);
        }
        if (hasProperty(element, "wait-for-keyframe")) {
            g_object_set(element, "wait-for-keyframe", TRUE, nullptr);
        }
        // rtpvp8depay asks with all-headers=TRUE, which rtpsession sends as an RTCP FIR whenever
        // "ccm fir" was negotiated; like browsers, ask with a PLI instead. Janus 1.1.2 ignored
        // the FIRs (media SSRC 0 in the common header, as RFC 5104 wants), so its viewers
        // recovered from a loss only at the publisher's periodic key frame (2 s).
        if (GstPad* sink = gst_element_get_static_pad(element, "sink")) {
            gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, &askWithPli, nullptr,
                              nullptr);
            gst_object_unref(sink);
        }
    }
}

namespace {

// True if the RTP packet in `buffer` is one dropVideoModulo takes away.
bool droppedByTest(GstBuffer* buffer, int modulo) {
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return false;
    bool drop = false;
    if (map.size >= 12 && (map.data[0] >> 6) == 2 && (map.data[1] & 0x7F) == 96) {
        const unsigned seq = (unsigned{map.data[2]} << 8) | map.data[3];
        drop = seq % static_cast<unsigned>(modulo) == 7;
    }
    gst_buffer_unmap(buffer, &map);
    return drop;
}

}  // namespace

int WebRtcPeer::onIncomingRtp(GstPad*, void* rawInfo, void* self) {
    auto* peer = static_cast<WebRtcPeer*>(self);
    auto* info = static_cast<GstPadProbeInfo*>(rawInfo);
    const int modulo = peer->options_.dropVideoModulo;
    if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
        if (droppedByTest(GST_PAD_PROBE_INFO_BUFFER(info), modulo)) {
            peer->droppedByTest_.fetch_add(1);
            return GST_PAD_PROBE_DROP;
        }
    } else if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        GstBufferList* list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
        for (guint i = gst_buffer_list_length(list); i-- > 0;) {
            if (droppedByTest(gst_buffer_list_get(list, i), modulo)) {
                gst_buffer_list_remove(list, i, 1);
                peer->droppedByTest_.fetch_add(1);
            }
        }
        GST_PAD_PROBE_INFO_DATA(info) = list;
    }
    return GST_PAD_PROBE_OK;
}

RepairStats WebRtcPeer::repairStats() const {
    RepairStats out;
    out.dropped = droppedByTest_.load();
    if (!pipeline_) return out;
    GstIterator* it = gst_bin_iterate_recurse(GST_BIN(pipeline_));
    GValue item = G_VALUE_INIT;
    while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        auto* element = GST_ELEMENT(g_value_get_object(&item));
        GstElementFactory* factory = gst_element_get_factory(element);
        const gchar* name = factory ? GST_OBJECT_NAME(factory) : "";
        if (g_strcmp0(name, "rtprtxreceive") == 0) {
            guint packets = 0, recovered = 0;
            g_object_get(element, "num-rtx-packets", &packets, "num-rtx-assoc-packets", &recovered,
                         nullptr);
            out.rtxPackets += packets;
            out.rtxRecovered += recovered;
        } else if (g_strcmp0(name, "rtpjitterbuffer") == 0) {
            GstStructure* stats = nullptr;
            g_object_get(element, "stats", &stats, nullptr);
            guint64 lost = 0;
            if (stats && gst_structure_get_uint64(stats, "num-lost", &lost)) out.jitterLost += lost;
            if (stats) gst_structure_free(stats);
        }
        g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    return out;
}

void WebRtcPeer::onNewTransceiver(GstElement*, void* transceiver, void*) {
    if (hasProperty(transceiver, "do-nack")) g_object_set(transceiver, "do-nack", TRUE, nullptr);
}

void WebRtcPeer::onPadAdded(GstElement*, GstPad* pad, void* self) {
    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
    static_cast<WebRtcPeer*>(self)->handleIncomingPad(pad);
}

void WebRtcPeer::handleIncomingPad(GstPad* pad) {
    std::string mid;
    if (hasProperty(pad, "transceiver")) {
        GstWebRTCRTPTransceiver* t = nullptr;
        g_object_get(pad, "transceiver", &t, nullptr);
        if (t) {
            gchar* m = nullptr;
            g_object_get(t, "mid", &m, nullptr);
            if (m) mid = m;
            g_free(m);
            gst_object_unref(t);
        }
    }
    std::string kind;
    GstCaps* caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, nullptr);
    if (caps && gst_caps_get_size(caps) > 0) {
        const gchar* media = gst_structure_get_string(gst_caps_get_structure(caps, 0), "media");
        if (media) kind = media;
    }
    if (caps) gst_caps_unref(caps);

    gchar* padName = gst_pad_get_name(pad);
    const std::string key = mid.empty() ? std::string(padName ? padName : "pad") : mid;
    g_free(padName);

    StreamSink* sink = nullptr;
    {
        std::lock_guard lock(mutex_);
        sinks_.push_back(std::make_unique<StreamSink>(StreamSink{this, key}));
        sink = sinks_.back().get();
        IncomingStreamStats& stats = streams_[key];
        stats.mid = mid;
        stats.kind = kind;
        const auto msids = msidByMid(remoteSdp_);
        if (auto it = msids.find(mid); it != msids.end()) {
            stats.msidStream = it->second.stream;
            stats.msidTrack = it->second.track;
        }
    }

    GstElement* decodebin = gst_element_factory_make("decodebin", nullptr);
    if (!decodebin) return;
    g_signal_connect(decodebin, "pad-added", G_CALLBACK(&WebRtcPeer::onDecodedPad), sink);
    gst_bin_add(GST_BIN(pipeline_), decodebin);
    gst_element_sync_state_with_parent(decodebin);
    GstPad* sinkPad = gst_element_get_static_pad(decodebin, "sink");
    if (gst_pad_link(pad, sinkPad) != GST_PAD_LINK_OK) {
        std::lock_guard lock(mutex_);
        if (pipelineError_.empty()) pipelineError_ = "cannot link incoming stream " + key;
    }
    gst_object_unref(sinkPad);
}

void WebRtcPeer::onDecodedPad(GstElement*, GstPad* pad, void* sink) {
    auto* s = static_cast<StreamSink*>(sink);
    s->peer->handleDecodedPad(s, pad);
}

void WebRtcPeer::handleDecodedPad(StreamSink* sink, GstPad* pad) {
    GstCaps* caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, nullptr);
    std::string name;
    if (caps && gst_caps_get_size(caps) > 0) {
        name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
    }
    if (caps) gst_caps_unref(caps);

    const bool video = name.starts_with("video/");
    const bool audio = name.starts_with("audio/");
    if (options_.decodedSink && (video || audio)) {
        std::string msid;
        {
            std::lock_guard lock(mutex_);
            msid = streams_[sink->key].msidStream;
        }
        options_.decodedSink(pipeline_, pad, video ? "video" : "audio", msid);
        return;
    }
    const char* description =
        video ? "queue max-size-buffers=5 leaky=downstream ! videoconvert ! video/x-raw,format=RGB"
                " ! appsink name=sink sync=false max-buffers=5 drop=true"
        : audio ? "queue max-size-buffers=20 leaky=downstream ! audioconvert ! audioresample"
                  " ! audio/x-raw,format=F32LE,channels=1,rate=48000"
                  " ! appsink name=sink sync=false max-buffers=20 drop=true"
                : "fakesink sync=false";
    GError* gerror = nullptr;
    GstElement* bin = gst_parse_bin_from_description(description, TRUE, &gerror);
    if (!bin || gerror) {
        std::lock_guard lock(mutex_);
        if (pipelineError_.empty()) {
            pipelineError_ =
                "cannot build decoder sink: " + std::string(gerror ? gerror->message : "?");
        }
        if (gerror) g_error_free(gerror);
        if (bin) gst_object_unref(bin);
        return;
    }
    if (video || audio) {
        GstElement* appsink = gst_bin_get_by_name(GST_BIN(bin), "sink");
        GstAppSinkCallbacks callbacks{};
        if (video) {
            callbacks.new_sample = reinterpret_cast<GstFlowReturn (*)(GstAppSink*, gpointer)>(
                &WebRtcPeer::onVideoSample);
        } else {
            callbacks.new_sample = reinterpret_cast<GstFlowReturn (*)(GstAppSink*, gpointer)>(
                &WebRtcPeer::onAudioSample);
        }
        gst_app_sink_set_callbacks(GST_APP_SINK(appsink), &callbacks, sink, nullptr);
        gst_object_unref(appsink);
    }
    gst_bin_add(GST_BIN(pipeline_), bin);
    gst_element_sync_state_with_parent(bin);
    GstPad* binSink = gst_element_get_static_pad(bin, "sink");
    if (gst_pad_link(pad, binSink) != GST_PAD_LINK_OK) {
        std::lock_guard lock(mutex_);
        if (pipelineError_.empty()) pipelineError_ = "cannot link decoded stream " + sink->key;
    }
    gst_object_unref(binSink);
}

int WebRtcPeer::onVideoSample(GstAppSink* appsink, void* sinkPtr) {
    auto* sink = static_cast<StreamSink*>(sinkPtr);
    GstSample* sample = gst_app_sink_pull_sample(appsink);
    if (!sample) return GST_FLOW_OK;
    GstVideoInfo info;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstCaps* caps = gst_sample_get_caps(sample);
    std::string picture = "unknown";
    int width = 0;
    int height = 0;
    if (buffer && caps && gst_video_info_from_caps(&info, caps) &&
        GST_VIDEO_INFO_FORMAT(&info) == GST_VIDEO_FORMAT_RGB) {
        width = GST_VIDEO_INFO_WIDTH(&info);
        height = GST_VIDEO_INFO_HEIGHT(&info);
        GstMapInfo map;
        if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            picture = classifyRgbFrame(map.data, map.size, width, height,
                                       GST_VIDEO_INFO_PLANE_STRIDE(&info, 0));
            gst_buffer_unmap(buffer, &map);
        }
    }
    gst_sample_unref(sample);
    WebRtcPeer* peer = sink->peer;
    std::lock_guard lock(peer->mutex_);
    IncomingStreamStats& stats = peer->streams_[sink->key];
    ++stats.framesDecoded;
    stats.noteSample(steadyMicros());
    ++stats.framesByPicture[picture];
    stats.lastPicture = picture;
    stats.width = width;
    stats.height = height;
    peer->changed_.notify_all();
    return GST_FLOW_OK;
}

int WebRtcPeer::onAudioSample(GstAppSink* appsink, void* sinkPtr) {
    auto* sink = static_cast<StreamSink*>(sinkPtr);
    GstSample* sample = gst_app_sink_pull_sample(appsink);
    if (!sample) return GST_FLOW_OK;
    double rms = 0.0;
    WebRtcPeer* peer = sink->peer;
    const std::vector<int>& tones = peer->options_.toneFrequencies;  // const after construction
    std::vector<double> toneAmplitude(tones.size(), 0.0);
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    GstMapInfo map;
    if (buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        const std::size_t count = map.size / sizeof(float);
        const auto* samples = reinterpret_cast<const float*>(map.data);
        double sum = 0.0;
        for (std::size_t i = 0; i < count; ++i) sum += double(samples[i]) * samples[i];
        rms = count ? std::sqrt(sum / double(count)) : 0.0;
        for (std::size_t t = 0; t < tones.size(); ++t)
            toneAmplitude[t] = goertzelAmplitude(samples, count, tones[t], 48000);
        gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
    const std::int64_t nowUs = steadyMicros();
    std::lock_guard lock(peer->mutex_);
    IncomingStreamStats& stats = peer->streams_[sink->key];
    for (std::size_t t = 0; t < tones.size(); ++t) {
        const bool present = toneAmplitude[t] >= kTonePresentAmplitude;
        bool& on = stats.toneOn[tones[t]];
        if (present) {
            ++stats.toneBuffers[tones[t]];
            if (!on) stats.toneOnsetUs[tones[t]] = nowUs;
        }
        on = present;
    }
    ++stats.audioBuffers;
    stats.noteSample(steadyMicros());
    if (rms >= kAudioPresentRms) ++stats.audioBuffersWithSignal;
    stats.lastRms = rms;
    stats.maxRms = std::max(stats.maxRms, rms);
    peer->changed_.notify_all();
    return GST_FLOW_OK;
}

double goertzelAmplitude(const float* samples, std::size_t count, double frequency,
                         double sampleRate) {
    if (count == 0) return 0.0;
    const double coeff = 2.0 * std::cos(2.0 * M_PI * frequency / sampleRate);
    double s1 = 0.0;
    double s2 = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
        const double s = samples[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    const double power = std::max(0.0, s1 * s1 + s2 * s2 - coeff * s1 * s2);
    return 2.0 * std::sqrt(power) / double(count);
}

std::string iceAddressFor(const std::string& url) {
    auto parsed = Url::parse(url);
    if (!parsed) return {};
    in_addr a{};
    if (inet_pton(AF_INET, parsed->host.c_str(), &a) != 1) return {};
    return (ntohl(a.s_addr) >> 24) == 127 ? parsed->host : std::string();
}

}  // namespace vcb::gstclient
