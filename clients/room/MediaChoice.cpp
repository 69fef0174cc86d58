#include "clients/room/MediaChoice.hpp"

#include <gst/gst.h>

#include "clients/gst/GstRuntime.hpp"
#include "clients/gst/PictureClassifier.hpp"

namespace vcb::room {
namespace {

// No profile-level-id in the RTP caps: rtph264pay takes it from the encoder's SPS (openh264 and
// x264 write constraint flags 0xc0, "42c01f", not 0xe0). A fixed one that differs leaves the
// payloader unable to set its caps: the pipeline stops at once, "not-negotiated". The server
// matches H.264 profiles as libwebrtc does (42c0 and 42e0 are both Constrained Baseline).
constexpr const char* kH264Rtp =
    " ! h264parse config-interval=-1 ! rtph264pay pt=102 mtu=1200 config-interval=-1"
    " aggregate-mode=zero-latency ! application/x-rtp,media=video,encoding-name=H264,payload=102,"
    "clock-rate=90000,packetization-mode=(string)1";
constexpr const char* kBaseline = " ! video/x-h264,profile=constrained-baseline";

std::string pipelineFragment(const std::string& value) { return value.substr(9); }

}  // namespace

std::optional<EncoderChoice> chooseEncoder(CodecPreference preference, int kbps,
                                           const HasElement& has, std::string* error) {
    const std::string rate = std::to_string(kbps);
    if (preference != CodecPreference::Vp8) {
        if (has("vah264enc")) {
            return EncoderChoice{"vah264enc", "H264", true,
                                 "videoconvert ! vah264enc name=vcbvenc bitrate=" + rate +
                                     " key-int-max=60 b-frames=0" + kBaseline + kH264Rtp,
                                 "bitrate", 1000};
        }
        if (has("vaapih264enc")) {
            return EncoderChoice{"vaapih264enc", "H264", true,
                                 "videoconvert ! vaapih264enc name=vcbvenc bitrate=" + rate +
                                     " keyframe-period=60 max-bframes=0" + kBaseline + kH264Rtp,
                                 "bitrate", 1000};
        }
        if (has("v4l2h264enc")) {
            return EncoderChoice{
                "v4l2h264enc", "H264", true,
                "videoconvert ! v4l2h264enc name=vcbvenc extra-controls=\"controls,video_bitrate=" +
                    std::to_string(kbps * 1000) + ",h264_i_frame_period=60\"" +
                    " ! video/x-h264,level=(string)3.1" + kH264Rtp,
                ""};
        }
        if (has("x264enc")) {
            return EncoderChoice{"x264enc", "H264", false,
                                 "videoconvert ! x264enc name=vcbvenc tune=zerolatency speed-preset=veryfast"
                                 " key-int-max=60 bitrate=" +
                                     rate + kBaseline + kH264Rtp,
                                 "bitrate", 1000};
        }
        if (has("openh264enc")) {
            return EncoderChoice{"openh264enc",
                                 "H264",
                                 false,
                                 "videoconvert ! openh264enc name=vcbvenc complexity=low "
                                 "gop-size=60 rate-control=bitrate"
                                 " enable-frame-skip=true bitrate=" +
                                     std::to_string(kbps * 1000) + kBaseline + kH264Rtp,
                                 "bitrate",
                                 1};
        }
        if (preference == CodecPreference::H264) {
            if (error)
                *error =
                    "codec h264: no H.264 encoder (vah264enc, vaapih264enc, "
                    "v4l2h264enc, x264enc, openh264enc) in the GStreamer registry";
            return std::nullopt;
        }
    }
    if (has("vp8enc")) {
        return EncoderChoice{
            "vp8enc",
            "VP8",
            false,
            "videoconvert ! vp8enc name=vcbvenc deadline=1 cpu-used=4 end-usage=cbr "
            "target-bitrate=" +
                std::to_string(kbps * 1000) +
                " keyframe-max-dist=60 max-intra-bitrate=300 buffer-size=1000"
                " buffer-initial-size=500 buffer-optimal-size=600 overshoot=15 undershoot=100"
                " dropframe-threshold=30 error-resilient=partitions ! rtpvp8pay pt=96 mtu=1200"
                " picture-id-mode=15-bit ! application/x-rtp,media=video,encoding-name=VP8,"
                "payload=96,clock-rate=90000",
            "target-bitrate",
            1};
    }
    if (error) *error = "no video encoder: neither an H.264 encoder nor vp8enc is installed";
    return std::nullopt;
}

std::string cameraLaunch(const RoomConfig& c) {
    const std::string caps =
        " ! videoconvert ! videoscale ! videorate ! video/x-raw,width=" + std::to_string(c.width) +
        ",height=" + std::to_string(c.height) + ",framerate=" + std::to_string(c.framerate) + "/1";
    if (c.camera == "test") {
        std::string src = "videotestsrc is-live=true";
        if (auto argb = gstclient::solidColourArgb(c.testPattern)) {
            src += " pattern=solid-color foreground-color=" + std::to_string(*argb);
        } else {
            src += " pattern=smpte";
        }
        return src + caps;
    }
    if (c.camera == "auto") return "autovideosrc" + caps;
    if (c.camera.starts_with("pipeline:")) return pipelineFragment(c.camera);
    return "v4l2src device=" + c.camera + caps;
}

std::string microphoneLaunch(const RoomConfig& c) {
    if (c.microphone == "test") return "audiotestsrc is-live=true wave=sine freq=440 volume=0.3";
    if (c.microphone == "auto") return "autoaudiosrc";
    if (c.microphone.starts_with("pipeline:")) return pipelineFragment(c.microphone);
    return "alsasrc device=" + c.microphone;
}

std::string displaySinkLaunch(const RoomConfig& c) {
    if (c.display == "auto") return "autovideosink sync=false";
    if (c.display == "kms") return "kmssink sync=false";
    if (c.display == "fakesink") return "fakesink sync=false";
    if (c.display.starts_with("pipeline:")) return pipelineFragment(c.display);
    return c.display;  // an element name with its properties, e.g. "xvimagesink"
}

std::string speakerSinkLaunch(const RoomConfig& c) {
    if (c.speaker == "auto") return "autoaudiosink sync=false";
    if (c.speaker == "fakesink") return "fakesink sync=false";
    if (c.speaker.starts_with("pipeline:")) return pipelineFragment(c.speaker);
    return "alsasink sync=false device=" + c.speaker;
}

HasElement gstRegistry() {
    gstclient::ensureGstInitialized();
    return [](const std::string& name) {
        GstElementFactory* f = gst_element_factory_find(name.c_str());
        if (!f) return false;
        gst_object_unref(f);
        return true;
    };
}

}  // namespace vcb::room
