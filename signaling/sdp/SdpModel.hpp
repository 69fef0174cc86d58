#pragma once
// The SDP model: a peer connection's session description as SdpParser reads it, SdpWriter writes
// it and Negotiator reasons about it. Signaling only: the media core is driven with the plain
// structs of sfu/RtpParameters.hpp (codecs, header extensions, candidates) these are made of.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"

namespace vcb::signaling {

enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };
enum class DtlsSetup { ActPass, Active, Passive };

struct MediaSection {
    std::string mid;
    sfu::MediaKind kind = sfu::MediaKind::Audio;
    Direction direction = Direction::Inactive;
    bool rejected = false;              // port 0 in SDP
    std::vector<sfu::RtpCodec> codecs;  // preference order
    std::vector<sfu::RtpHeaderExtension> extensions;
    std::vector<uint32_t> ssrcs;      // media SSRCs announced with a=ssrc (first = primary)
    std::optional<uint32_t> rtxSsrc;  // from a=ssrc-group:FID
    std::string cname;
    std::string msidStream;  // a=msid:<stream> <track>
    std::string msidTrack;
    bool rtcpMux = false;
    bool rtcpRsize = false;
};

struct SessionDescription {
    std::string iceUfrag;
    std::string icePwd;
    bool iceLite = false;
    std::string fingerprintAlgorithm;  // "sha-256"
    std::string fingerprint;           // "AB:CD:..."
    DtlsSetup setup = DtlsSetup::ActPass;
    std::vector<std::string> bundleMids;  // a=group:BUNDLE
    std::vector<sfu::IceCandidate> candidates;
    std::vector<MediaSection> media;
};

}  // namespace vcb::signaling
