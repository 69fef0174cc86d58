#include "signaling/sdp/SdpWriter.hpp"

#include <glib.h>
#include <gst/sdp/sdp.h>

#include <memory>
#include <random>
#include <string>

namespace vcb::signaling {

namespace {

struct SdpMessageDeleter {
    void operator()(GstSDPMessage* msg) const { gst_sdp_message_free(msg); }
};
struct SdpMediaDeleter {
    void operator()(GstSDPMedia* media) const { gst_sdp_media_free(media); }
};

const char* directionName(Direction d) {
    switch (d) {
        case Direction::SendRecv:
            return "sendrecv";
        case Direction::SendOnly:
            return "sendonly";
        case Direction::RecvOnly:
            return "recvonly";
        case Direction::Inactive:
            return "inactive";
    }
    return "inactive";
}

const char* setupName(DtlsSetup s) {
    switch (s) {
        case DtlsSetup::ActPass:
            return "actpass";
        case DtlsSetup::Active:
            return "active";
        case DtlsSetup::Passive:
            return "passive";
    }
    return "actpass";
}

void attr(GstSDPMedia* m, const char* key, const std::string& value) {
    gst_sdp_media_add_attribute(m, key, value.c_str());
}

std::string candidateLine(const sfu::IceCandidate& c) { return formatCandidate(c); }

}  // namespace

std::string formatCandidate(const sfu::IceCandidate& c) {
    return c.foundation + " " + std::to_string(c.component) + " " + c.transport + " " +
           std::to_string(c.priority) + " " + c.address + " " + std::to_string(c.port) + " typ " +
           c.type;
}

namespace {

void addRtpSection(GstSDPMedia* m, const SessionDescription& desc, const MediaSection& s,
                   bool rejected) {
    // Transport attributes go into rejected RTP sections too: webrtcbin refuses a description
    // in which any media section lacks a=fingerprint, rejected or not.
    if (!desc.iceUfrag.empty()) {
        attr(m, "ice-ufrag", desc.iceUfrag);
        attr(m, "ice-pwd", desc.icePwd);
    }
    if (!desc.fingerprint.empty())
        attr(m, "fingerprint", desc.fingerprintAlgorithm + " " + desc.fingerprint);
    attr(m, "setup", setupName(desc.setup));
    gst_sdp_media_add_attribute(m, directionName(rejected ? Direction::Inactive : s.direction),
                                nullptr);
    if (rejected) return;
    if (s.rtcpMux) gst_sdp_media_add_attribute(m, "rtcp-mux", nullptr);
    if (s.rtcpRsize) gst_sdp_media_add_attribute(m, "rtcp-rsize", nullptr);
    for (const auto& e : s.extensions) attr(m, "extmap", std::to_string(e.id) + " " + e.uri);
    for (const auto& c : s.codecs) {
        const std::string pt = std::to_string(c.payloadType);
        std::string map = pt + " " + c.name + "/" + std::to_string(c.clockRate);
        if (s.kind == sfu::MediaKind::Audio && c.channels > 1) {
            map += "/" + std::to_string(c.channels);
        }
        // A payload type listed without rtpmap (static or unknown) is written the same way.
        const bool mapped = !c.name.empty() && c.clockRate != 0;
        if (mapped) attr(m, "rtpmap", map);
        for (const auto& fb : c.rtcpFeedback) attr(m, "rtcp-fb", pt + " " + fb);
        if (!c.fmtp.empty()) attr(m, "fmtp", pt + " " + c.fmtp);
        if (c.rtxPayloadType && mapped) {
            const std::string rtx = std::to_string(*c.rtxPayloadType);
            attr(m, "rtpmap", rtx + " rtx/" + std::to_string(c.clockRate));
            attr(m, "fmtp", rtx + " apt=" + pt);
        }
    }
    const bool haveMsid = !s.msidStream.empty();
    const std::string msid = s.msidStream + (s.msidTrack.empty() ? "" : " " + s.msidTrack);
    std::vector<uint32_t> ssrcs = s.ssrcs;
    if (s.rtxSsrc && !s.ssrcs.empty()) {
        attr(m, "ssrc-group",
             "FID " + std::to_string(s.ssrcs.front()) + " " + std::to_string(*s.rtxSsrc));
        ssrcs.push_back(*s.rtxSsrc);
    }
    for (uint32_t ssrc : ssrcs) {
        const std::string id = std::to_string(ssrc);
        if (!s.cname.empty()) attr(m, "ssrc", id + " cname:" + s.cname);
        if (haveMsid) attr(m, "ssrc", id + " msid:" + msid);
    }
    if (haveMsid) attr(m, "msid", msid);
    for (const auto& c : desc.candidates) attr(m, "candidate", candidateLine(c));
    gst_sdp_media_add_attribute(m, "end-of-candidates", nullptr);
}

}  // namespace

SdpWriter::SdpWriter() : version_(1) {
    std::random_device rd;
    const uint64_t hi = rd();
    const uint64_t lo = rd();
    // JSEP: the session id must fit in 63 bits; avoid 0 for readability.
    sessionId_ = (((hi << 32) | lo) & 0x7fffffffffffffffULL) | 1ULL;
}

SdpWriter::SdpWriter(uint64_t sessionId, uint64_t firstVersion)
    : sessionId_(sessionId), version_(firstVersion) {}

std::string SdpWriter::write(const SessionDescription& desc) {
    GstSDPMessage* rawMsg = nullptr;
    gst_sdp_message_new(&rawMsg);
    const std::unique_ptr<GstSDPMessage, SdpMessageDeleter> msg(rawMsg);
    gst_sdp_message_set_version(msg.get(), "0");
    const std::string id = std::to_string(sessionId_);
    const std::string version = std::to_string(version_++);
    gst_sdp_message_set_origin(msg.get(), "-", id.c_str(), version.c_str(), "IN", "IP4",
                               "127.0.0.1");
    gst_sdp_message_set_session_name(msg.get(), "-");
    gst_sdp_message_add_time(msg.get(), "0", "0", nullptr);
    if (!desc.bundleMids.empty()) {
        std::string group = "BUNDLE";
        for (const auto& mid : desc.bundleMids) group += " " + mid;
        gst_sdp_message_add_attribute(msg.get(), "group", group.c_str());
    }
    if (desc.iceLite) gst_sdp_message_add_attribute(msg.get(), "ice-lite", nullptr);
    gst_sdp_message_add_attribute(msg.get(), "msid-semantic", " WMS *");

    for (const MediaSection& s : desc.media) {
        GstSDPMedia* rawMedia = nullptr;
        gst_sdp_media_new(&rawMedia);
        const std::unique_ptr<GstSDPMedia, SdpMediaDeleter> m(rawMedia);
        const bool dataChannel = s.rejected && s.codecs.empty();
        // A section without codecs cannot carry media: write it rejected.
        const bool rejected = s.rejected || s.codecs.empty();
        if (dataChannel) {
            gst_sdp_media_set_media(m.get(), "application");
            gst_sdp_media_set_port_info(m.get(), 0, 0);
            gst_sdp_media_set_proto(m.get(), "UDP/DTLS/SCTP");
            gst_sdp_media_add_format(m.get(), "webrtc-datachannel");
        } else {
            gst_sdp_media_set_media(m.get(), s.kind == sfu::MediaKind::Audio ? "audio" : "video");
            gst_sdp_media_set_port_info(m.get(), rejected ? 0 : 9, 0);
            gst_sdp_media_set_proto(m.get(), "UDP/TLS/RTP/SAVPF");
            for (const auto& c : s.codecs) {
                gst_sdp_media_add_format(m.get(), std::to_string(c.payloadType).c_str());
                if (c.rtxPayloadType && !rejected && !c.name.empty() && c.clockRate != 0) {
                    gst_sdp_media_add_format(m.get(), std::to_string(*c.rtxPayloadType).c_str());
                }
            }
            // An m-line needs at least one format.
            if (s.codecs.empty()) gst_sdp_media_add_format(m.get(), "0");
        }
        gst_sdp_media_add_connection(m.get(), "IN", "IP4", "0.0.0.0", 0, 0);
        if (!s.mid.empty()) attr(m.get(), "mid", s.mid);
        if (!dataChannel) addRtpSection(m.get(), desc, s, rejected);
        gst_sdp_message_add_media(msg.get(), m.get());  // copies
    }

    gchar* text = gst_sdp_message_as_text(msg.get());
    std::string out = text != nullptr ? text : "";
    g_free(text);
    return out;
}

}  // namespace vcb::signaling
