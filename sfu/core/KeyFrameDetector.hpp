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
// The picture size a VP8 key frame's first packet states (RFC 6386 §9.1: after the 3-byte frame
// tag, the start code 9d 01 2a, then 14-bit width and height, little endian). False for any
// other packet. No allocation: safe per packet.
bool vp8KeyFrameSize(std::span<const uint8_t> payload, uint16_t& width, uint16_t& height);

}  // namespace vcb::sfu
