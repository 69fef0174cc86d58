#pragma once
// Offer/answer for vcbridge's peer connections. The server is ICE-lite, DTLS passive (server),
// BUNDLE + rtcp-mux only, forwards opus / VP8 / H264 (see MediaCapabilities). RTX (RFC 4588) for
// video codecs with nack, both ways: publish answers keep the RTX a publisher offers (so NACKed
// packets come back), WHEP answers keep the RTX a viewer offers when its send stream has an RTX
// SSRC, and subscribe offers carry RTX payload types and an FID group when the track has one.
//
// Use one Negotiator per peer connection (it keeps the o= session id and bumps its version):
//
//   // WHIP / publish: the client offers, the server answers.
//   auto offer = SdpParser::parse(body);                 // SdpError -> 400 with code
//   auto result = negotiator.answer(*offer, local, AnswerPurpose::Publish);
//   // result->sdp is the answer, result->media what the SFU receives per mid.
//
//   // Subscribe PC: the server offers, the client answers.
//   auto offer = negotiator.offer(tracks, local, previous);   // previous = last offer's ->local
//   ... send offer->sdp, receive the client's answer text ...
//   auto done = negotiator.applyAnswer(offer->local, answerText);
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/Expected.hpp"
#include "signaling/sdp/MediaCapabilities.hpp"
#include "signaling/sdp/NegotiationTypes.hpp"
#include "signaling/sdp/SdpError.hpp"
#include "signaling/sdp/SdpModel.hpp"
#include "signaling/sdp/SdpWriter.hpp"

namespace vcb::signaling {

using NegotiationResult = Expected<Negotiated, SdpError>;

class Negotiator {
  public:
    explicit Negotiator(MediaCapabilities caps = MediaCapabilities{}, SdpWriter writer = {});

    // Answers a parsed client offer. Per m-section (mid and order kept): accepted if it is
    // audio/video, has a codec the server forwards and the direction fits the purpose (Publish:
    // sendonly/sendrecv -> recvonly; View: recvonly/sendrecv -> sendonly); otherwise rejected
    // (port 0, inactive). Accepted sections keep the offer's payload types and extension ids;
    // audio gets opus, video VP8 then H264 (pm=1) as offered. For View, sendStreams gives per
    // mid the SSRC/cname/msid the server sends with (a mid without an entry is answered without
    // a=ssrc; cname must be printable ASCII without spaces, stream/track ids tokens, else
    // bad_sdp); a video stream with an rtxSsrc also keeps the RTX offered for codecs with nack
    // and is announced with a=ssrc-group:FID <ssrc> <rtxSsrc>. The offer's setup must be actpass or
    // active (bad_sdp otherwise); nothing accepted gives unsupported_media.
    NegotiationResult answer(const SessionDescription& offer, const LocalTransportInfo& local,
                             AnswerPurpose purpose,
                             const std::map<std::string, SendStream>& sendStreams = {});

    // Builds the server's offer for a subscribe peer connection: one sendonly m-section per
    // track, canonical payload types and extension ids (video with RTX payload types and an FID
    // group when the track has an rtxSsrc), a=setup:actpass. previous is the
    // `local` of the last offer (nullptr the first time): a track keeps its m-section (found by
    // trackId = msid track); a removed track's section becomes port 0 / inactive; a later track
    // of the same kind recycles a section that was already rejected in previous, under a new
    // mid (JSEP 5.2.2). Track ids and stream ids must be tokens (<= 64 chars), track ids unique
    // and cnames printable ASCII without spaces (bad_sdp); more than 64 sections gives
    // too_many_media.
    NegotiationResult offer(const std::vector<OfferedTrack>& tracks,
                            const LocalTransportInfo& local,
                            const SessionDescription* previous = nullptr);

    // Parses and checks the client's answer to offer (the `local` returned by offer()): same
    // mids in the same order, rejected sections stay rejected, directions recvonly or inactive,
    // codecs a subset of the offered ones (same PT, name, clock rate; RTX only with the offered
    // RTX PT, and the RTX SSRC is kept only if some codec kept RTX), extension ids as offered,
    // a=setup:active. media holds the sections the client accepted (a client may
    // reject or deactivate any of them).
    NegotiationResult applyAnswer(const SessionDescription& offer, std::string_view answerText);

    const MediaCapabilities& capabilities() const { return caps_; }

  private:
    MediaCapabilities caps_;
    SdpWriter writer_;
};

}  // namespace vcb::signaling
