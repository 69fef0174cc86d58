#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace vcb::sfu {

enum class VideoCodec { Vp8, H264, Other };

VideoCodec videoCodecFromName(std::string_view name);
// True if this RTP payload starts a key frame (a decoder can start here).
bool isKeyFrame(VideoCodec codec, std::span<const uint8_t> payload);

}  // namespace vcb::sfu
