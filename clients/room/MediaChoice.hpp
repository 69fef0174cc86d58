#pragma once
// Which video encoder vcb-room uses and the gst-launch fragments for its devices, decided from
// the names of the elements the GStreamer registry has (passed in, so it is unit-tested with a
// made-up list). Hardware first: VA-API (vah264enc, then the older vaapih264enc), V4L2 M2M
// (v4l2h264enc, e.g. Raspberry Pi), then x264enc/openh264enc, then VP8 (vp8enc).
#include <functional>
#include <optional>
#include <string>

#include "clients/room/RoomConfig.hpp"

namespace vcb::room {

struct EncoderChoice {
    std::string element;  // e.g. "vah264enc"
    std::string codec;    // "H264" or "VP8"
    bool hardware = false;
    // gst-launch fragment from raw video to RTP caps with payload type 102 (H264) / 96 (VP8);
    // the encoder element is named kEncoderName.
    std::string launch;
    // The encoder's bitrate property, set while it plays when the link carries less (RateControl),
    // and its unit in bit/s (1000: kbit/s); "" when the rate cannot change while it plays.
    std::string bitrateProperty;
    int bitsPerUnit = 1000;
};

inline constexpr const char* kEncoderName = "vcbvenc";
// The capsfilter ahead of the encoder that sets the size the camera is encoded at (SizeControl).
inline constexpr const char* kScalerName = "vcbvsize";

using HasElement = std::function<bool(const std::string& name)>;

// nullopt when no usable encoder exists (for the preference), with *error saying what is missing.
std::optional<EncoderChoice> chooseEncoder(CodecPreference preference, int bitrateKbps,
                                           const HasElement& has, std::string* error);

// Source and sink fragments for the devices of the config ("test", "auto", a device path, or
// "pipeline:..."); see RoomConfig.
std::string cameraLaunch(const RoomConfig& config);
std::string microphoneLaunch(const RoomConfig& config);
std::string displaySinkLaunch(const RoomConfig& config);
std::string speakerSinkLaunch(const RoomConfig& config);

// The registry of this process (gst_element_factory_find).
HasElement gstRegistry();

}  // namespace vcb::room
