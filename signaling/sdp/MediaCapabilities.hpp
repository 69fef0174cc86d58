#pragma once
// What vcbridge forwards, with the canonical payload types / extension ids it uses in its own
// offers. An SFU cannot transcode, so negotiation is "does the peer speak one of these":
//   audio: opus/48000/2 (PT 111, minptime=10;useinbandfec=1, rtcp-fb transport-cc)
//   video: VP8/90000 (PT 96), H264/90000 packetization-mode=1 (PT 102, profile-level-id 42e01f
//          preferred, other known profiles accepted; a stream is only forwarded to subscribers
//          that negotiated the same profile and mode); rtcp-fb nack, nack pli, ccm fir, goog-remb,
//          transport-cc; RTX (RFC 4588) PT 97 for VP8, 103 for H264
//   header extensions: mid 1, audio-level 2 (audio only), abs-send-time 3, transport-cc 4, rid 5
// RTX both ways when the peer negotiates it (Negotiator keeps the RTX a client offers for video
// codecs with nack, and offers it to subscribers); otherwise retransmissions reuse the media SSRC.
#include <optional>
#include <string_view>
#include <vector>

#include "sfu/RtpParameters.hpp"

namespace vcb::signaling {

class MediaCapabilities {
  public:
    MediaCapabilities();

    // Canonical codecs for kind, in preference order (what the server offers), video with its
    // RTX payload type.
    const std::vector<sfu::RtpCodec>& codecs(sfu::MediaKind kind) const;
    // Canonical header extensions for kind (what the server offers).
    const std::vector<sfu::RtpHeaderExtension>& extensions(sfu::MediaKind kind) const;

    bool supportsExtension(sfu::MediaKind kind, std::string_view uri) const;

    // Picks from a peer's codec list (its payload types) what the server can forward, in the
    // server's preference order: audio: the first opus/48000/2; video: the first VP8, then one
    // H264 with packetization-mode=1 and a known profile (Constrained Baseline preferred, any
    // level). Each result keeps the
    // peer's payload type, name and fmtp (audio gets the server's opus fmtp), has no RTX, and its
    // rtcp-fb is the intersection of the peer's and the server's.
    std::vector<sfu::RtpCodec> select(sfu::MediaKind kind,
                                      const std::vector<sfu::RtpCodec>& offered) const;

    // The canonical codec a peer codec corresponds to (by name, clock rate, channels,
    // packetization-mode), or nullptr if the server cannot forward it.
    const sfu::RtpCodec* match(sfu::MediaKind kind, const sfu::RtpCodec& peer) const;

  private:
    std::vector<sfu::RtpCodec> audioCodecs_;
    std::vector<sfu::RtpCodec> videoCodecs_;
    std::vector<sfu::RtpHeaderExtension> audioExtensions_;
    std::vector<sfu::RtpHeaderExtension> videoExtensions_;
};

}  // namespace vcb::signaling
