#include "signaling/sdp/SdpParser.hpp"

#include <arpa/inet.h>
#include <gst/sdp/sdp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "signaling/sdp/SdpText.hpp"

namespace vcb::signaling {

namespace {

using sdptext::fmtpParam;
using sdptext::iequals;
using sdptext::isToken;
using sdptext::parseUint;
using sdptext::splitWords;
using sdptext::toLower;
using sdptext::toUpper;
using sdptext::trim;
using Code = SdpError::Code;

constexpr size_t kMaxMidLength = 64;
constexpr size_t kMaxIceCredentialLength = 256;

struct SdpMessageDeleter {
    void operator()(GstSDPMessage* msg) const { gst_sdp_message_free(msg); }
};
using SdpMessagePtr = std::unique_ptr<GstSDPMessage, SdpMessageDeleter>;

SdpError bad(std::string message) { return SdpError(Code::BadSdp, std::move(message)); }

struct Attr {
    std::string_view key;
    std::string_view value;
};

std::string_view cstr(const char* s) { return s == nullptr ? std::string_view{} : s; }

std::vector<Attr> sessionAttributes(const GstSDPMessage* msg) {
    std::vector<Attr> attrs;
    const guint n = gst_sdp_message_attributes_len(msg);
    attrs.reserve(n);
    for (guint i = 0; i < n; ++i) {
        const GstSDPAttribute* a = gst_sdp_message_get_attribute(msg, i);
        if (a != nullptr && a->key != nullptr) attrs.push_back({a->key, trim(cstr(a->value))});
    }
    return attrs;
}

std::vector<Attr> mediaAttributes(const GstSDPMedia* media) {
    std::vector<Attr> attrs;
    const guint n = gst_sdp_media_attributes_len(media);
    attrs.reserve(n);
    for (guint i = 0; i < n; ++i) {
        const GstSDPAttribute* a = gst_sdp_media_get_attribute(media, i);
        if (a != nullptr && a->key != nullptr) attrs.push_back({a->key, trim(cstr(a->value))});
    }
    return attrs;
}

// Line-level sanity GstSDP does not do (it silently skips garbage): every line is "<letter>=",
// the first is v=0, no control characters, and the m-line / attribute counts are bounded before
// GstSDP allocates anything for them.
std::optional<SdpError> checkLines(std::string_view text) {
    size_t mediaCount = 0;
    size_t attributesInSection = 0;
    bool sawVersion = false;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t nl = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        for (char c : line) {
            const auto u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7f) return bad("control character in SDP");
        }
        if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
            return bad("malformed SDP line");
        }
        if (!sawVersion) {
            if (line != "v=0") return bad("SDP must start with v=0");
            sawVersion = true;
        }
        if (line[0] == 'm') {
            if (++mediaCount > SdpParser::kMaxMedia) {
                return SdpError(Code::TooManyMedia, "more than 64 m-lines");
            }
            attributesInSection = 0;
        } else if (line[0] == 'a') {
            if (++attributesInSection > SdpParser::kMaxAttributesPerMedia) {
                return SdpError(Code::TooLarge, "more than 1000 attributes in a section");
            }
        }
    }
    if (!sawVersion) return bad("empty SDP");
    return std::nullopt;
}

bool isIceCredential(std::string_view s) {
    if (s.empty() || s.size() > kMaxIceCredentialLength) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    });
}

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// sha-256 fingerprint: 32 colon-separated hex octets.
bool isSha256Fingerprint(std::string_view fp) {
    if (fp.size() != 32 * 3 - 1) return false;
    for (size_t i = 0; i < fp.size(); ++i) {
        if (i % 3 == 2 ? fp[i] != ':' : !isHex(fp[i])) return false;
    }
    return true;
}

std::optional<Direction> parseDirection(std::string_view key) {
    if (key == "sendrecv") return Direction::SendRecv;
    if (key == "sendonly") return Direction::SendOnly;
    if (key == "recvonly") return Direction::RecvOnly;
    if (key == "inactive") return Direction::Inactive;
    return std::nullopt;
}

// Lower-case, single-spaced: "nack  PLI" -> "nack pli".
std::string normalizeFeedback(std::string_view fb) {
    std::string out;
    for (std::string_view word : splitWords(fb)) {
        if (!out.empty()) out += ' ';
        out += toLower(word);
    }
    return out;
}

struct RtpMap {
    std::string name;
    uint32_t clockRate = 0;
    std::optional<uint8_t> channels;
};

struct StaticPayload {
    uint8_t pt;
    const char* name;
    uint32_t clockRate;
};
// RFC 3551 static payload types a WebRTC peer may list without an rtpmap.
constexpr StaticPayload kStaticPayloads[] = {
    {0, "PCMU", 8000}, {8, "PCMA", 8000}, {9, "G722", 8000}, {13, "CN", 8000}};

// Per-m-line facts beyond MediaSection that the session-level checks need.
struct ParsedMedia {
    MediaSection section;
    bool usable = false;  // audio/video, port != 0, SAVPF: must be bundled and rtcp-muxed
    bool portZero = false;
    std::string iceUfrag;
    std::string icePwd;
    std::vector<std::string_view> fingerprints;
    std::optional<std::string_view> setup;
    std::vector<sfu::IceCandidate> candidates;
};

std::optional<SdpError> parseRtpMap(std::string_view value, std::map<uint8_t, RtpMap>& out) {
    const auto parts = splitWords(value, 2);
    if (parts.size() != 2) return bad("malformed a=rtpmap");
    const auto pt = parseUint(parts[0], 127);
    if (!pt) return bad("a=rtpmap payload type out of range");
    std::string_view enc = parts[1];
    const size_t slash1 = enc.find('/');
    if (slash1 == std::string_view::npos) return bad("a=rtpmap without clock rate");
    RtpMap map;
    map.name = std::string(enc.substr(0, slash1));
    std::string_view rest = enc.substr(slash1 + 1);
    const size_t slash2 = rest.find('/');
    const auto rate = parseUint(rest.substr(0, slash2), UINT32_MAX);
    if (!isToken(map.name, 64) || !rate || *rate == 0) return bad("malformed a=rtpmap");
    map.clockRate = static_cast<uint32_t>(*rate);
    if (slash2 != std::string_view::npos) {
        const auto channels = parseUint(rest.substr(slash2 + 1), 255);
        if (!channels) return bad("malformed a=rtpmap channels");
        map.channels = static_cast<uint8_t>(*channels);
    }
    out.emplace(static_cast<uint8_t>(*pt), std::move(map));  // the first rtpmap for a PT wins
    return std::nullopt;
}

std::optional<SdpError> parseExtmap(std::string_view value,
                                    std::vector<sfu::RtpHeaderExtension>& out) {
    const auto parts = splitWords(value, 3);
    if (parts.size() < 2) return bad("malformed a=extmap");
    std::string_view idPart = parts[0];
    const size_t slash = idPart.find('/');
    if (slash != std::string_view::npos) {
        if (!parseDirection(idPart.substr(slash + 1))) return bad("bad a=extmap direction");
        idPart = idPart.substr(0, slash);
    }
    const auto id = parseUint(idPart, 255);
    if (!id || *id == 0) return bad("a=extmap id out of range");
    for (const auto& ext : out) {
        if (ext.id == *id) {
            if (ext.uri != parts[1]) return bad("a=extmap id used twice");
            return std::nullopt;
        }
    }
    out.push_back({static_cast<uint8_t>(*id), std::string(parts[1])});
    return std::nullopt;
}

// Parses one m-line and its attributes.
Expected<ParsedMedia, SdpError> parseMedia(const GstSDPMedia* media) {
    ParsedMedia pm;
    MediaSection& s = pm.section;

    const std::string_view type = cstr(gst_sdp_media_get_media(media));
    const std::string_view proto = cstr(gst_sdp_media_get_proto(media));
    const guint port = gst_sdp_media_get_port(media);
    std::vector<std::string_view> formats;
    const guint formatCount = gst_sdp_media_formats_len(media);
    for (guint i = 0; i < formatCount; ++i) {
        const std::string_view f = cstr(gst_sdp_media_get_format(media, i));
        if (!f.empty()) formats.push_back(f);
    }
    if (type.empty() || proto.empty() || formats.empty()) return bad("malformed m-line");
    if (port > 65535) return bad("m-line port out of range");
    if (formats.size() > SdpParser::kMaxCodecsPerMedia) {
        return SdpError(Code::TooLarge, "more than 64 formats in an m-line");
    }
    if (gst_sdp_media_attributes_len(media) > SdpParser::kMaxAttributesPerMedia) {
        return SdpError(Code::TooLarge, "more than 1000 attributes in a section");
    }

    const bool isAudio = iequals(type, "audio");
    const bool isRtp = isAudio || iequals(type, "video");
    s.kind = iequals(type, "video") ? sfu::MediaKind::Video : sfu::MediaKind::Audio;
    const bool savpf = proto.size() >= 9 && iequals(proto.substr(proto.size() - 9), "RTP/SAVPF");
    // RFC 8843 §6: port 0 with a=bundle-only is a bundled section, not a rejected one
    // (GStreamer webrtcbin offers every section after the first like that).
    const bool bundleOnly = gst_sdp_media_get_attribute_val(media, "bundle-only") != nullptr;
    pm.portZero = port == 0 && !bundleOnly;
    s.rejected = pm.portZero || !isRtp || !savpf;
    pm.usable = !s.rejected;
    s.direction = Direction::SendRecv;

    std::map<uint8_t, RtpMap> rtpmaps;
    std::map<uint8_t, std::string> fmtps;
    std::map<uint8_t, std::vector<std::string>> feedback;
    std::vector<std::string> wildcardFeedback;
    std::vector<uint32_t> announcedSsrcs;
    std::vector<std::pair<uint32_t, uint32_t>> fidGroups;
    std::string ssrcMsidStream;
    std::string ssrcMsidTrack;
    bool haveMsid = false;

    for (const Attr& a : mediaAttributes(media)) {
        const std::string_view key = a.key;
        const std::string_view v = a.value;
        if (key == "mid") {
            if (!isToken(v, kMaxMidLength)) return bad("invalid a=mid");
            s.mid = std::string(v);
        } else if (auto dir = parseDirection(key)) {
            s.direction = *dir;
        } else if (key == "rtcp-mux") {
            s.rtcpMux = true;
        } else if (key == "rtcp-rsize") {
            s.rtcpRsize = true;
        } else if (key == "ice-ufrag") {
            if (pm.iceUfrag.empty()) pm.iceUfrag = std::string(v);
        } else if (key == "ice-pwd") {
            if (pm.icePwd.empty()) pm.icePwd = std::string(v);
        } else if (key == "fingerprint") {
            pm.fingerprints.push_back(v);
        } else if (key == "setup") {
            if (!pm.setup) pm.setup = v;
        } else if (key == "candidate") {
            if (auto c = SdpParser::parseCandidate(v)) pm.candidates.push_back(std::move(*c));
        } else if (!isRtp) {
            continue;  // the remaining attributes only matter for RTP sections
        } else if (key == "rtpmap") {
            if (auto err = parseRtpMap(v, rtpmaps)) return *err;
        } else if (key == "fmtp") {
            const auto parts = splitWords(v, 2);
            const auto pt = parts.empty() ? std::nullopt : parseUint(parts[0], 127);
            if (!pt) return bad("a=fmtp payload type out of range");
            fmtps.emplace(static_cast<uint8_t>(*pt), parts.size() > 1 ? parts[1] : "");
        } else if (key == "rtcp-fb") {
            const auto parts = splitWords(v, 2);
            if (parts.size() != 2) return bad("malformed a=rtcp-fb");
            std::string fb = normalizeFeedback(parts[1]);
            if (parts[0] == "*") {
                wildcardFeedback.push_back(std::move(fb));
            } else if (auto pt = parseUint(parts[0], 127)) {
                feedback[static_cast<uint8_t>(*pt)].push_back(std::move(fb));
            } else {
                return bad("a=rtcp-fb payload type out of range");
            }
        } else if (key == "extmap") {
            if (auto err = parseExtmap(v, s.extensions)) return *err;
        } else if (key == "ssrc") {
            const auto parts = splitWords(v, 2);
            const auto ssrc = parts.empty() ? std::nullopt : parseUint(parts[0], UINT32_MAX);
            if (!ssrc) return bad("malformed a=ssrc");
            const auto id = static_cast<uint32_t>(*ssrc);
            if (std::find(announcedSsrcs.begin(), announcedSsrcs.end(), id) ==
                announcedSsrcs.end()) {
                announcedSsrcs.push_back(id);
            }
            if (parts.size() < 2) continue;
            const size_t colon = parts[1].find(':');
            const std::string_view name = parts[1].substr(0, colon);
            const std::string_view val =
                colon == std::string_view::npos ? std::string_view{} : parts[1].substr(colon + 1);
            if (name == "cname" && s.cname.empty()) {
                s.cname = std::string(trim(val));
            } else if (name == "msid" && ssrcMsidStream.empty()) {
                const auto ids = splitWords(val, 2);
                if (!ids.empty()) ssrcMsidStream = std::string(ids[0]);
                if (ids.size() > 1) ssrcMsidTrack = std::string(ids[1]);
            }
        } else if (key == "ssrc-group") {
            const auto parts = splitWords(v, 4);
            if (parts.empty()) return bad("malformed a=ssrc-group");
            if (parts[0] != "FID") continue;  // SIM etc.: the SSRCs are listed by a=ssrc anyway
            if (parts.size() != 3) return bad("malformed a=ssrc-group:FID");
            const auto primary = parseUint(parts[1], UINT32_MAX);
            const auto rtx = parseUint(parts[2], UINT32_MAX);
            if (!primary || !rtx) return bad("malformed a=ssrc-group:FID");
            fidGroups.emplace_back(static_cast<uint32_t>(*primary), static_cast<uint32_t>(*rtx));
        } else if (key == "msid") {
            const auto ids = splitWords(v, 2);
            if (ids.empty()) return bad("malformed a=msid");
            if (!haveMsid) {
                s.msidStream = std::string(ids[0]);
                s.msidTrack = ids.size() > 1 ? std::string(ids[1]) : std::string{};
                haveMsid = true;
            }
        }
    }

    if (!haveMsid) {
        s.msidStream = std::move(ssrcMsidStream);
        s.msidTrack = std::move(ssrcMsidTrack);
    }

    if (isRtp) {
        for (std::string_view f : formats) {
            const auto pt = parseUint(f, 127);
            if (!pt) return bad("payload type out of range");
            const auto ptByte = static_cast<uint8_t>(*pt);
            if (std::any_of(s.codecs.begin(), s.codecs.end(),
                            [&](const sfu::RtpCodec& c) { return c.payloadType == ptByte; })) {
                continue;
            }
            sfu::RtpCodec codec;
            codec.payloadType = ptByte;
            if (auto it = rtpmaps.find(ptByte); it != rtpmaps.end()) {
                codec.name = it->second.name;
                codec.clockRate = it->second.clockRate;
                codec.channels = it->second.channels.value_or(isAudio ? 1 : 0);
            } else {
                for (const StaticPayload& sp : kStaticPayloads) {
                    if (sp.pt == ptByte) {
                        codec.name = sp.name;
                        codec.clockRate = sp.clockRate;
                        codec.channels = 1;
                    }
                }
            }
            if (auto it = fmtps.find(ptByte); it != fmtps.end()) codec.fmtp = it->second;
            std::vector<std::string> fbs = feedback[ptByte];
            fbs.insert(fbs.end(), wildcardFeedback.begin(), wildcardFeedback.end());
            for (std::string& fb : fbs) {
                if (std::find(codec.rtcpFeedback.begin(), codec.rtcpFeedback.end(), fb) ==
                    codec.rtcpFeedback.end()) {
                    codec.rtcpFeedback.push_back(std::move(fb));
                }
            }
            s.codecs.push_back(std::move(codec));
        }
        // Fold RTX into the codec it repairs.
        for (const sfu::RtpCodec& rtx : s.codecs) {
            if (!iequals(rtx.name, "rtx")) continue;
            const auto apt = fmtpParam(rtx.fmtp, "apt");
            const auto aptPt = apt ? parseUint(*apt, 127) : std::nullopt;
            if (!aptPt) continue;
            for (sfu::RtpCodec& c : s.codecs) {
                if (c.payloadType == *aptPt && !iequals(c.name, "rtx") && c.clockRate != 0 &&
                    !c.rtxPayloadType) {
                    c.rtxPayloadType = rtx.payloadType;
                }
            }
        }
        std::erase_if(s.codecs, [](const sfu::RtpCodec& c) { return iequals(c.name, "rtx"); });

        for (uint32_t ssrc : announcedSsrcs) {
            const bool isRtx = std::any_of(fidGroups.begin(), fidGroups.end(),
                                           [&](const auto& g) { return g.second == ssrc; });
            if (!isRtx) s.ssrcs.push_back(ssrc);
        }
        for (const auto& [primary, rtx] : fidGroups) {
            if (!s.ssrcs.empty() && primary == s.ssrcs.front()) s.rtxSsrc = rtx;
        }
    }
    if (s.rejected) s.direction = Direction::Inactive;
    if (pm.usable && s.mid.empty()) return bad("m-section without a=mid");
    return pm;
}

std::optional<DtlsSetup> parseSetup(std::string_view v) {
    if (iequals(v, "actpass")) return DtlsSetup::ActPass;
    if (iequals(v, "active")) return DtlsSetup::Active;
    if (iequals(v, "passive")) return DtlsSetup::Passive;
    return std::nullopt;  // holdconn or garbage: DTLS-SRTP needs a role
}

}  // namespace

std::optional<sfu::IceCandidate> SdpParser::parseCandidate(std::string_view value) {
    value = trim(value);
    if (value.size() >= 10 && iequals(value.substr(0, 10), "candidate:")) value.remove_prefix(10);
    const auto p = splitWords(value, 9);
    if (p.size() < 8 || p[6] != "typ") return std::nullopt;
    const auto component = parseUint(p[1], UINT32_MAX);
    const auto priority = parseUint(p[3], UINT32_MAX);
    const auto port = parseUint(p[5], 65535);
    if (!isToken(p[0], 32) || !component || *component != 1 || !iequals(p[2], "udp") || !priority ||
        !port || *port == 0) {
        return std::nullopt;
    }
    const std::string address(p[4]);
    in_addr parsed{};
    // inet_pton stops at an embedded NUL, so reject NULs first (fuzz_sdpfrag reproducer).
    if (address.size() > 15 || address.find('\0') != std::string::npos ||
        inet_pton(AF_INET, address.c_str(), &parsed) != 1) {
        return std::nullopt;  // IPv6, mDNS (.local) and anything else
    }
    const std::string_view type = p[7];
    if (type != "host" && type != "srflx" && type != "prflx" && type != "relay")
        return std::nullopt;
    sfu::IceCandidate c;
    c.foundation = std::string(p[0]);
    c.component = 1;
    c.transport = "udp";
    c.priority = static_cast<uint32_t>(*priority);
    c.address = address;
    c.port = static_cast<uint16_t>(*port);
    c.type = std::string(type);
    return c;
}

SdpResult SdpParser::parse(std::string_view text) {
    if (text.size() > kMaxTextBytes) return SdpError(Code::TooLarge, "SDP larger than 64 KiB");
    if (text.find('\0') != std::string_view::npos) return bad("NUL byte in SDP");
    if (auto err = checkLines(text)) return *err;

    const std::string owned(text);  // GstSDP needs a NUL-terminated string
    GstSDPMessage* raw = nullptr;
    if (gst_sdp_message_new_from_text(owned.c_str(), &raw) != GST_SDP_OK || raw == nullptr) {
        if (raw != nullptr) gst_sdp_message_free(raw);
        return bad("unparseable SDP");
    }
    const SdpMessagePtr msg(raw);

    const GstSDPOrigin* origin = gst_sdp_message_get_origin(msg.get());
    if (origin == nullptr || origin->sess_id == nullptr || origin->sess_version == nullptr ||
        !parseUint(cstr(origin->sess_id), UINT64_MAX) ||
        !parseUint(cstr(origin->sess_version), UINT64_MAX)) {
        return bad("missing or malformed o= line");
    }

    SessionDescription desc;
    std::string sessionUfrag;
    std::string sessionPwd;
    std::vector<std::string_view> sessionFingerprints;
    std::optional<std::string_view> sessionSetup;
    std::vector<std::vector<std::string_view>> bundleGroups;
    const std::vector<Attr> sessionAttrs = sessionAttributes(msg.get());
    if (sessionAttrs.size() > kMaxAttributesPerMedia) {
        return SdpError(Code::TooLarge, "more than 1000 session attributes");
    }
    for (const Attr& a : sessionAttrs) {
        if (a.key == "ice-ufrag") {
            if (sessionUfrag.empty()) sessionUfrag = std::string(a.value);
        } else if (a.key == "ice-pwd") {
            if (sessionPwd.empty()) sessionPwd = std::string(a.value);
        } else if (a.key == "ice-lite") {
            desc.iceLite = true;
        } else if (a.key == "fingerprint") {
            sessionFingerprints.push_back(a.value);
        } else if (a.key == "setup") {
            if (!sessionSetup) sessionSetup = a.value;
        } else if (a.key == "group") {
            auto parts = splitWords(a.value, kMaxMedia + 2);
            if (parts.empty() || parts[0] != "BUNDLE") continue;
            parts.erase(parts.begin());
            for (std::string_view mid : parts) {
                if (!isToken(mid, kMaxMidLength)) return bad("invalid mid in a=group:BUNDLE");
            }
            bundleGroups.push_back(std::move(parts));
        }
    }

    std::vector<ParsedMedia> medias;
    const guint mediaCount = gst_sdp_message_medias_len(msg.get());
    if (mediaCount > kMaxMedia) return SdpError(Code::TooManyMedia, "more than 64 m-lines");
    for (guint i = 0; i < mediaCount; ++i) {
        auto pm = parseMedia(gst_sdp_message_get_media(msg.get(), i));
        if (!pm) return pm.error();
        const std::string& mid = pm->section.mid;
        if (!mid.empty() && std::any_of(medias.begin(), medias.end(), [&](const ParsedMedia& m) {
                return m.section.mid == mid;
            })) {
            return bad("duplicate a=mid");
        }
        medias.push_back(std::move(pm.value()));
    }

    // Transport parameters come from the first m-line of the BUNDLE group that holds every used
    // m-line; sections outside it would need transports vcbridge does not offer.
    const bool anyUsable =
        std::any_of(medias.begin(), medias.end(), [](const ParsedMedia& m) { return m.usable; });
    const ParsedMedia* transport = nullptr;
    if (anyUsable) {
        const std::vector<std::string_view>* group = nullptr;
        for (const auto& g : bundleGroups) {
            const bool holdsAll =
                std::all_of(medias.begin(), medias.end(), [&](const ParsedMedia& m) {
                    return !m.usable || std::find(g.begin(), g.end(), m.section.mid) != g.end();
                });
            if (holdsAll) {
                group = &g;
                break;
            }
        }
        if (group == nullptr) {
            return SdpError(Code::NoBundle, "used m-lines are not all in one BUNDLE group");
        }
        for (const ParsedMedia& m : medias) {
            const bool inGroup =
                std::find(group->begin(), group->end(), m.section.mid) != group->end();
            if (inGroup) desc.bundleMids.push_back(m.section.mid);
            if (inGroup && !m.portZero && transport == nullptr) transport = &m;
            if (m.usable && !m.section.rtcpMux) {
                return SdpError(Code::NoRtcpMux, "m-section " + m.section.mid + " lacks rtcp-mux");
            }
        }
    } else {
        for (const ParsedMedia& m : medias) {
            if (!m.portZero) {
                transport = &m;
                break;
            }
        }
    }

    // Media level wins over session level.
    desc.iceUfrag =
        transport != nullptr && !transport->iceUfrag.empty() ? transport->iceUfrag : sessionUfrag;
    desc.icePwd =
        transport != nullptr && !transport->icePwd.empty() ? transport->icePwd : sessionPwd;
    if (desc.iceUfrag.empty() || desc.icePwd.empty()) {
        if (anyUsable) return SdpError(Code::MissingIce, "missing a=ice-ufrag or a=ice-pwd");
    } else if (!isIceCredential(desc.iceUfrag) || !isIceCredential(desc.icePwd)) {
        return bad("malformed ICE credentials");
    }

    const std::vector<std::string_view>& fingerprints =
        transport != nullptr && !transport->fingerprints.empty() ? transport->fingerprints
                                                                 : sessionFingerprints;
    if (fingerprints.empty()) {
        if (anyUsable) return SdpError(Code::MissingFingerprint, "missing a=fingerprint");
    } else {
        bool found = false;
        for (std::string_view fp : fingerprints) {
            const auto parts = splitWords(fp, 2);
            if (parts.size() != 2 || !iequals(parts[0], "sha-256")) continue;
            if (!isSha256Fingerprint(parts[1])) return bad("malformed sha-256 fingerprint");
            desc.fingerprintAlgorithm = "sha-256";
            desc.fingerprint = toUpper(parts[1]);
            found = true;
            break;
        }
        if (!found && anyUsable) {
            return SdpError(Code::UnsupportedFingerprint, "no sha-256 fingerprint");
        }
    }

    const std::optional<std::string_view> setup =
        transport != nullptr && transport->setup ? transport->setup : sessionSetup;
    if (setup) {
        const auto role = parseSetup(*setup);
        if (!role) return bad("unsupported a=setup value");
        desc.setup = *role;
    } else {
        desc.setup = DtlsSetup::Active;  // RFC 4145 default
    }

    for (const ParsedMedia& m : medias) {
        if (m.portZero) continue;
        for (const sfu::IceCandidate& c : m.candidates) {
            const bool dup = std::any_of(desc.candidates.begin(), desc.candidates.end(),
                                         [&](const sfu::IceCandidate& o) {
                                             return o.address == c.address && o.port == c.port;
                                         });
            if (!dup && desc.candidates.size() < kMaxCandidates) desc.candidates.push_back(c);
        }
    }

    desc.media.reserve(medias.size());
    for (ParsedMedia& m : medias) desc.media.push_back(std::move(m.section));
    return desc;
}

}  // namespace vcb::signaling
