#include "signaling/sdp/MediaCapabilities.hpp"

#include <algorithm>
#include <string>

#include "sfu/CodecMatch.hpp"
#include "signaling/sdp/SdpText.hpp"

namespace vcb::signaling {

namespace {

using sdptext::iequals;

// Packetization-mode 1 with a profile-level-id that names a known profile: anything else could
// never be matched to a publisher's stream (sfu/CodecMatch.hpp).
bool isForwardableH264(const sfu::RtpCodec& c) {
    return sfu::h264PacketizationMode(c.fmtp) == 1 && sfu::h264Profile(c.fmtp).has_value();
}

}  // namespace

MediaCapabilities::MediaCapabilities() {
    sfu::RtpCodec opus;
    opus.payloadType = 111;
    opus.name = "opus";
    opus.clockRate = 48000;
    opus.channels = 2;
    opus.fmtp = "minptime=10;useinbandfec=1";
    opus.rtcpFeedback = {"transport-cc"};
    audioCodecs_ = {opus};

    const std::vector<std::string> videoFeedback = {"nack", "nack pli", "ccm fir", "goog-remb",
                                                    "transport-cc"};
    sfu::RtpCodec vp8;
    vp8.payloadType = 96;
    vp8.name = "VP8";
    vp8.clockRate = 90000;
    vp8.rtcpFeedback = videoFeedback;
    vp8.rtxPayloadType = 97;
    sfu::RtpCodec h264;
    h264.payloadType = 102;
    h264.name = "H264";
    h264.clockRate = 90000;
    h264.fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
    h264.rtcpFeedback = videoFeedback;
    h264.rtxPayloadType = 103;
    videoCodecs_ = {vp8, h264};

    audioExtensions_ = {{1, sfu::ext::kMid},
                        {2, sfu::ext::kAudioLevel},
                        {3, sfu::ext::kAbsSendTime},
                        {4, sfu::ext::kTransportCc},
                        {5, sfu::ext::kRid}};
    videoExtensions_ = {{1, sfu::ext::kMid},
                        {3, sfu::ext::kAbsSendTime},
                        {4, sfu::ext::kTransportCc},
                        {5, sfu::ext::kRid}};
}

const std::vector<sfu::RtpCodec>& MediaCapabilities::codecs(sfu::MediaKind kind) const {
    return kind == sfu::MediaKind::Audio ? audioCodecs_ : videoCodecs_;
}

const std::vector<sfu::RtpHeaderExtension>& MediaCapabilities::extensions(
    sfu::MediaKind kind) const {
    return kind == sfu::MediaKind::Audio ? audioExtensions_ : videoExtensions_;
}

bool MediaCapabilities::supportsExtension(sfu::MediaKind kind, std::string_view uri) const {
    const auto& exts = extensions(kind);
    return std::any_of(exts.begin(), exts.end(),
                       [&](const sfu::RtpHeaderExtension& e) { return e.uri == uri; });
}

const sfu::RtpCodec* MediaCapabilities::match(sfu::MediaKind kind,
                                              const sfu::RtpCodec& peer) const {
    for (const sfu::RtpCodec& cap : codecs(kind)) {
        if (!iequals(cap.name, peer.name) || cap.clockRate != peer.clockRate) continue;
        if (kind == sfu::MediaKind::Audio && cap.channels != peer.channels) continue;
        if (iequals(cap.name, "H264") && !isForwardableH264(peer)) continue;
        return &cap;
    }
    return nullptr;
}

std::vector<sfu::RtpCodec> MediaCapabilities::select(
    sfu::MediaKind kind, const std::vector<sfu::RtpCodec>& offered) const {
    std::vector<sfu::RtpCodec> chosen;
    for (const sfu::RtpCodec& cap : codecs(kind)) {
        const sfu::RtpCodec* best = nullptr;
        for (const sfu::RtpCodec& peer : offered) {
            if (match(kind, peer) != &cap) continue;
            if (best == nullptr) best = &peer;
            if (!iequals(cap.name, "H264")) break;
            // Constrained Baseline (the canonical 42e01f, any level) is what every browser decodes.
            if (sfu::h264SameFormat(peer.fmtp, cap.fmtp)) {
                best = &peer;
                break;
            }
        }
        if (best == nullptr) continue;
        sfu::RtpCodec codec = *best;
        codec.rtxPayloadType.reset();
        if (kind == sfu::MediaKind::Audio) codec.fmtp = cap.fmtp;
        std::erase_if(codec.rtcpFeedback, [&](const std::string& fb) {
            return std::find(cap.rtcpFeedback.begin(), cap.rtcpFeedback.end(), fb) ==
                   cap.rtcpFeedback.end();
        });
        chosen.push_back(std::move(codec));
    }
    return chosen;
}

}  // namespace vcb::signaling
