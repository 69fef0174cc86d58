#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "signaling/sdp/Negotiator.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"
#include "tests/sdp/TestSdps.hpp"
#include "tests/sdp/TestUtil.hpp"

namespace vcb::signaling {
namespace {

using namespace testsdp;
using sfu::MediaKind;

LocalTransportInfo serverTransport() {
    LocalTransportInfo t;
    t.iceUfrag = "vcbU";
    t.icePwd = "vcbridgeIcePassword0123456789";
    t.fingerprint =
        "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
        "AB:CD:EF";
    sfu::IceCandidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = "192.0.2.1";
    c.port = 3478;
    t.candidates = {c};
    return t;
}

SessionDescription parse(const std::string& text) {
    auto r = SdpParser::parse(text);
    EXPECT_TRUE(r.ok()) << r.error().message() << "\n" << text;
    return r.ok() ? r.value() : SessionDescription{};
}

std::vector<uint8_t> payloadTypes(const MediaSection& s) {
    std::vector<uint8_t> pts;
    for (const auto& c : s.codecs) pts.push_back(c.payloadType);
    return pts;
}

std::vector<std::string> extensionUris(const MediaSection& s) {
    std::vector<std::string> uris;
    for (const auto& e : s.extensions) uris.push_back(std::to_string(e.id) + " " + e.uri);
    return uris;
}

TEST(Negotiator, PublishAnswerToChromeOffer) {
    Negotiator n;
    const auto offer = parse(kChromeOffer);
    const auto result = n.answer(offer, serverTransport(), AnswerPurpose::Publish);
    ASSERT_TRUE(result.ok()) << result.error().message();

    // Negotiated parameters for the SFU: the two media sections, not the data channel.
    ASSERT_EQ(result->media.size(), 2u);
    const auto& audio = result->media[0];
    EXPECT_EQ(audio.mid, "0");
    EXPECT_EQ(audio.direction, Direction::RecvOnly);
    ASSERT_EQ(audio.codecs.size(), 1u);
    EXPECT_EQ(audio.codecs[0].payloadType, 111);
    EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
    EXPECT_EQ(audio.codecs[0].rtcpFeedback, std::vector<std::string>{"transport-cc"});
    EXPECT_EQ(
        extensionUris(audio),
        (std::vector<std::string>{
            "1 " + std::string(sfu::ext::kAudioLevel), "2 " + std::string(sfu::ext::kAbsSendTime),
            "3 " + std::string(sfu::ext::kTransportCc), "4 " + std::string(sfu::ext::kMid)}));
    EXPECT_EQ(audio.ssrcs, std::vector<uint32_t>{1001911271u});
    EXPECT_EQ(audio.msidTrack, "3c0f7e2a-5b1d-4c8e-9a7f-6e5d4c3b2a10");

    const auto& video = result->media[1];
    EXPECT_EQ(video.mid, "1");
    // VP8 first, then the H264 with packetization-mode=1 and profile 42e01f; their RTX kept, so
    // the publisher can answer our NACKs.
    EXPECT_EQ(payloadTypes(video), (std::vector<uint8_t>{96, 106}));
    EXPECT_EQ(video.codecs[0].rtxPayloadType, std::optional<uint8_t>(97));
    EXPECT_EQ(video.codecs[1].rtxPayloadType, std::optional<uint8_t>(107));
    EXPECT_EQ(
        video.codecs[0].rtcpFeedback,
        (std::vector<std::string>{"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}));
    EXPECT_EQ(
        extensionUris(video),
        (std::vector<std::string>{
            "2 " + std::string(sfu::ext::kAbsSendTime), "3 " + std::string(sfu::ext::kTransportCc),
            "4 " + std::string(sfu::ext::kMid), "10 " + std::string(sfu::ext::kRid)}));
    EXPECT_EQ(video.ssrcs, std::vector<uint32_t>{2833478913u});
    EXPECT_EQ(video.rtxSsrc, std::optional<uint32_t>(3466097224u));
    EXPECT_EQ(result->remote.iceUfrag, "Fq3v");

    // The answer text as the client sees it.
    const std::string& sdp = result->sdp;
    EXPECT_NE(sdp.find("a=ice-lite\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=group:BUNDLE 0 1\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 "
                       "0.0.0.0\r\na=mid:2\r\n"),
              std::string::npos)
        << sdp;
    EXPECT_NE(sdp.find("m=video 9 UDP/TLS/RTP/SAVPF 96 97 106 107\r\n"), std::string::npos) << sdp;
    EXPECT_NE(sdp.find("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), std::string::npos);
    EXPECT_EQ(sdp.find("a=rtpmap:111 rtx"), std::string::npos);  // audio: never
    EXPECT_EQ(sdp.find("a=ssrc"), std::string::npos);
    EXPECT_EQ(sdp.find("a=sendonly"), std::string::npos);

    const auto answer = parse(sdp);
    EXPECT_TRUE(answer.iceLite);
    EXPECT_EQ(answer.setup, DtlsSetup::Passive);
    EXPECT_EQ(answer.iceUfrag, "vcbU");
    EXPECT_EQ(answer.fingerprint, serverTransport().fingerprint);
    ASSERT_EQ(answer.media.size(), 3u);
    EXPECT_EQ(answer.media[0].direction, Direction::RecvOnly);
    EXPECT_TRUE(answer.media[0].rtcpMux);
    EXPECT_TRUE(answer.media[1].rtcpRsize);
    EXPECT_TRUE(answer.media[2].rejected);
    EXPECT_EQ(answer.media[2].mid, "2");
    ASSERT_EQ(answer.candidates.size(), 1u);
    EXPECT_EQ(answer.candidates[0].address, "192.0.2.1");
}

TEST(Negotiator, PublishAnswerToWebrtcbinOffer) {
    Negotiator n;
    const auto result = n.answer(parse(kWebrtcbinOffer), serverTransport(), AnswerPurpose::Publish);
    ASSERT_TRUE(result.ok()) << result.error().message();
    ASSERT_EQ(result->media.size(), 2u);
    EXPECT_EQ(result->media[0].mid, "video0");
    EXPECT_EQ(payloadTypes(result->media[0]), std::vector<uint8_t>{96});
    EXPECT_EQ(result->media[0].codecs[0].rtcpFeedback,
              (std::vector<std::string>{"nack", "nack pli"}));
    EXPECT_EQ(result->media[1].mid, "audio1");
    EXPECT_EQ(result->media[1].codecs[0].name, "OPUS");  // case as offered
    EXPECT_EQ(result->media[1].codecs[0].payloadType, 97);
    EXPECT_TRUE(result->media[1].codecs[0].rtcpFeedback.empty());  // no nack for audio
    EXPECT_EQ(result->media[1].msidTrack, "webrtctransceiver1");
    EXPECT_NE(result->sdp.find("a=group:BUNDLE video0 audio1\r\n"), std::string::npos);
    EXPECT_NE(result->sdp.find("a=rtpmap:97 OPUS/48000/2\r\n"), std::string::npos);
    parse(result->sdp);
}

TEST(Negotiator, ViewAnswerCarriesServerSsrcs) {
    Negotiator n;
    std::map<std::string, SendStream> streams;
    streams["0"] = {111111, "vcbridge", "p7", "p7-0"};
    streams["1"] = {222222, "vcbridge", "p7", "p7-1"};
    const auto result =
        n.answer(parse(kChromeViewerOffer), serverTransport(), AnswerPurpose::View, streams);
    ASSERT_TRUE(result.ok()) << result.error().message();
    ASSERT_EQ(result->media.size(), 2u);
    EXPECT_EQ(result->media[0].direction, Direction::SendOnly);
    EXPECT_EQ(result->media[0].ssrcs, std::vector<uint32_t>{111111});
    // VP8 first even though the viewer listed H264 first; the viewer can receive either.
    const auto& video = result->media[1];
    EXPECT_EQ(payloadTypes(video), (std::vector<uint8_t>{96, 102}));
    EXPECT_EQ(video.codecs[0].rtcpFeedback,
              (std::vector<std::string>{"nack", "nack pli", "goog-remb"}));
    EXPECT_EQ(extensionUris(video),
              (std::vector<std::string>{"3 " + std::string(sfu::ext::kTransportCc),
                                        "4 " + std::string(sfu::ext::kMid)}));
    EXPECT_EQ(video.ssrcs, std::vector<uint32_t>{222222});

    const auto answer = parse(result->sdp);
    ASSERT_EQ(answer.media.size(), 2u);
    EXPECT_EQ(answer.media[1].direction, Direction::SendOnly);
    EXPECT_EQ(answer.media[1].ssrcs, std::vector<uint32_t>{222222});
    EXPECT_EQ(answer.media[1].cname, "vcbridge");
    EXPECT_EQ(answer.media[1].msidStream, "p7");
    EXPECT_EQ(answer.media[1].msidTrack, "p7-1");
    EXPECT_NE(result->sdp.find("a=ssrc:222222 msid:p7 p7-1\r\n"), std::string::npos);
}

// RFC 4588 toward a viewer: its offer has rtx (apt=96) for VP8, so the answer keeps it and
// announces the RTX SSRC in an FID group with the same cname/msid as the media SSRC.
TEST(Negotiator, ViewAnswerKeepsViewerRtxWithFidGroup) {
    Negotiator n;
    std::map<std::string, SendStream> streams;
    streams["0"] = {111111, "vcbridge", "p7", "p7-0"};
    streams["1"] = {222222, "vcbridge", "p7", "p7-1", 333333};
    const auto result =
        n.answer(parse(kChromeViewerOffer), serverTransport(), AnswerPurpose::View, streams);
    ASSERT_TRUE(result.ok()) << result.error().message();
    ASSERT_EQ(result->media.size(), 2u);
    EXPECT_FALSE(result->media[0].rtxSsrc.has_value());
    const auto& video = result->media[1];
    ASSERT_EQ(payloadTypes(video), (std::vector<uint8_t>{96, 102}));
    EXPECT_EQ(video.codecs[0].rtxPayloadType, std::optional<uint8_t>(97));
    EXPECT_FALSE(video.codecs[1].rtxPayloadType.has_value()) << "no rtx offered for H264";
    EXPECT_EQ(video.rtxSsrc, std::optional<uint32_t>(333333u));
    const std::string& sdp = result->sdp;
    EXPECT_NE(sdp.find("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102\r\n"), std::string::npos) << sdp;
    EXPECT_NE(sdp.find("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ssrc-group:FID 222222 333333\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ssrc:333333 cname:vcbridge\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ssrc:333333 msid:p7 p7-1\r\n"), std::string::npos);
    const auto answer = parse(sdp);
    EXPECT_EQ(answer.media[1].rtxSsrc, std::optional<uint32_t>(333333u));
    EXPECT_EQ(answer.media[1].codecs[0].rtxPayloadType, std::optional<uint8_t>(97));

    // No RTX SSRC for the stream, or a viewer that offers no rtx: no RTX in the answer.
    streams["1"].rtxSsrc = 0;
    auto plain =
        n.answer(parse(kChromeViewerOffer), serverTransport(), AnswerPurpose::View, streams);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->sdp.find("rtx"), std::string::npos);
    EXPECT_EQ(plain->sdp.find("FID"), std::string::npos);
    streams["1"].rtxSsrc = 333333;
    const std::string noRtxOffer =
        replaceAll(removeLines(removeLines(kChromeViewerOffer, "a=rtpmap:97"), "a=fmtp:97"),
                   "SAVPF 102 96 97", "SAVPF 102 96");
    plain = n.answer(parse(noRtxOffer), serverTransport(), AnswerPurpose::View, streams);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->sdp.find("rtx"), std::string::npos);
    EXPECT_EQ(plain->sdp.find("FID"), std::string::npos);
    EXPECT_FALSE(plain->media[1].rtxSsrc.has_value());
}

TEST(Negotiator, WrongDirectionForPurposeIsRejected) {
    Negotiator n;
    // A viewer's recvonly offer cannot publish, a publisher's sendonly offer cannot view.
    auto r = n.answer(parse(kChromeViewerOffer), serverTransport(), AnswerPurpose::Publish);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().codeString(), "unsupported_media");
    r = n.answer(parse(kChromeOffer), serverTransport(), AnswerPurpose::View);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().codeString(), "unsupported_media");

    // Mixed: video sendonly in a view offer is rejected in place, audio accepted.
    const std::string mixed =
        replaceAll(kChromeViewerOffer, "a=extmap:13 urn:3gpp:video-orientation\r\na=recvonly",
                   "a=extmap:13 urn:3gpp:video-orientation\r\na=sendonly");
    r = n.answer(parse(mixed), serverTransport(), AnswerPurpose::View);
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r->media.size(), 1u);
    EXPECT_EQ(r->media[0].mid, "0");
    const auto answer = parse(r->sdp);
    EXPECT_TRUE(answer.media[1].rejected);
    EXPECT_EQ(answer.media[1].mid, "1");
    EXPECT_EQ(answer.bundleMids, std::vector<std::string>{"0"});
    EXPECT_NE(r->sdp.find("m=video 0 UDP/TLS/RTP/SAVPF 102 96\r\n"), std::string::npos) << r->sdp;
}

TEST(Negotiator, CodecSelection) {
    Negotiator n;
    // Only PCMU audio: nothing usable.
    std::string text = replaceAll(kChromeViewerOffer, "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
                                  "m=audio 9 UDP/TLS/RTP/SAVPF 0");
    text = replaceAll(text, "m=video 9 UDP/TLS/RTP/SAVPF 102 96 97",
                      "m=video 9 UDP/TLS/RTP/SAVPF 102");
    text = replaceAll(text, "packetization-mode=1", "packetization-mode=0");
    auto r = n.answer(parse(text), serverTransport(), AnswerPurpose::View);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), SdpError::Code::UnsupportedMedia);

    // H264 only (packetization-mode=1, another profile) is accepted alone.
    text = replaceAll(kChromeViewerOffer, "m=video 9 UDP/TLS/RTP/SAVPF 102 96 97",
                      "m=video 9 UDP/TLS/RTP/SAVPF 102");
    text = replaceAll(text, "profile-level-id=42e01f", "profile-level-id=640c1f");
    r = n.answer(parse(text), serverTransport(), AnswerPurpose::View);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(payloadTypes(r->media[1]), std::vector<uint8_t>{102});

    // Opus must be stereo-signalled (/2).
    text = replaceAll(kChromeViewerOffer, "opus/48000/2", "opus/48000");
    r = n.answer(parse(text), serverTransport(), AnswerPurpose::View);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->media.size(), 1u);
    EXPECT_EQ(r->media[0].mid, "1");
}

// H264 formats are told apart by profile (profile_idc + constraint flags) and packetization-mode,
// not by name: an unknown profile is never chosen, and Constrained Baseline at any level is
// preferred to a High profile listed first.
TEST(Negotiator, H264SelectionLooksAtProfileAndMode) {
    Negotiator n;
    const std::string h264Only =
        replaceAll(kChromeViewerOffer, "m=video 9 UDP/TLS/RTP/SAVPF 102 96 97",
                   "m=video 9 UDP/TLS/RTP/SAVPF 102 104");
    const std::string cbLine =
        "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
    auto withFormats = [&](const std::string& fmtp102, const std::string& fmtp104) {
        return replaceAll(
            h264Only, cbLine,
            "a=fmtp:102 " + fmtp102 + "\r\na=rtpmap:104 H264/90000\r\na=fmtp:104 " + fmtp104);
    };
    // High first, Constrained Baseline (level 5.2) second: the latter is chosen.
    auto r = n.answer(parse(withFormats("packetization-mode=1;profile-level-id=640c1f",
                                        "packetization-mode=1;profile-level-id=42e034")),
                      serverTransport(), AnswerPurpose::View);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(payloadTypes(r->media[1]), std::vector<uint8_t>{104});
    // 4D with constraint_set0 is Constrained Baseline as well.
    r = n.answer(parse(withFormats("packetization-mode=1;profile-level-id=640c1f",
                                   "packetization-mode=1;profile-level-id=4d801f")),
                 serverTransport(), AnswerPurpose::View);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(payloadTypes(r->media[1]), std::vector<uint8_t>{104});
    // Constrained Baseline only in mode 0, and an unknown profile (High 4:2:2, 7a) in mode 1:
    // nothing the server can forward.
    r = n.answer(parse(withFormats("packetization-mode=0;profile-level-id=42e01f",
                                   "packetization-mode=1;profile-level-id=7a001f")),
                 serverTransport(), AnswerPurpose::View);
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r->media.size(), 1u) << "video rejected";
    EXPECT_EQ(r->media[0].mid, "0");
}

TEST(Negotiator, SeveralAudioAndVideoSectionsForPublish) {
    std::string text = kWebrtcbinOffer;
    const size_t video = text.find("m=video");
    const size_t audio = text.find("m=audio");
    std::string extra = replaceAll(text.substr(video, audio - video), "video0", "video2");
    extra += replaceAll(text.substr(audio), "audio1", "audio3");
    text += extra;
    text = replaceAll(text, "BUNDLE video0 audio1", "BUNDLE video0 audio1 video2 audio3");
    Negotiator n;
    const auto r = n.answer(parse(text), serverTransport(), AnswerPurpose::Publish);
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r->media.size(), 4u);
    EXPECT_EQ(r->media[3].mid, "audio3");
}

TEST(Negotiator, OfferSetupMustBeActpassOrActive) {
    Negotiator n;
    auto offer = parse(kChromeOffer);
    offer.setup = DtlsSetup::Passive;
    const auto r = n.answer(offer, serverTransport(), AnswerPurpose::Publish);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().codeString(), "bad_sdp");
    offer.setup = DtlsSetup::Active;
    EXPECT_TRUE(n.answer(offer, serverTransport(), AnswerPurpose::Publish).ok());
}

// --- Server-initiated subscribe offers -----------------------------------------------------

OfferedTrack track(std::string id, MediaKind kind, uint32_t ssrc) {
    return OfferedTrack{std::move(id), "p1", kind, ssrc, "cn-p1"};
}

// What a browser answers to a subscribe offer: recvonly, setup active, the given codecs.
std::string clientAnswer(const SessionDescription& offer, bool vp8Only = true) {
    SessionDescription a = offer;
    a.iceLite = false;
    a.iceUfrag = "cli1";
    a.icePwd = "clientPassword0123456789";
    a.setup = DtlsSetup::Active;
    a.fingerprint = std::string(kChromeFingerprint);
    a.candidates.clear();
    for (auto& m : a.media) {
        if (m.rejected) continue;
        m.direction = Direction::RecvOnly;
        m.ssrcs = {4242};
        m.msidStream.clear();
        m.msidTrack.clear();
        if (m.kind == MediaKind::Video && vp8Only) m.codecs.resize(1);
    }
    SdpWriter writer;
    return writer.write(a);
}

TEST(Negotiator, SubscribeOfferLayout) {
    Negotiator n;
    const auto r =
        n.offer({track("p1-0", MediaKind::Audio, 1000), track("p1-1", MediaKind::Video, 2000)},
                serverTransport());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const auto offer = parse(r->sdp);
    EXPECT_TRUE(offer.iceLite);
    EXPECT_EQ(offer.setup, DtlsSetup::ActPass);
    EXPECT_EQ(offer.bundleMids, (std::vector<std::string>{"0", "1"}));
    ASSERT_EQ(offer.media.size(), 2u);
    const auto& audio = offer.media[0];
    EXPECT_EQ(audio.direction, Direction::SendOnly);
    EXPECT_EQ(payloadTypes(audio), std::vector<uint8_t>{111});
    EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
    EXPECT_EQ(extensionUris(audio),
              (std::vector<std::string>{
                  "1 " + std::string(sfu::ext::kMid), "2 " + std::string(sfu::ext::kAudioLevel),
                  "3 " + std::string(sfu::ext::kAbsSendTime),
                  "4 " + std::string(sfu::ext::kTransportCc), "5 " + std::string(sfu::ext::kRid)}));
    EXPECT_EQ(audio.ssrcs, std::vector<uint32_t>{1000});
    EXPECT_EQ(audio.msidStream, "p1");
    EXPECT_EQ(audio.msidTrack, "p1-0");
    EXPECT_EQ(audio.cname, "cn-p1");
    const auto& video = offer.media[1];
    EXPECT_EQ(payloadTypes(video), (std::vector<uint8_t>{96, 102}));
    EXPECT_EQ(
        video.codecs[0].rtcpFeedback,
        (std::vector<std::string>{"nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"}));
    EXPECT_EQ(extensionUris(video).size(), 4u);
    EXPECT_EQ(r->sdp.find("rtx"), std::string::npos);
    EXPECT_NE(r->sdp.find("a=msid:p1 p1-1\r\n"), std::string::npos);
    ASSERT_EQ(r->media.size(), 2u);
}

// Subscribe offers carry RTX for each video codec and the RTX SSRC (FID group, cname, msid);
// the client's answer decides whether it is used.
TEST(Negotiator, SubscribeOfferWithRtxAndItsAnswers) {
    Negotiator n;
    OfferedTrack video = track("p1-1", MediaKind::Video, 2000);
    video.rtxSsrc = 2001;
    OfferedTrack audio = track("p1-0", MediaKind::Audio, 1000);
    audio.rtxSsrc = 1001;  // ignored: no RTX for audio
    const auto r = n.offer({audio, video}, serverTransport());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const std::string& sdp = r->sdp;
    EXPECT_NE(sdp.find("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103\r\n"), std::string::npos) << sdp;
    EXPECT_NE(sdp.find("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ssrc-group:FID 2000 2001\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ssrc:2001 cname:cn-p1\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ssrc:2001 msid:p1 p1-1\r\n"), std::string::npos);
    EXPECT_EQ(sdp.find("1001"), std::string::npos);
    EXPECT_NE(sdp.find("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
    const auto offer = parse(sdp);
    EXPECT_EQ(offer.media[1].rtxSsrc, std::optional<uint32_t>(2001u));
    EXPECT_EQ(offer.media[1].codecs[0].rtxPayloadType, std::optional<uint8_t>(97));
    EXPECT_EQ(offer.media[1].codecs[1].rtxPayloadType, std::optional<uint8_t>(103));

    // The client keeps RTX for VP8.
    const std::string answer = clientAnswer(r->local);
    ASSERT_NE(answer.find("a=fmtp:97 apt=96"), std::string::npos) << answer;
    auto done = n.applyAnswer(r->local, answer);
    ASSERT_TRUE(done.ok()) << done.error().message() << "\n" << answer;
    ASSERT_EQ(done->media.size(), 2u);
    EXPECT_EQ(done->media[1].codecs[0].rtxPayloadType, std::optional<uint8_t>(97));
    EXPECT_EQ(done->media[1].rtxSsrc, std::optional<uint32_t>(2001u));
    EXPECT_FALSE(done->media[0].rtxSsrc.has_value());

    // The client drops RTX: plain retransmission, no RTX SSRC.
    const std::string noRtx = replaceAll(
        removeLines(removeLines(answer, "a=rtpmap:97"), "a=fmtp:97"), "SAVPF 96 97", "SAVPF 96");
    done = n.applyAnswer(r->local, noRtx);
    ASSERT_TRUE(done.ok()) << done.error().message() << "\n" << noRtx;
    EXPECT_FALSE(done->media[1].codecs[0].rtxPayloadType.has_value());
    EXPECT_FALSE(done->media[1].rtxSsrc.has_value());

    // RTX under a payload type that was not offered for it.
    const std::string otherPt =
        replaceAll(replaceAll(replaceAll(answer, "a=rtpmap:97 rtx", "a=rtpmap:98 rtx"),
                              "a=fmtp:97 apt", "a=fmtp:98 apt"),
                   "SAVPF 96 97", "SAVPF 96 98");
    done = n.applyAnswer(r->local, otherPt);
    ASSERT_FALSE(done.ok()) << otherPt;
    EXPECT_EQ(done.error().code(), SdpError::Code::BadSdp);
}

// A track sent in H.264 (an openh264 hall) is offered in H.264 alone: webrtcbin answers with
// the first codec it can take, and had it answered VP8 the server, which does not transcode,
// would have nothing to send it. Renegotiated in another codec, the section follows.
TEST(Negotiator, SubscribeOfferCarriesOnlyTheCodecTheTrackIsSentIn) {
    Negotiator n;
    OfferedTrack h264 = track("p1-video", MediaKind::Video, 2000);
    h264.rtxSsrc = 2001;
    h264.codec = "H264";
    OfferedTrack vp8 = track("p2-video", MediaKind::Video, 3000);
    vp8.codec = "vp8";  // names compare without case
    OfferedTrack any = track("programme", MediaKind::Video, 4000);
    OfferedTrack unknown = track("p3-video", MediaKind::Video, 5000);
    unknown.codec = "AV1";  // not a codec the server offers: all of them, as without one
    OfferedTrack audio = track("p1-audio", MediaKind::Audio, 1000);
    audio.codec = "H264";  // meaningless for audio: opus stays
    const auto r = n.offer({audio, h264, vp8, any, unknown}, serverTransport());
    ASSERT_TRUE(r.ok()) << r.error().message();
    const auto offer = parse(r->sdp);
    ASSERT_EQ(offer.media.size(), 5u);
    EXPECT_EQ(payloadTypes(offer.media[0]), std::vector<uint8_t>{111});
    EXPECT_EQ(payloadTypes(offer.media[1]), std::vector<uint8_t>{102});
    EXPECT_EQ(offer.media[1].codecs[0].rtxPayloadType, std::optional<uint8_t>(103));
    EXPECT_EQ(payloadTypes(offer.media[2]), std::vector<uint8_t>{96});
    EXPECT_EQ(payloadTypes(offer.media[3]), (std::vector<uint8_t>{96, 102}));
    EXPECT_EQ(payloadTypes(offer.media[4]), (std::vector<uint8_t>{96, 102}));

    // The answer of a client that takes what it is offered; the H.264 section keeps H.264.
    auto done = n.applyAnswer(r->local, clientAnswer(r->local));
    ASSERT_TRUE(done.ok()) << done.error().message();
    EXPECT_EQ(done->media[1].codecs.at(0).name, "H264");

    // The same track published again in VP8: the kept section is offered in VP8.
    h264.codec = "VP8";
    const auto again = n.offer({audio, h264, vp8, any, unknown}, serverTransport(), &r->local);
    ASSERT_TRUE(again.ok()) << again.error().message();
    const auto second = parse(again->sdp);
    EXPECT_EQ(second.media[1].mid, offer.media[1].mid);
    EXPECT_EQ(payloadTypes(second.media[1]), std::vector<uint8_t>{96});
}

TEST(Negotiator, SubscribeRenegotiationKeepsAndRecyclesSections) {
    Negotiator n;
    const auto t = serverTransport();
    const auto a = track("a", MediaKind::Audio, 1);
    const auto v = track("v", MediaKind::Video, 2);
    const auto b = track("b", MediaKind::Audio, 3);
    const auto c = track("c", MediaKind::Audio, 4);

    const auto first = n.offer({a, v}, t);
    ASSERT_TRUE(first.ok());

    // "a" removed: its section is retired in place; "b" cannot reuse it yet.
    const auto second = n.offer({v, b}, t, &first->local);
    ASSERT_TRUE(second.ok()) << second.error().message();
    auto parsed = parse(second->sdp);
    ASSERT_EQ(parsed.media.size(), 3u);
    EXPECT_TRUE(parsed.media[0].rejected);
    EXPECT_EQ(parsed.media[0].mid, "0");
    EXPECT_EQ(parsed.media[1].mid, "1");
    EXPECT_EQ(parsed.media[1].msidTrack, "v");
    EXPECT_EQ(parsed.media[2].mid, "2");
    EXPECT_EQ(parsed.media[2].msidTrack, "b");
    EXPECT_EQ(parsed.bundleMids, (std::vector<std::string>{"1", "2"}));
    const size_t retired =
        second->sdp.find("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n");
    ASSERT_NE(retired, std::string::npos) << second->sdp;
    const std::string retiredSection =
        second->sdp.substr(retired, second->sdp.find("m=", retired + 2) - retired);
    EXPECT_NE(retiredSection.find("a=inactive\r\n"), std::string::npos) << retiredSection;
    EXPECT_EQ(retiredSection.find("a=rtpmap"), std::string::npos) << retiredSection;

    // "c" recycles the retired audio section under a new mid; "v" and "b" stay put.
    const auto third = n.offer({v, b, c}, t, &second->local);
    ASSERT_TRUE(third.ok());
    parsed = parse(third->sdp);
    ASSERT_EQ(parsed.media.size(), 3u);
    EXPECT_FALSE(parsed.media[0].rejected);
    EXPECT_EQ(parsed.media[0].mid, "3");
    EXPECT_EQ(parsed.media[0].msidTrack, "c");
    EXPECT_EQ(parsed.media[0].ssrcs, std::vector<uint32_t>{4});
    EXPECT_EQ(parsed.media[1].mid, "1");
    EXPECT_EQ(parsed.media[2].mid, "2");

    // A video track cannot recycle an audio section: appended.
    const auto fourth = n.offer({v, b, track("w", MediaKind::Video, 5)}, t, &third->local);
    ASSERT_TRUE(fourth.ok());
    parsed = parse(fourth->sdp);
    ASSERT_EQ(parsed.media.size(), 4u);
    EXPECT_TRUE(parsed.media[0].rejected);
    EXPECT_EQ(parsed.media[3].mid, "4");
    EXPECT_EQ(parsed.media[3].kind, MediaKind::Video);

    // Same o= session id, increasing version.
    const auto origin = [](const std::string& sdp) {
        const size_t start = sdp.find("o=- ") + 4;
        std::istringstream fields(sdp.substr(start, sdp.find("\r\n", start) - start));
        std::string id;
        std::string version;
        fields >> id >> version;
        return std::make_pair(id, version);
    };
    EXPECT_EQ(origin(first->sdp).first, origin(fourth->sdp).first);
    EXPECT_EQ(origin(first->sdp).second, "1");
    EXPECT_EQ(origin(fourth->sdp).second, "4");
}

// Chromium 1xx's answer (captured from the browser test) to a subscribe offer whose first two
// m-lines, the BUNDLE-tagged ones, were just rejected: port 0 with an unoffered PCMU payload on
// the rejected lines, BUNDLE moved to the first accepted mid.
const std::string kChromeAnswerAfterLeave = crlf(R"(v=0
o=- 3239605131168148314 3 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 2 3
a=msid-semantic: WMS
m=audio 0 UDP/TLS/RTP/SAVPF 0
c=IN IP4 127.0.0.1
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:4008080551 1 udp 2122194687 127.0.0.1 55143 typ host generation 0 network-id 3 network-cost 50
a=candidate:1088154411 1 udp 2122063615 192.0.2.2 52197 typ host generation 0 network-id 1
a=candidate:3288309884 1 udp 2122267903 ::1 54176 typ host generation 0 network-id 4 network-cost 50
a=candidate:1202292635 1 udp 2122134271 fd00::2 37921 typ host generation 0 network-id 2
a=ice-ufrag:J0NN
a=ice-pwd:hf/wrczK+MyI6NecN4wmGPPs
a=ice-options:trickle
a=fingerprint:sha-256 6C:89:E5:77:42:CA:7F:0E:71:72:A8:8D:7D:4D:74:BA:F9:90:45:C4:5E:BE:26:66:E7:4D:94:9D:14:7D:2E:6A
a=setup:active
a=mid:0
a=inactive
a=rtpmap:0 PCMU/8000
m=video 0 UDP/TLS/RTP/SAVPF 0
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:J0NN
a=ice-pwd:hf/wrczK+MyI6NecN4wmGPPs
a=ice-options:trickle
a=fingerprint:sha-256 6C:89:E5:77:42:CA:7F:0E:71:72:A8:8D:7D:4D:74:BA:F9:90:45:C4:5E:BE:26:66:E7:4D:94:9D:14:7D:2E:6A
a=setup:active
a=mid:1
a=inactive
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:J0NN
a=ice-pwd:hf/wrczK+MyI6NecN4wmGPPs
a=ice-options:trickle
a=fingerprint:sha-256 6C:89:E5:77:42:CA:7F:0E:71:72:A8:8D:7D:4D:74:BA:F9:90:45:C4:5E:BE:26:66:E7:4D:94:9D:14:7D:2E:6A
a=setup:active
a=mid:2
a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
m=video 9 UDP/TLS/RTP/SAVPF 96 102
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:J0NN
a=ice-pwd:hf/wrczK+MyI6NecN4wmGPPs
a=ice-options:trickle
a=fingerprint:sha-256 6C:89:E5:77:42:CA:7F:0E:71:72:A8:8D:7D:4D:74:BA:F9:90:45:C4:5E:BE:26:66:E7:4D:94:9D:14:7D:2E:6A
a=setup:active
a=mid:3
a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:5 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f)");

// The reported meeting: the viewer receives two participants (mids 0-3), the first one leaves
// and later someone else joins. JSEP (RFC 8829 5.2.2): m-lines are never removed or reordered,
// the departed ones stay port 0 until a new track recycles them under a new mid; the offer can
// move to a new transport (ICE restart) without touching the m-lines.
TEST(Negotiator, SubscribeLeaveAndRejoinKeepsMLinesAndAcceptsChromeAnswer) {
    Negotiator n;
    const auto t = serverTransport();
    const auto p1a = OfferedTrack{"p1-audio", "p1", MediaKind::Audio, 11, "vcbridge"};
    const auto p1v = OfferedTrack{"p1-video", "p1", MediaKind::Video, 12, "vcbridge"};
    const auto p2a = OfferedTrack{"p2-audio", "p2", MediaKind::Audio, 21, "vcbridge"};
    const auto p2v = OfferedTrack{"p2-video", "p2", MediaKind::Video, 22, "vcbridge"};
    const auto p3a = OfferedTrack{"p3-audio", "p3", MediaKind::Audio, 31, "vcbridge"};
    const auto p3v = OfferedTrack{"p3-video", "p3", MediaKind::Video, 32, "vcbridge"};

    const auto all = n.offer({p1a, p1v, p2a, p2v}, t);
    ASSERT_TRUE(all.ok());
    ASSERT_TRUE(n.applyAnswer(all->local, clientAnswer(all->local)).ok());

    const auto left = n.offer({p2a, p2v}, t, &all->local);
    ASSERT_TRUE(left.ok());
    auto parsed = parse(left->sdp);
    ASSERT_EQ(parsed.media.size(), 4u);
    EXPECT_TRUE(parsed.media[0].rejected);
    EXPECT_TRUE(parsed.media[1].rejected);
    EXPECT_EQ(parsed.media[2].msidTrack, "p2-audio");
    EXPECT_EQ(parsed.bundleMids, (std::vector<std::string>{"2", "3"}));
    const auto applied = n.applyAnswer(left->local, kChromeAnswerAfterLeave);
    ASSERT_TRUE(applied.ok()) << applied.error().message();
    ASSERT_EQ(applied->media.size(), 2u);
    EXPECT_EQ(applied->media[0].mid, "2");
    EXPECT_EQ(applied->media[0].ssrcs, std::vector<uint32_t>{21});
    EXPECT_EQ(applied->media[1].mid, "3");
    EXPECT_EQ(payloadTypes(applied->media[1]), (std::vector<uint8_t>{96, 102}));
    EXPECT_EQ(applied->remote.iceUfrag, "J0NN");

    // A new transport (Chromium dropped the old one with the BUNDLE tag): same m-lines, new ICE.
    auto moved = t;
    moved.iceUfrag = "vcbV";
    moved.icePwd = "anotherIcePassword0123456789";
    const auto restart = n.offer({p2a, p2v}, moved, &left->local);
    ASSERT_TRUE(restart.ok());
    parsed = parse(restart->sdp);
    EXPECT_EQ(parsed.iceUfrag, "vcbV");
    ASSERT_EQ(parsed.media.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(parsed.media[i].mid, std::to_string(i));
        EXPECT_EQ(parsed.media[i].rejected, i < 2);
    }
    ASSERT_TRUE(n.applyAnswer(restart->local, kChromeAnswerAfterLeave).ok());

    // p3 joins: its tracks recycle the rejected lines in place, under mids never used before.
    const auto rejoined = n.offer({p2a, p2v, p3a, p3v}, moved, &restart->local);
    ASSERT_TRUE(rejoined.ok());
    parsed = parse(rejoined->sdp);
    ASSERT_EQ(parsed.media.size(), 4u);
    EXPECT_EQ(parsed.media[0].mid, "4");
    EXPECT_EQ(parsed.media[0].msidTrack, "p3-audio");
    EXPECT_EQ(parsed.media[1].mid, "5");
    EXPECT_EQ(parsed.media[1].msidTrack, "p3-video");
    EXPECT_EQ(parsed.media[2].mid, "2");
    EXPECT_EQ(parsed.media[3].mid, "3");
    // BUNDLE in m-line order, as Chromium writes its answer's group (a different tag in offer
    // and answer makes it fail with "Failed to setup RTCP mux"); the tag moves to mid 4, so
    // Chromium replaces its transport once more.
    EXPECT_NE(rejoined->sdp.find("a=group:BUNDLE 4 5 2 3\r\n"), std::string::npos) << rejoined->sdp;
}

// Participants leave and rejoin in turns for many rounds: every offer keeps the previous
// offer's m-lines in order; a line changes its mid only after it was offered rejected, and a
// mid is never used for a second track.
TEST(Negotiator, SubscribeOffersNeverRemoveOrReorderMLines) {
    Negotiator n;
    const auto t = serverTransport();
    std::vector<std::string> present = {"a", "b", "c"};
    int generation = 0;
    std::map<std::string, std::string> trackOfMid;
    std::optional<SessionDescription> previous;
    for (int step = 0; step < 60; ++step) {
        // Rotate: the oldest participant leaves every other step, a new one joins in between.
        if (step % 2 == 0) {
            present.erase(present.begin());
        } else {
            present.push_back("n" + std::to_string(++generation));
        }
        std::vector<OfferedTrack> tracks;
        uint32_t ssrc = 100;
        for (const auto& p : present) {
            tracks.push_back({p + "-audio", p, MediaKind::Audio, ++ssrc, "vcbridge"});
            tracks.push_back({p + "-video", p, MediaKind::Video, ++ssrc, "vcbridge"});
        }
        const auto r = n.offer(tracks, t, previous ? &*previous : nullptr);
        ASSERT_TRUE(r.ok()) << r.error().message();
        const auto& now = r->local.media;
        if (previous) {
            const auto& before = previous->media;
            ASSERT_GE(now.size(), before.size()) << "step " << step;
            for (size_t i = 0; i < before.size(); ++i) {
                EXPECT_EQ(now[i].kind, before[i].kind) << "step " << step << " line " << i;
                if (!before[i].rejected) {
                    EXPECT_EQ(now[i].mid, before[i].mid) << "step " << step << " line " << i;
                }
            }
        }
        for (const auto& m : now) {
            if (m.rejected) continue;
            auto [it, fresh] = trackOfMid.emplace(m.mid, m.msidTrack);
            EXPECT_EQ(it->second, m.msidTrack) << "mid " << m.mid << " changed meaning";
        }
        // At most one line per track present plus the ones left over: no unbounded growth.
        EXPECT_LE(now.size(), 8u) << "step " << step;
        ASSERT_TRUE(n.applyAnswer(r->local, clientAnswer(r->local)).ok());
        previous = r->local;
    }
}

TEST(Negotiator, SubscribeOfferValidation) {
    Negotiator n;
    auto r = n.offer({track("has space", MediaKind::Audio, 1)}, serverTransport());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), SdpError::Code::BadSdp);
    r = n.offer({track("x", MediaKind::Audio, 1), track("x", MediaKind::Video, 2)},
                serverTransport());
    ASSERT_FALSE(r.ok());
    OfferedTrack injected = track("y", MediaKind::Audio, 1);
    injected.cname = "x\r\na=ice-lite";
    r = n.offer({injected}, serverTransport());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), SdpError::Code::BadSdp);
    std::map<std::string, SendStream> streams;
    streams["0"] = {1, "cn ame", "s", "t"};
    r = n.answer(parse(kChromeViewerOffer), serverTransport(), AnswerPurpose::View, streams);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), SdpError::Code::BadSdp);
    std::vector<OfferedTrack> many;
    for (int i = 0; i < 65; ++i)
        many.push_back(track("t" + std::to_string(i), MediaKind::Audio, i));
    r = n.offer(many, serverTransport());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), SdpError::Code::TooManyMedia);
    many.pop_back();
    EXPECT_TRUE(n.offer(many, serverTransport()).ok());
}

TEST(Negotiator, ApplyAnswer) {
    Negotiator n;
    const auto offer =
        n.offer({track("a", MediaKind::Audio, 1000), track("v", MediaKind::Video, 2000)},
                serverTransport());
    ASSERT_TRUE(offer.ok());
    const std::string answer = clientAnswer(offer->local);
    const auto r = n.applyAnswer(offer->local, answer);
    ASSERT_TRUE(r.ok()) << r.error().message() << "\n" << answer;
    ASSERT_EQ(r->media.size(), 2u);
    EXPECT_EQ(r->media[0].direction, Direction::SendOnly);
    EXPECT_EQ(r->media[0].ssrcs, std::vector<uint32_t>{1000});  // the server's, not the client's
    EXPECT_EQ(payloadTypes(r->media[1]), std::vector<uint8_t>{96});
    EXPECT_EQ(r->media[1].ssrcs, std::vector<uint32_t>{2000});
    EXPECT_EQ(r->remote.iceUfrag, "cli1");
    EXPECT_EQ(r->remote.setup, DtlsSetup::Active);
    EXPECT_TRUE(r->sdp.empty());
}

TEST(Negotiator, ApplyChromeStyleAnswerWithRejectionAndReducedFeedback) {
    Negotiator n;
    const auto offer =
        n.offer({track("a", MediaKind::Audio, 1000), track("v", MediaKind::Video, 2000)},
                serverTransport());
    ASSERT_TRUE(offer.ok());
    const std::string answer = crlf(R"(v=0
o=- 5467286145353423 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 1
a=msid-semantic: WMS
m=audio 0 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=mid:0
a=inactive
m=video 9 UDP/TLS/RTP/SAVPF 102 96
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Gh7k
a=ice-pwd:Lm3nOp9qRs2tUv8wXy4zAb6c
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:active
a=mid:1
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:102 H264/90000
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 transport-cc
)");
    const auto r = n.applyAnswer(offer->local, answer);
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r->media.size(), 1u);
    const auto& video = r->media[0];
    EXPECT_EQ(video.mid, "1");
    EXPECT_EQ(payloadTypes(video), (std::vector<uint8_t>{102, 96}));  // the client's order
    EXPECT_EQ(video.codecs[0].rtcpFeedback, (std::vector<std::string>{"nack", "nack pli"}));
    EXPECT_EQ(video.codecs[1].rtcpFeedback,
              (std::vector<std::string>{"nack", "nack pli", "transport-cc"}));
    EXPECT_EQ(extensionUris(video).size(), 2u);
}

TEST(Negotiator, ApplyAnswerRejectsInconsistentAnswers) {
    Negotiator n;
    const auto offer =
        n.offer({track("a", MediaKind::Audio, 1000), track("v", MediaKind::Video, 2000)},
                serverTransport());
    ASSERT_TRUE(offer.ok());
    const std::string good = clientAnswer(offer->local);
    ASSERT_TRUE(n.applyAnswer(offer->local, good).ok());

    const auto expectBad = [&](const std::string& text, SdpError::Code code) {
        const auto r = n.applyAnswer(offer->local, text);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code(), code) << r.error().message();
    };
    expectBad(replaceAll(good, "a=recvonly", "a=sendrecv"), SdpError::Code::BadSdp);
    expectBad(replaceAll(good, "a=setup:active", "a=setup:passive"), SdpError::Code::BadSdp);
    expectBad(replaceAll(replaceAll(good, "a=mid:1", "a=mid:7"), "BUNDLE 0 1", "BUNDLE 0 7"),
              SdpError::Code::BadSdp);
    expectBad(
        replaceAll(replaceAll(good, "SAVPF 96", "SAVPF 100"), "a=rtpmap:96 ", "a=rtpmap:100 "),
        SdpError::Code::BadSdp);
    expectBad(replaceAll(good, "a=rtpmap:96 VP8", "a=rtpmap:96 VP9"), SdpError::Code::BadSdp);
    {
        // An H264 answer must keep the offered profile and packetization-mode (level may vary).
        const std::string h264 = clientAnswer(offer->local, false);
        ASSERT_TRUE(n.applyAnswer(offer->local, h264).ok());
        const auto level = n.applyAnswer(
            offer->local, replaceAll(h264, "profile-level-id=42e01f", "profile-level-id=42e034"));
        EXPECT_TRUE(level.ok()) << level.error().message();
        expectBad(replaceAll(h264, "profile-level-id=42e01f", "profile-level-id=640c1f"),
                  SdpError::Code::BadSdp);
        expectBad(replaceAll(h264, "packetization-mode=1", "packetization-mode=0"),
                  SdpError::Code::BadSdp);
    }
    expectBad(replaceAll(good, "a=extmap:3 ", "a=extmap:9 "), SdpError::Code::BadSdp);
    expectBad(good.substr(0, good.find("m=video")), SdpError::Code::BadSdp);
    expectBad(removeLines(good, "a=fingerprint"), SdpError::Code::MissingFingerprint);
    expectBad("not sdp", SdpError::Code::BadSdp);

    // Inactive sections are simply not accepted.
    const auto inactive = n.applyAnswer(offer->local, replaceAll(good, "a=recvonly", "a=inactive"));
    ASSERT_TRUE(inactive.ok()) << inactive.error().message();
    EXPECT_TRUE(inactive->media.empty());
}

}  // namespace
}  // namespace vcb::signaling
