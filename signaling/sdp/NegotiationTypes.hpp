#pragma once
// Plain inputs and outputs of Negotiator.
#include <cstdint>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"
#include "signaling/sdp/SdpModel.hpp"

namespace vcb::signaling {

// Who sends on the peer connection an offer is answered for.
enum class AnswerPurpose {
    Publish,  // the client sends, the server receives (WHIP, WebSocket "publish")
    View,     // the client receives, the server sends (WHEP)
};

// The server's side of the transport, shared by every m-section (BUNDLE).
struct LocalTransportInfo {
    std::string iceUfrag;
    std::string icePwd;
    std::string fingerprint;  // sha-256 of the DTLS certificate, "AB:CD:..."
    std::vector<sfu::IceCandidate> candidates;
};

// What the server will send on one m-section of a View answer.
struct SendStream {
    uint32_t ssrc = 0;
    std::string cname;
    std::string streamId;  // a=msid first part
    std::string trackId;   // a=msid second part
    // Video: the SSRC of RFC 4588 retransmissions, offered back when the client's offer has RTX
    // for a codec with nack; 0 = no RTX.
    uint32_t rtxSsrc = 0;
};

// One track the server offers on a subscribe peer connection.
struct OfferedTrack {
    std::string trackId;   // stable identity across renegotiations; also the msid track id
    std::string streamId;  // msid stream id, e.g. the publishing participant's id
    sfu::MediaKind kind = sfu::MediaKind::Audio;
    uint32_t ssrc = 0;  // SSRC the server sends the track with
    std::string cname;
    uint32_t rtxSsrc = 0;  // video: SSRC for RTX (RFC 4588) retransmissions; 0 = no RTX offered
    // Video: the codec the track is sent in ("VP8", "H264"): the only one offered for it (the
    // server does not transcode; a client answering with another codec would get nothing).
    // Empty, or a codec the server does not offer: every video codec.
    std::string codec{};
};

struct Negotiated {
    // SDP text to send to the client: the answer (answer()) or the offer (offer()); empty after
    // applyAnswer().
    std::string sdp;
    // The server's description as written; pass the one from offer() back as `previous` and to
    // applyAnswer().
    SessionDescription local;
    // The client's description: its ICE credentials, fingerprint, candidates and m-sections
    // (the offer for answer(), the answer for applyAnswer(), empty for offer()).
    SessionDescription remote;
    // Accepted m-sections in m-line order with the negotiated parameters: mid, kind, the
    // server's direction, codecs (with the payload types used on the wire and their RTX pairing), header
    // extensions (ids used on the wire) and the SSRCs that flow on it (media SSRC, and rtxSsrc
    // when RTX was negotiated): the client's for Publish, the server's for View and for subscribe
    // offers. For offer() these are the proposed ones.
    std::vector<MediaSection> media;
};

}  // namespace vcb::signaling
