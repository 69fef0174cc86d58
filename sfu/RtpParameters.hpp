#pragma once
// Plain descriptions of a peer connection's media, independent of SDP: signaling translates SDP
// to and from these, the media core only sees these (mediasoup's RtpParameters idea).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vcb::sfu {

enum class MediaKind { Audio, Video };

struct RtpCodec {
    uint8_t payloadType = 0;
    std::string name;  // "opus", "VP8", "H264" (case as in rtpmap)
    uint32_t clockRate = 0;
    uint8_t channels = 0;  // 2 for opus, 0 for video
    std::string fmtp;      // raw fmtp parameters, e.g. "minptime=10;useinbandfec=1"
    std::vector<std::string> rtcpFeedback;  // e.g. "nack", "nack pli", "ccm fir", "goog-remb"
    std::optional<uint8_t> rtxPayloadType;  // apt= pairing, if RTX is negotiated
};

// URIs of the header extensions vcbridge understands.
namespace ext {
inline constexpr const char* kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr const char* kRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr const char* kAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr const char* kAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr const char* kTransportCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
}  // namespace ext

struct RtpHeaderExtension {
    uint8_t id = 0;
    std::string uri;
};

struct IceCandidate {
    std::string foundation;
    uint32_t component = 1;
    std::string transport = "udp";
    uint32_t priority = 0;
    std::string address;
    uint16_t port = 0;
    std::string type = "host";
};

}  // namespace vcb::sfu
