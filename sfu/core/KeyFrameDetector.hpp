#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace vcb::sfu {

enum class VideoCodec { Vp8, H264, Other };

VideoCodec videoCodecFromName(std::string_view name);
// True if this RTP payload starts a key frame (a decoder can start here).
// H.264: an IDR slice (possibly with its SPS/PPS), never an SPS alone.
bool isKeyFrame(VideoCodec codec, std::span<const uint8_t> payload);
// True if the payload carries decoder parameter sets but no key frame (H.264 SPS/PPS packets that
// libwebrtc sends ahead of the IDR's FU-A fragments). Always false for other codecs.
bool isParameterSetsOnly(VideoCodec codec, std::span<const uint8_t> payload);

}  // namespace vcb::sfu
