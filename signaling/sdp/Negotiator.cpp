#include "signaling/sdp/Negotiator.hpp"

#include <algorithm>
#include <utility>

#include "sfu/CodecMatch.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpText.hpp"

namespace vcb::signaling {

namespace {

using sdptext::iequals;
using sdptext::isToken;
using sdptext::parseUint;
using Code = SdpError::Code;

constexpr size_t kMaxMsidIdLength = 64;

SdpError bad(std::string message) { return SdpError(Code::BadSdp, std::move(message)); }

SessionDescription localDescription(const LocalTransportInfo& local, DtlsSetup setup) {
    SessionDescription d;
    d.iceUfrag = local.iceUfrag;
    d.icePwd = local.icePwd;
    d.iceLite = true;
    d.fingerprintAlgorithm = "sha-256";
    d.fingerprint = local.fingerprint;
    d.setup = setup;
    d.candidates = local.candidates;
    return d;
}

// Values the caller puts into a=ssrc lines: printable ASCII without spaces, so nothing can end a
// line or add attributes.
bool isSafeAttributeValue(std::string_view s) {
    return !s.empty() && s.size() <= 255 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// A section the server no longer (or never) uses: port 0, inactive, payload list kept.
void retire(MediaSection& s) {
    s.rejected = true;
    s.direction = Direction::Inactive;
    s.extensions.clear();
    s.ssrcs.clear();
    s.rtxSsrc.reset();
    s.cname.clear();
    s.msidStream.clear();
    s.msidTrack.clear();
    for (auto& c : s.codecs) c.rtxPayloadType.reset();
}

}  // namespace

Negotiator::Negotiator(MediaCapabilities caps, SdpWriter writer)
    : caps_(std::move(caps)), writer_(writer) {}

NegotiationResult Negotiator::answer(const SessionDescription& offer,
                                     const LocalTransportInfo& local, AnswerPurpose purpose,
                                     const std::map<std::string, SendStream>& sendStreams) {
    if (offer.setup == DtlsSetup::Passive) {
        return bad("offer must use a=setup:actpass or a=setup:active");
    }
    for (const auto& [mid, stream] : sendStreams) {
        if (!isSafeAttributeValue(stream.cname) || !isToken(stream.streamId, kMaxMsidIdLength) ||
            !isToken(stream.trackId, kMaxMsidIdLength)) {
            return bad("send stream for mid " + mid + " has an invalid cname or msid");
        }
    }
    Negotiated out;
    out.remote = offer;
    SessionDescription ans = localDescription(local, DtlsSetup::Passive);

    for (const MediaSection& o : offer.media) {
        MediaSection a;
        a.mid = o.mid;
        a.kind = o.kind;
        a.codecs = o.codecs;  // payload list for a rejected m-line
        retire(a);

        const bool directionFits =
            purpose == AnswerPurpose::Publish
                ? (o.direction == Direction::SendOnly || o.direction == Direction::SendRecv)
                : (o.direction == Direction::RecvOnly || o.direction == Direction::SendRecv);
        std::vector<sfu::RtpCodec> codecs;
        if (!o.rejected && directionFits) codecs = caps_.select(o.kind, o.codecs);
        const auto stream =
            purpose == AnswerPurpose::View ? sendStreams.find(o.mid) : sendStreams.end();
        // A publisher repairs what its uplink lost when we NACK it; with RTX (RFC 4588) if it
        // offered that, which is the only way webrtcbin (and what Chrome prefers) resends. A
        // viewer gets our repairs as RTX likewise when it offered RTX and we have an RTX SSRC.
        const bool rtxWanted = o.kind == sfu::MediaKind::Video &&
                               (purpose == AnswerPurpose::Publish ||
                                (stream != sendStreams.end() && stream->second.rtxSsrc != 0));
        if (rtxWanted) {
            for (auto& c : codecs) {
                auto offered = std::find_if(o.codecs.begin(), o.codecs.end(), [&](const auto& x) {
                    return x.payloadType == c.payloadType;
                });
                if (offered != o.codecs.end() && contains(c.rtcpFeedback, "nack"))
                    c.rtxPayloadType = offered->rtxPayloadType;
            }
        }
        if (codecs.empty()) {
            ans.media.push_back(std::move(a));
            continue;
        }

        a.rejected = false;
        a.direction = purpose == AnswerPurpose::Publish ? Direction::RecvOnly : Direction::SendOnly;
        a.codecs = std::move(codecs);
        for (const auto& e : o.extensions) {
            if (caps_.supportsExtension(o.kind, e.uri)) a.extensions.push_back(e);
        }
        a.rtcpMux = true;
        a.rtcpRsize = o.rtcpRsize;

        const bool rtx = std::any_of(a.codecs.begin(), a.codecs.end(),
                                     [](const auto& c) { return c.rtxPayloadType.has_value(); });
        MediaSection negotiated = a;
        if (purpose == AnswerPurpose::View) {
            if (stream != sendStreams.end()) {
                a.ssrcs = {stream->second.ssrc};
                if (rtx) a.rtxSsrc = stream->second.rtxSsrc;
                a.cname = stream->second.cname;
                a.msidStream = stream->second.streamId;
                a.msidTrack = stream->second.trackId;
                negotiated = a;
            }
        } else {
            negotiated.ssrcs = o.ssrcs;  // what the client will send
            if (rtx) negotiated.rtxSsrc = o.rtxSsrc;
            negotiated.cname = o.cname;
            negotiated.msidStream = o.msidStream;
            negotiated.msidTrack = o.msidTrack;
        }
        out.media.push_back(std::move(negotiated));
        ans.media.push_back(std::move(a));
    }

    if (out.media.empty()) {
        return SdpError(Code::UnsupportedMedia,
                        "no m-section with a supported codec and direction");
    }
    // The offer's BUNDLE order decides the tag; accepted sections outside it cannot occur for
    // parsed offers but are appended for hand-built ones.
    for (const auto& mid : offer.bundleMids) {
        for (const auto& m : out.media) {
            if (m.mid == mid && !contains(ans.bundleMids, mid)) ans.bundleMids.push_back(mid);
        }
    }
    for (const auto& m : out.media) {
        if (!contains(ans.bundleMids, m.mid)) ans.bundleMids.push_back(m.mid);
    }

    out.sdp = writer_.write(ans);
    out.local = std::move(ans);
    return out;
}

NegotiationResult Negotiator::offer(const std::vector<OfferedTrack>& tracks,
                                    const LocalTransportInfo& local,
                                    const SessionDescription* previous) {
    for (size_t i = 0; i < tracks.size(); ++i) {
        if (!isToken(tracks[i].trackId, kMaxMsidIdLength) ||
            !isToken(tracks[i].streamId, kMaxMsidIdLength)) {
            return bad("track and stream ids must be tokens of at most 64 characters");
        }
        if (!isSafeAttributeValue(tracks[i].cname)) return bad("invalid cname");
        for (size_t j = 0; j < i; ++j) {
            if (tracks[j].trackId == tracks[i].trackId) return bad("duplicate track id");
        }
    }

    std::vector<MediaSection> sections;
    if (previous != nullptr) sections = previous->media;
    uint64_t nextMid = 0;
    for (const auto& s : sections) {
        if (auto n = parseUint(s.mid, UINT32_MAX)) nextMid = std::max<uint64_t>(nextMid, *n + 1);
    }

    const auto fill = [&](MediaSection& s, const OfferedTrack& t) {
        s.kind = t.kind;
        s.rejected = false;
        s.direction = Direction::SendOnly;
        s.codecs = caps_.codecs(t.kind);
        if (!t.codec.empty() &&
            std::any_of(s.codecs.begin(), s.codecs.end(),
                        [&](const sfu::RtpCodec& c) { return iequals(c.name, t.codec); })) {
            std::erase_if(s.codecs,
                          [&](const sfu::RtpCodec& c) { return !iequals(c.name, t.codec); });
        }
        s.extensions = caps_.extensions(t.kind);
        s.ssrcs = {t.ssrc};
        s.rtxSsrc.reset();
        if (t.kind == sfu::MediaKind::Video && t.rtxSsrc != 0 && t.rtxSsrc != t.ssrc) {
            s.rtxSsrc = t.rtxSsrc;  // a=ssrc-group:FID and the RTX payload types
        } else {
            for (auto& c : s.codecs) c.rtxPayloadType.reset();
        }
        s.cname = t.cname;
        s.msidStream = t.streamId;
        s.msidTrack = t.trackId;
        s.rtcpMux = true;
        s.rtcpRsize = true;
    };

    // Sections rejected in the previous offer may be recycled; ones retired now may not (the
    // client has not seen them rejected yet).
    std::vector<bool> recyclable(sections.size());
    std::vector<bool> placed(tracks.size(), false);
    for (size_t i = 0; i < sections.size(); ++i) {
        MediaSection& s = sections[i];
        recyclable[i] = s.rejected && !s.codecs.empty();
        if (s.rejected) continue;
        bool kept = false;
        for (size_t j = 0; j < tracks.size() && !kept; ++j) {
            if (!placed[j] && tracks[j].trackId == s.msidTrack && tracks[j].kind == s.kind) {
                fill(s, tracks[j]);
                placed[j] = true;
                kept = true;
            }
        }
        if (!kept) retire(s);
    }
    for (size_t j = 0; j < tracks.size(); ++j) {
        if (placed[j]) continue;
        MediaSection fresh;
        fresh.mid = std::to_string(nextMid++);
        fill(fresh, tracks[j]);
        bool reused = false;
        for (size_t i = 0; i < sections.size() && !reused; ++i) {
            if (recyclable[i] && sections[i].kind == tracks[j].kind) {
                sections[i] = std::move(fresh);
                recyclable[i] = false;
                reused = true;
            }
        }
        if (reused) continue;
        if (sections.size() >= SdpParser::kMaxMedia) {
            return SdpError(Code::TooManyMedia, "more than 64 m-sections");
        }
        sections.push_back(std::move(fresh));
        recyclable.push_back(false);
    }

    Negotiated out;
    SessionDescription desc = localDescription(local, DtlsSetup::ActPass);
    desc.media = std::move(sections);
    for (const auto& s : desc.media) {
        if (s.rejected) continue;
        desc.bundleMids.push_back(s.mid);
        out.media.push_back(s);
    }
    out.sdp = writer_.write(desc);
    out.local = std::move(desc);
    return out;
}

NegotiationResult Negotiator::applyAnswer(const SessionDescription& offer,
                                          std::string_view answerText) {
    auto parsed = SdpParser::parse(answerText);
    if (!parsed) return parsed.error();
    const SessionDescription& ans = parsed.value();
    if (ans.media.size() != offer.media.size()) {
        return bad("answer has a different number of m-lines than the offer");
    }

    Negotiated out;
    out.local = offer;
    for (size_t i = 0; i < offer.media.size(); ++i) {
        const MediaSection& o = offer.media[i];
        const MediaSection& a = ans.media[i];
        if (a.mid != o.mid && !(a.rejected && a.mid.empty())) {
            return bad("answer m-line " + std::to_string(i) + " has mid '" + a.mid +
                       "', offered '" + o.mid + "'");
        }
        if (o.rejected) {
            if (!a.rejected) return bad("answer accepts m-section " + o.mid + " offered rejected");
            continue;
        }
        if (a.rejected || a.direction == Direction::Inactive) continue;
        if (a.kind != o.kind) return bad("answer changes the kind of m-section " + o.mid);
        if (a.direction != Direction::RecvOnly) {
            return bad("answer direction for m-section " + o.mid + " must be recvonly or inactive");
        }

        MediaSection m = o;
        m.codecs.clear();
        for (const sfu::RtpCodec& ac : a.codecs) {
            const auto oc = std::find_if(o.codecs.begin(), o.codecs.end(), [&](const auto& c) {
                return c.payloadType == ac.payloadType;
            });
            if (oc == o.codecs.end() || !iequals(oc->name, ac.name) ||
                oc->clockRate != ac.clockRate ||
                (ac.rtxPayloadType && ac.rtxPayloadType != oc->rtxPayloadType)) {
                return bad("answer codec " + std::to_string(ac.payloadType) + " in m-section " +
                           o.mid + " was not offered");
            }
            // RFC 6184 §8.2.2: an H.264 answer keeps the offered packetization-mode and profile
            // (the level may differ); otherwise the stream we send would not be decodable.
            if (!ac.fmtp.empty() && iequals(ac.name, "H264") &&
                !sfu::h264SameFormat(oc->fmtp, ac.fmtp)) {
                return bad("answer codec " + std::to_string(ac.payloadType) + " in m-section " +
                           o.mid + " changes the H264 profile or packetization-mode");
            }
            sfu::RtpCodec c = *oc;
            c.rtxPayloadType = ac.rtxPayloadType;    // RTX only if the client accepted it
            if (!ac.fmtp.empty()) c.fmtp = ac.fmtp;  // what the client can receive
            std::erase_if(c.rtcpFeedback,
                          [&](const std::string& fb) { return !contains(ac.rtcpFeedback, fb); });
            m.codecs.push_back(std::move(c));
        }
        if (m.codecs.empty()) return bad("answer accepts m-section " + o.mid + " without codecs");
        if (std::none_of(m.codecs.begin(), m.codecs.end(),
                         [](const auto& c) { return c.rtxPayloadType.has_value(); })) {
            m.rtxSsrc.reset();
        }
        m.extensions.clear();
        for (const auto& ae : a.extensions) {
            const auto oe = std::find_if(o.extensions.begin(), o.extensions.end(),
                                         [&](const auto& e) { return e.uri == ae.uri; });
            if (oe == o.extensions.end()) continue;  // not offered: ignored
            if (oe->id != ae.id) return bad("answer changes the id of extension " + ae.uri);
            m.extensions.push_back(*oe);
        }
        m.direction = Direction::SendOnly;
        m.rtcpRsize = o.rtcpRsize && a.rtcpRsize;
        out.media.push_back(std::move(m));
    }
    if (!out.media.empty() && ans.setup != DtlsSetup::Active) {
        return bad("answer must use a=setup:active (the server is the DTLS server)");
    }
    out.remote = std::move(parsed.value());
    return out;
}

}  // namespace vcb::signaling
