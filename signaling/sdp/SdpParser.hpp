#pragma once
// Parses a WebRTC SDP (offer or answer) into SessionDescription, using GstSDP for the
// line/attribute level and checking what a BUNDLE + rtcp-mux + DTLS-SRTP peer must provide.
//
// Mapping notes:
//  * ICE credentials, fingerprint and setup: media level of the first m-line of the BUNDLE group
//    (falling back to the first used m-line) wins over session level.
//  * An m-line with port 0, a non-SAVPF proto or a kind other than audio/video is returned with
//    rejected = true and its mid kept, so an answer can reject it in place. A non-audio/video
//    m-line (e.g. m=application data channel) is returned with NO codecs; SdpWriter writes such a
//    rejected section back as "m=application 0 UDP/DTLS/SCTP webrtc-datachannel".
//  * RTX: "rtx" rtpmaps are folded into RtpCodec::rtxPayloadType of their apt= codec; the FID
//    ssrc-group's second SSRC becomes MediaSection::rtxSsrc and is not listed in ssrcs.
//  * a=rtcp-fb:* applies to every codec of the section; feedback strings are lower-case and
//    single-spaced ("nack pli").
//  * Only IPv4 UDP component-1 candidates are kept (mDNS, IPv6, TCP are ignored) in
//    SessionDescription::candidates, deduplicated.
#include <optional>
#include <string_view>

#include "common/Expected.hpp"
#include "sfu/RtpParameters.hpp"
#include "signaling/sdp/SdpError.hpp"
#include "signaling/sdp/SdpModel.hpp"

namespace vcb::signaling {

using SdpResult = Expected<SessionDescription, SdpError>;

class SdpParser {
  public:
    static constexpr size_t kMaxTextBytes = 64 * 1024;
    static constexpr size_t kMaxMedia = 64;
    static constexpr size_t kMaxCodecsPerMedia = 64;
    static constexpr size_t kMaxAttributesPerMedia = 1000;
    static constexpr size_t kMaxCandidates = 64;

    // Never crashes or throws on any input; every refusal is an SdpError.
    static SdpResult parse(std::string_view text);

    // Parses the value of an "a=candidate:" attribute (without the "candidate:" prefix, as in
    // trickle-ice-sdpfrag or a WebSocket trickle message, where the prefix is also accepted).
    // nullopt for anything that is not an IPv4 UDP component-1 candidate.
    static std::optional<sfu::IceCandidate> parseCandidate(std::string_view value);
};

}  // namespace vcb::signaling
