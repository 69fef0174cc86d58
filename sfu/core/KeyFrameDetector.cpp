#include "sfu/core/KeyFrameDetector.hpp"

#include <strings.h>

#include <string>

#include "sfu/rtp/H264Payload.hpp"
#include "sfu/rtp/Vp8PayloadDescriptor.hpp"

namespace vcb::sfu {

VideoCodec videoCodecFromName(std::string_view name) {
    std::string n(name);
    if (strcasecmp(n.c_str(), "VP8") == 0) return VideoCodec::Vp8;
    if (strcasecmp(n.c_str(), "H264") == 0) return VideoCodec::H264;
    return VideoCodec::Other;
}

bool isKeyFrame(VideoCodec codec, std::span<const uint8_t> payload) {
    switch (codec) {
        case VideoCodec::Vp8: {
            rtp::Vp8PayloadDescriptor d;
            return rtp::Vp8PayloadDescriptor::parse(payload, d) && d.isKeyFrame();
        }
        case VideoCodec::H264:
            return rtp::H264Payload::isKeyFrame(payload);
        case VideoCodec::Other:
            return true;  // unknown: never hold a stream back
    }
    return true;
}

bool vp8KeyFrameSize(std::span<const uint8_t> payload, uint16_t& width, uint16_t& height) {
    rtp::Vp8PayloadDescriptor d;
    if (!rtp::Vp8PayloadDescriptor::parse(payload, d) || !d.isKeyFrame()) return false;
    const size_t at = d.size();
    if (payload.size() < at + rtp::Vp8PayloadDescriptor::kKeyFrameHeaderSize) return false;
    const uint8_t* h = payload.data() + at;
    if (h[3] != 0x9d || h[4] != 0x01 || h[5] != 0x2a) return false;
    width = static_cast<uint16_t>((h[6] | (h[7] << 8)) & 0x3fff);
    height = static_cast<uint16_t>((h[8] | (h[9] << 8)) & 0x3fff);
    return true;
}

bool isParameterSetsOnly(VideoCodec codec, std::span<const uint8_t> payload) {
    if (codec != VideoCodec::H264) return false;
    rtp::H264Payload h;
    return rtp::H264Payload::parse(payload, h) && h.hasParameterSets() && !h.isKeyFrame();
}

}  // namespace vcb::sfu
