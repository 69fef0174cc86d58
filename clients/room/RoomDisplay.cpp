#include "clients/room/RoomDisplay.hpp"

#include <gst/gst.h>
#include <gst/video/video.h>

#include <cmath>

#include "clients/gst/GstRuntime.hpp"
#include "clients/gst/IncomingStreamStats.hpp"
#include "clients/gst/PictureClassifier.hpp"
#include "clients/room/MediaChoice.hpp"

namespace vcb::room {
namespace {

std::atomic<int> gInstance{0};

constexpr const char* kAudioCaps =
    "audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved";

std::string videoCaps(const RoomConfig& c) {
    return "video/x-raw,format=I420,width=" + std::to_string(c.displayWidth) +
           ",height=" + std::to_string(c.displayHeight) + ",framerate=25/1,pixel-aspect-ratio=1/1";
}

GstPadProbeReturn countOnly(GstPad*, GstPadProbeInfo*, gpointer counter) {
    static_cast<std::atomic<std::uint64_t>*>(counter)->fetch_add(1, std::memory_order_relaxed);
    return GST_PAD_PROBE_OK;
}

}  // namespace

RoomDisplay::RoomDisplay(const RoomConfig& config)
    : config_(config),
      videoChannel_("vcb-room-video-" + std::to_string(++gInstance)),
      audioChannel_("vcb-room-audio-" + std::to_string(gInstance.load())),
      probeName_("vcbroomprobe" + std::to_string(gInstance.load())) {
    gstclient::ensureGstInitialized();
}

RoomDisplay::~RoomDisplay() {
    detachAll();
    stop();
}

std::string RoomDisplay::subscribeDescription() const {
    return "input-selector name=roomsel ! valve name=roomvalve drop=true"
           " ! intervideosink sync=false channel=" +
           videoChannel_ + " audiotestsrc is-live=true wave=silence ! " + kAudioCaps +
           " ! audiomixer name=roommix ! " + kAudioCaps +
           " ! interaudiosink channel=" + audioChannel_;
}

bool RoomDisplay::start(std::string* error) {
    if (pipeline_) return true;
    const int fontPx = std::max(10, config_.displayHeight / 20);
    std::string display;
    if (config_.display == "test") {
        display =
            "videoconvert ! video/x-raw,format=RGB ! fakesink name=roomtestdisplay sync=false";
    } else {
        display = displaySinkLaunch(config_);
    }
    std::string speaker;
    if (config_.speaker == "test") {
        speaker =
            "audioconvert ! audio/x-raw,format=F32LE,channels=1"
            " ! fakesink name=roomtestspeaker sync=false";
    } else {
        speaker = speakerSinkLaunch(config_);
    }
    const std::string desc =
        "intervideosrc channel=" + videoChannel_ + " timeout=2000000000 ! " + videoCaps(config_) +
        " ! textoverlay name=roomoverlay valignment=top halignment=left shaded-background=true"
        " wait-text=false font-desc=\"Sans Bold " +
        std::to_string(fontPx) + "px\"" + " ! identity name=roomdisplaycount silent=true ! " +
        display + " interaudiosrc channel=" + audioChannel_ + " ! " + kAudioCaps +
        " ! audioconvert ! audioresample ! " +
        (config_.echoCancel ? "webrtcechoprobe name=" + probeName_ + " ! audioconvert ! " : "") +
        "identity name=roomsoundcount silent=true ! " + speaker;
    GError* gerror = nullptr;
    pipeline_ = gst_parse_launch(desc.c_str(), &gerror);
    if (!pipeline_ || gerror) {
        if (error) {
            *error = "display pipeline: " + std::string(gerror ? gerror->message : "cannot build");
        }
        if (gerror) g_error_free(gerror);
        if (pipeline_) gst_object_unref(pipeline_);
        pipeline_ = nullptr;
        return false;
    }
    gstclient::trackPipeline(pipeline_);
    {
        std::lock_guard lock(mutex_);
        pipelineError_.clear();
    }
    GstBus* bus = gst_element_get_bus(pipeline_);
    gst_bus_set_sync_handler(bus, reinterpret_cast<GstBusSyncHandler>(&RoomDisplay::onBusMessage),
                             this, nullptr);
    gst_object_unref(bus);
    overlay_ = gst_bin_get_by_name(GST_BIN(pipeline_), "roomoverlay");
    auto probe = [&](const char* element, const char* padName, GstPadProbeCallback cb,
                     gpointer data) {
        GstElement* e = gst_bin_get_by_name(GST_BIN(pipeline_), element);
        if (!e) return;
        if (GstPad* pad = gst_element_get_static_pad(e, padName)) {
            gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, cb, data, nullptr);
            gst_object_unref(pad);
        }
        gst_object_unref(e);
    };
    probe("roomdisplaycount", "src", &countOnly, &displayFrames_);
    probe("roomsoundcount", "src", &countOnly, &soundBuffers_);
    probe("roomtestdisplay", "sink",
          reinterpret_cast<GstPadProbeCallback>(&RoomDisplay::onDisplayBuffer), this);
    probe("roomtestspeaker", "sink",
          reinterpret_cast<GstPadProbeCallback>(&RoomDisplay::onSoundBuffer), this);
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        if (error)
            *error = "display pipeline refused to play (display '" + config_.display +
                     "', speaker '" + config_.speaker + "')";
        stop();
        return false;
    }
    return true;
}

int RoomDisplay::onBusMessage(void*, void* rawMessage, void* self) {
    auto* message = static_cast<GstMessage*>(rawMessage);
    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
        GError* gerror = nullptr;
        gst_message_parse_error(message, &gerror, nullptr);
        auto* d = static_cast<RoomDisplay*>(self);
        std::lock_guard lock(d->mutex_);
        if (d->pipelineError_.empty()) {
            d->pipelineError_ = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(message))) + ": " +
                                (gerror ? gerror->message : "error");
        }
        if (gerror) g_error_free(gerror);
    }
    // Nobody pops this bus: drop everything so it cannot grow over months of uptime.
    gst_message_unref(message);
    return GST_BUS_DROP;
}

void RoomDisplay::stop() {
    if (!pipeline_) return;
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    if (GstBus* bus = gst_element_get_bus(pipeline_)) {
        gst_bus_set_sync_handler(bus, nullptr, nullptr, nullptr);
        gst_object_unref(bus);
    }
    if (overlay_) gst_object_unref(overlay_);
    overlay_ = nullptr;
    gst_object_unref(pipeline_);
    pipeline_ = nullptr;
}

void RoomDisplay::setOverlay(const std::string& text) {
    if (overlay_) g_object_set(overlay_, "text", text.c_str(), nullptr);
}

void RoomDisplay::attach(GstElement* pipeline, GstPad* decoded, const std::string& kind,
                         const std::string& msid) {
    const bool video = kind == "video";
    const std::string desc =
        // A bin whose last element is a capsfilter element (bare caps would not get a ghost pad).
        video ? "queue max-size-buffers=3 leaky=downstream ! videoconvert ! videoscale"
                " ! videorate ! capsfilter caps=\"" +
                    videoCaps(config_) + "\""
              : std::string(
                    "queue max-size-time=200000000 leaky=downstream ! audioconvert"
                    " ! audioresample ! capsfilter caps=\"") +
                    kAudioCaps + "\"";
    GError* gerror = nullptr;
    GstElement* bin = gst_parse_bin_from_description(desc.c_str(), TRUE, &gerror);
    if (!bin || gerror) {
        std::lock_guard lock(mutex_);
        if (attachError_.empty())
            attachError_ = "room branch: " + std::string(gerror ? gerror->message : "?");
        if (gerror) g_error_free(gerror);
        if (bin) gst_object_unref(bin);
        return;
    }
    GstElement* target = gst_bin_get_by_name(GST_BIN(pipeline), video ? "roomsel" : "roommix");
    if (!target) {
        gst_object_unref(bin);
        return;
    }
    gst_bin_add(GST_BIN(pipeline), bin);
    GstPad* request = gst_element_request_pad_simple(target, "sink_%u");
    GstPad* binSrc = gst_element_get_static_pad(bin, "src");
    GstPad* binSink = gst_element_get_static_pad(bin, "sink");
    const bool linked = request && gst_pad_link(binSrc, request) == GST_PAD_LINK_OK;
    gst_element_sync_state_with_parent(bin);
    const bool fed = gst_pad_link(decoded, binSink) == GST_PAD_LINK_OK;
    gst_object_unref(binSrc);
    gst_object_unref(binSink);
    std::lock_guard lock(mutex_);
    if (!linked || !fed) {
        if (attachError_.empty()) attachError_ = "cannot link the " + kind + " of " + msid;
        if (request) gst_object_unref(request);
        gst_object_unref(target);
        return;
    }
    if (!video) {
        gst_object_unref(request);
        gst_object_unref(target);
        return;
    }
    if (selector_ != target) {
        if (selector_) gst_object_unref(selector_);
        selector_ = target;  // keeps the ref
        GstElement* valve = gst_bin_get_by_name(GST_BIN(pipeline), "roomvalve");
        if (valve) {
            if (GstPad* src = gst_element_get_static_pad(valve, "src")) {
                gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, &countOnly, &programmeFrames_,
                                  nullptr);
                gst_object_unref(src);
            }
            gst_object_unref(valve);
        }
    } else {
        gst_object_unref(target);
    }
    if (auto it = programmePads_.find(msid); it != programmePads_.end()) {
        gst_object_unref(it->second);
    }
    programmePads_[msid] = request;
    applyProgrammeLocked();
}

void RoomDisplay::detachAll() {
    std::lock_guard lock(mutex_);
    for (auto& [msid, pad] : programmePads_) gst_object_unref(pad);
    programmePads_.clear();
    if (selector_) gst_object_unref(selector_);
    selector_ = nullptr;
    activeMsid_.clear();
    attachError_.clear();
}

void RoomDisplay::setProgramme(const std::optional<std::string>& participantId) {
    std::lock_guard lock(mutex_);
    if (programme_ == participantId && (!participantId || activeMsid_ == *participantId)) return;
    programme_ = participantId;
    applyProgrammeLocked();
}

void RoomDisplay::applyProgrammeLocked() {
    if (!selector_) return;
    GstElement* parent = GST_ELEMENT(gst_object_get_parent(GST_OBJECT(selector_)));
    GstElement* valve = parent ? gst_bin_get_by_name(GST_BIN(parent), "roomvalve") : nullptr;
    auto it = programme_ ? programmePads_.find(*programme_) : programmePads_.end();
    if (it != programmePads_.end()) {
        g_object_set(selector_, "active-pad", it->second, nullptr);
        if (valve) g_object_set(valve, "drop", FALSE, nullptr);
        activeMsid_ = it->first;
    } else {
        if (valve) g_object_set(valve, "drop", TRUE, nullptr);
        activeMsid_.clear();
    }
    if (valve) gst_object_unref(valve);
    if (parent) gst_object_unref(parent);
}

int RoomDisplay::onDisplayBuffer(GstPad* pad, void* rawInfo, void* self) {
    auto* d = static_cast<RoomDisplay*>(self);
    GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(static_cast<GstPadProbeInfo*>(rawInfo));
    GstCaps* caps = gst_pad_get_current_caps(pad);
    GstVideoInfo info;
    std::string picture = "unknown";
    if (buffer && caps && gst_video_info_from_caps(&info, caps) &&
        GST_VIDEO_INFO_FORMAT(&info) == GST_VIDEO_FORMAT_RGB) {
        GstMapInfo map;
        if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
            picture = gstclient::classifyRgbFrame(map.data, map.size, GST_VIDEO_INFO_WIDTH(&info),
                                                  GST_VIDEO_INFO_HEIGHT(&info),
                                                  GST_VIDEO_INFO_PLANE_STRIDE(&info, 0));
            gst_buffer_unmap(buffer, &map);
        }
    }
    if (caps) gst_caps_unref(caps);
    std::lock_guard lock(d->mutex_);
    ++d->framesByPicture_[picture];
    return GST_PAD_PROBE_OK;
}

int RoomDisplay::onSoundBuffer(GstPad*, void* rawInfo, void* self) {
    auto* d = static_cast<RoomDisplay*>(self);
    GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(static_cast<GstPadProbeInfo*>(rawInfo));
    GstMapInfo map;
    if (buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        const std::size_t n = map.size / sizeof(float);
        const auto* s = reinterpret_cast<const float*>(map.data);
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += double(s[i]) * s[i];
        if (n && std::sqrt(sum / double(n)) >= gstclient::kAudioPresentRms)
            d->soundWithSignal_.fetch_add(1, std::memory_order_relaxed);
        gst_buffer_unmap(buffer, &map);
    }
    return GST_PAD_PROBE_OK;
}

DisplayCounters RoomDisplay::counters() const {
    DisplayCounters c;
    c.displayFrames = displayFrames_.load();
    c.programmeFrames = programmeFrames_.load();
    c.soundBuffers = soundBuffers_.load();
    c.soundBuffersWithSignal = soundWithSignal_.load();
    std::lock_guard lock(mutex_);
    c.framesByPicture = framesByPicture_;
    return c;
}

std::string RoomDisplay::attachError() const {
    std::lock_guard lock(mutex_);
    return attachError_;
}

std::string RoomDisplay::pipelineError() const {
    std::lock_guard lock(mutex_);
    return pipelineError_;
}

}  // namespace vcb::room
