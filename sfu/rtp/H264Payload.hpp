#pragma once
// H.264 RTP payload structures (RFC 6184 §5.6-5.8), packetization-mode 0/1 as used by WebRTC:
//
// NAL unit header (all forms):   Single NAL unit packet:  [NAL header | NAL payload ...]
// +---------------+
// |0|1|2|3|4|5|6|7|              STAP-A (type 24):
// +-+-+-+-+-+-+-+-+              [STAP-A hdr | size (16) | NALU 1 | size (16) | NALU 2 | ...]
// |F|NRI|  Type   |
// +---------------+              FU-A (type 28):
//                                [FU indicator (type 28) | FU header | fragment ...]
// FU header:                     +---------------+
//                                |S|E|R|  Type   |   S = start, E = end, Type = fragmented NAL
//                                +---------------+
#include <cstddef>
#include <cstdint>
#include <span>

namespace vcb::rtp {

class H264Payload {
  public:
    static constexpr uint8_t kIdr = 5;
    static constexpr uint8_t kSps = 7;
    static constexpr uint8_t kPps = 8;
    static constexpr uint8_t kStapA = 24;
    static constexpr uint8_t kFuA = 28;

    // Rejects an empty payload, NAL type 0, a STAP-A whose NAL sizes are zero or overrun the
    // payload, and a FU-A without data or with both S and E set.
    static bool parse(std::span<const uint8_t> payload, H264Payload& out);
    // Convenience: false for malformed payloads.
    static bool isKeyFrame(std::span<const uint8_t> payload);

    // Type of the packet's first NAL header (24 for STAP-A, 28 for FU-A).
    uint8_t packetType() const { return packetType_; }
    // Type of the carried NAL unit: the fragment's type for FU-A, the first NAL's for STAP-A.
    uint8_t nalType() const { return nalType_; }
    bool isFragmentStart() const { return fragmentStart_; }
    bool isFragmentEnd() const { return fragmentEnd_; }
    // Carries (the start of) an IDR slice (type 5): as a single NAL, inside a STAP-A (possibly
    // after its SPS/PPS) or as the first fragment of a FU-A. An SPS or PPS alone is not a key
    // frame: nothing guarantees an IDR follows it.
    bool isKeyFrame() const { return keyFrame_; }
    // Carries an SPS or PPS (single NAL, inside a STAP-A, or a FU-A start).
    bool hasParameterSets() const { return parameterSets_; }

  private:
    uint8_t packetType_ = 0;
    uint8_t nalType_ = 0;
    bool fragmentStart_ = false;
    bool fragmentEnd_ = false;
    bool keyFrame_ = false;
    bool parameterSets_ = false;
};

}  // namespace vcb::rtp
