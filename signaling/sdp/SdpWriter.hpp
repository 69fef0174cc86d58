#pragma once
// Writes SessionDescription as WebRTC SDP (via GstSDP). One writer per peer connection:
// it keeps the o= session id and bumps the o= version on every write(), as RFC 3264 asks for
// renegotiations.
//
// Layout: v=0, o=- <id> <version> IN IP4 127.0.0.1, s=-, t=0 0, a=group:BUNDLE (if any),
// a=ice-lite (if set), a=msid-semantic: WMS *, then per m-section: m=<kind> 9
// UDP/TLS/RTP/SAVPF <pts>, c=IN IP4 0.0.0.0, a=mid, ICE credentials, fingerprint, setup,
// direction, rtcp-mux, rtcp-rsize, extmap, rtpmap/rtcp-fb/fmtp (+ rtx rtpmap/fmtp apt), ssrc-group
// FID, ssrc cname/msid, msid, candidates and a=end-of-candidates.
// A rejected section is written with port 0, a=mid and a=inactive only; one without codecs
// (SdpParser's representation of a data channel) as "m=application 0 UDP/DTLS/SCTP
// webrtc-datachannel" so the media type matches the offer.
#include <cstdint>
#include <string>

#include "sfu/RtpParameters.hpp"
#include "signaling/sdp/SdpModel.hpp"

namespace vcb::signaling {

// The value of an a=candidate attribute (without "candidate:"), as written into answers.
std::string formatCandidate(const sfu::IceCandidate& c);

class SdpWriter {
  public:
    SdpWriter();  // random 63-bit session id, first version 1
    SdpWriter(uint64_t sessionId, uint64_t firstVersion);

    // Returns the SDP text (CRLF line ends); the next call uses version + 1.
    std::string write(const SessionDescription& desc);

    uint64_t sessionId() const { return sessionId_; }
    uint64_t nextVersion() const { return version_; }

  private:
    uint64_t sessionId_;
    uint64_t version_;
};

}  // namespace vcb::signaling
