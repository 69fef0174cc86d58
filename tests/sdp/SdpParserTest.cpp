#include <gtest/gtest.h>

#include <string>

#include "signaling/sdp/SdpParser.hpp"
#include "tests/sdp/TestSdps.hpp"
#include "tests/sdp/TestUtil.hpp"

namespace vcb::signaling {
namespace {

using namespace testsdp;
using sfu::MediaKind;

void expectError(const std::string& text, SdpError::Code code, std::string_view codeString) {
    const auto r = SdpParser::parse(text);
    ASSERT_FALSE(r.ok()) << "expected " << codeString;
    EXPECT_EQ(r.error().code(), code) << r.error().message();
    EXPECT_EQ(r.error().codeString(), codeString);
    EXPECT_FALSE(r.error().message().empty());
}

TEST(SdpParser, ChromePublishOffer) {
    const auto r = SdpParser::parse(kChromeOffer);
    ASSERT_TRUE(r.ok()) << r.error().message();
    const SessionDescription& d = r.value();
    EXPECT_EQ(d.iceUfrag, "Fq3v");
    EXPECT_EQ(d.icePwd, "9CzL0kbnm5MTcTHpTuYRo9oi");
    EXPECT_FALSE(d.iceLite);
    EXPECT_EQ(d.fingerprintAlgorithm, "sha-256");
    EXPECT_EQ(d.fingerprint, kChromeFingerprint);
    EXPECT_EQ(d.setup, DtlsSetup::ActPass);
    EXPECT_EQ(d.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
    ASSERT_EQ(d.media.size(), 3u);

    // mDNS, TCP and IPv6 candidates are dropped.
    ASSERT_EQ(d.candidates.size(), 2u);
    EXPECT_EQ(d.candidates[0].address, "192.168.1.23");
    EXPECT_EQ(d.candidates[0].port, 54400);
    EXPECT_EQ(d.candidates[0].priority, 2122260223u);
    EXPECT_EQ(d.candidates[0].type, "host");
    EXPECT_EQ(d.candidates[0].foundation, "1467250027");
    EXPECT_EQ(d.candidates[1].address, "203.0.113.7");
    EXPECT_EQ(d.candidates[1].type, "srflx");

    const MediaSection& audio = d.media[0];
    EXPECT_EQ(audio.mid, "0");
    EXPECT_EQ(audio.kind, MediaKind::Audio);
    EXPECT_EQ(audio.direction, Direction::SendOnly);
    EXPECT_FALSE(audio.rejected);
    EXPECT_TRUE(audio.rtcpMux);
    EXPECT_TRUE(audio.rtcpRsize);
    ASSERT_EQ(audio.codecs.size(), 8u);
    EXPECT_EQ(audio.codecs[0].payloadType, 111);
    EXPECT_EQ(audio.codecs[0].name, "opus");
    EXPECT_EQ(audio.codecs[0].clockRate, 48000u);
    EXPECT_EQ(audio.codecs[0].channels, 2);
    EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
    EXPECT_EQ(audio.codecs[0].rtcpFeedback, std::vector<std::string>{"transport-cc"});
    EXPECT_EQ(audio.codecs[3].name, "PCMU");
    EXPECT_EQ(audio.codecs[3].channels, 1);
    ASSERT_EQ(audio.extensions.size(), 4u);
    EXPECT_EQ(audio.extensions[0].id, 1);
    EXPECT_EQ(audio.extensions[0].uri, sfu::ext::kAudioLevel);
    EXPECT_EQ(audio.extensions[3].id, 4);
    EXPECT_EQ(audio.extensions[3].uri, sfu::ext::kMid);
    EXPECT_EQ(audio.ssrcs, std::vector<uint32_t>{1001911271u});
    EXPECT_FALSE(audio.rtxSsrc);
    EXPECT_EQ(audio.cname, "k1Vj2Hq7ZrX9sB5y");
    EXPECT_EQ(audio.msidStream, "9f1bcd3e-6e5c-4f6b-a1b9-0d3b4c5e6f70");
    EXPECT_EQ(audio.msidTrack, "3c0f7e2a-5b1d-4c8e-9a7f-6e5d4c3b2a10");

    const MediaSection& video = d.media[1];
    EXPECT_EQ(video.mid, "1");
    EXPECT_EQ(video.kind, MediaKind::Video);
    EXPECT_EQ(video.direction, Direction::SendOnly);
    // RTX payload types are folded into the codec they repair.
    ASSERT_EQ(video.codecs.size(), 10u);  // 19 formats, 9 of them rtx
    EXPECT_EQ(video.codecs[0].name, "VP8");
    EXPECT_EQ(video.codecs[0].channels, 0);
    EXPECT_EQ(video.codecs[0].rtxPayloadType, 97);
    EXPECT_EQ(
        video.codecs[0].rtcpFeedback,
        (std::vector<std::string>{"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}));
    EXPECT_EQ(video.codecs[1].payloadType, 102);
    EXPECT_EQ(video.codecs[1].rtxPayloadType, 103);
    EXPECT_EQ(video.codecs[1].fmtp,
              "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
    for (const auto& c : video.codecs) EXPECT_NE(c.name, "rtx");
    EXPECT_EQ(video.codecs.back().name, "ulpfec");
    EXPECT_FALSE(video.codecs.back().rtxPayloadType);
    EXPECT_EQ(video.extensions.size(), 11u);
    EXPECT_EQ(video.ssrcs, std::vector<uint32_t>{2833478913u});
    EXPECT_EQ(video.rtxSsrc, 3466097224u);
    EXPECT_EQ(video.msidTrack, "b7e6d5c4-3a2b-4c1d-8e9f-0a1b2c3d4e5f");

    // The data channel is kept, rejected, with its mid and no codecs.
    const MediaSection& data = d.media[2];
    EXPECT_EQ(data.mid, "2");
    EXPECT_TRUE(data.rejected);
    EXPECT_TRUE(data.codecs.empty());
    EXPECT_EQ(data.direction, Direction::Inactive);
}

TEST(SdpParser, ChromeViewerOfferWildcardFeedbackAndExtmapDirection) {
    const auto r = SdpParser::parse(kChromeViewerOffer);
    ASSERT_TRUE(r.ok()) << r.error().message();
    const auto& video = r.value().media.at(1);
    EXPECT_EQ(video.direction, Direction::RecvOnly);
    ASSERT_EQ(video.codecs.size(), 2u);
    const std::vector<std::string> fb{"nack", "nack pli", "goog-remb"};
    EXPECT_EQ(video.codecs[0].name, "H264");
    EXPECT_EQ(video.codecs[0].rtcpFeedback, fb);
    EXPECT_EQ(video.codecs[1].name, "VP8");
    EXPECT_EQ(video.codecs[1].rtcpFeedback, fb);
    ASSERT_EQ(video.extensions.size(), 3u);
    EXPECT_EQ(video.extensions[0].id, 3);
    EXPECT_EQ(video.extensions[0].uri, sfu::ext::kTransportCc);
    EXPECT_TRUE(video.ssrcs.empty());
    EXPECT_TRUE(r.value().candidates.empty());
}

TEST(SdpParser, WebrtcbinOffer) {
    const auto r = SdpParser::parse(kWebrtcbinOffer);
    ASSERT_TRUE(r.ok()) << r.error().message();
    const auto& d = r.value();
    EXPECT_EQ(d.iceUfrag, "Ylj0GmRqlGkRtKl4AbgfZbOsJ1nnWSZo");
    EXPECT_EQ(d.icePwd, "bmETlBhaRMkdOpWJ3ojdDCzwBfSn9Rcf");
    EXPECT_EQ(d.setup, DtlsSetup::ActPass);
    EXPECT_EQ(d.bundleMids, (std::vector<std::string>{"video0", "audio1"}));
    ASSERT_EQ(d.candidates.size(), 1u);  // the TCP one is ignored
    EXPECT_EQ(d.candidates[0].transport, "udp");
    EXPECT_EQ(d.candidates[0].address, "10.0.0.5");
    ASSERT_EQ(d.media.size(), 2u);
    const auto& video = d.media[0];
    EXPECT_EQ(video.mid, "video0");
    EXPECT_EQ(video.kind, MediaKind::Video);
    ASSERT_EQ(video.codecs.size(), 1u);
    EXPECT_EQ(video.codecs[0].name, "VP8");
    EXPECT_EQ(video.codecs[0].rtcpFeedback, (std::vector<std::string>{"nack", "nack pli"}));
    // msid only on a=ssrc lines.
    EXPECT_EQ(video.msidStream, "user2733862473@host-8d0f1a0b");
    EXPECT_EQ(video.msidTrack, "webrtctransceiver0");
    EXPECT_EQ(video.cname, "user2733862473@host-8d0f1a0b");
    EXPECT_EQ(video.ssrcs, std::vector<uint32_t>{3484078951u});
    const auto& audio = d.media[1];
    EXPECT_EQ(audio.mid, "audio1");
    ASSERT_EQ(audio.codecs.size(), 1u);
    EXPECT_EQ(audio.codecs[0].name, "OPUS");
    EXPECT_EQ(audio.codecs[0].channels, 2);
    EXPECT_EQ(audio.codecs[0].payloadType, 97);
}

TEST(SdpParser, SessionLevelTransportAndMediaLevelPrecedence) {
    // Session-level ICE and fingerprint, no media-level ones.
    std::string text = removeLines(kWebrtcbinOffer, "a=ice-");
    text = removeLines(text, "a=fingerprint");
    text = replaceAll(text, "t=0 0\r\n",
                      "t=0 0\r\na=ice-ufrag:sess\r\na=ice-pwd:sessionpassword1234567890\r\n"
                      "a=fingerprint:SHA-256 "
                      "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:"
                      "22:33:44:55:66:77:88:99\r\n");
    auto r = SdpParser::parse(text);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r.value().iceUfrag, "sess");
    EXPECT_EQ(r.value().fingerprint.substr(0, 8), "AA:BB:CC");  // normalized to upper case

    // Media level of the first bundled m-line wins over session level.
    text = replaceAll(kWebrtcbinOffer, "t=0 0\r\n",
                      "t=0 0\r\na=ice-ufrag:sess\r\na=ice-pwd:sessionpassword1234567890\r\n");
    r = SdpParser::parse(text);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r.value().iceUfrag, "Ylj0GmRqlGkRtKl4AbgfZbOsJ1nnWSZo");
}

TEST(SdpParser, SetupValuesAndDefault) {
    auto r = SdpParser::parse(replaceAll(kWebrtcbinOffer, "a=setup:actpass", "a=setup:active"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().setup, DtlsSetup::Active);
    r = SdpParser::parse(replaceAll(kWebrtcbinOffer, "a=setup:actpass", "a=setup:passive"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().setup, DtlsSetup::Passive);
    r = SdpParser::parse(removeLines(kWebrtcbinOffer, "a=setup"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().setup, DtlsSetup::Active);  // RFC 4145 default
    expectError(replaceAll(kWebrtcbinOffer, "a=setup:actpass", "a=setup:holdconn"),
                SdpError::Code::BadSdp, "bad_sdp");
}

TEST(SdpParser, PortZeroAndNonSavpfAreRejectedSections) {
    std::string text = replaceAll(kWebrtcbinOffer, "m=audio 9 ", "m=audio 0 ");
    text = replaceAll(text, "a=group:BUNDLE video0 audio1", "a=group:BUNDLE video0");
    auto r = SdpParser::parse(text);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_TRUE(r.value().media[1].rejected);
    EXPECT_EQ(r.value().media[1].mid, "audio1");
    EXPECT_EQ(r.value().media[1].codecs.size(), 1u);  // payload list kept for the answer

    r = SdpParser::parse(
        replaceAll(kWebrtcbinOffer, "m=audio 9 UDP/TLS/RTP/SAVPF", "m=audio 9 RTP/AVP"));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_TRUE(r.value().media[1].rejected);
}

TEST(SdpParser, ErrorBadSdp) {
    expectError("", SdpError::Code::BadSdp, "bad_sdp");
    expectError("hello world", SdpError::Code::BadSdp, "bad_sdp");
    expectError("v=1\r\n", SdpError::Code::BadSdp, "bad_sdp");
    std::string withNul = kWebrtcbinOffer;
    withNul[40] = '\0';
    expectError(withNul, SdpError::Code::BadSdp, "bad_sdp");
    expectError(removeLines(kWebrtcbinOffer, "o="), SdpError::Code::BadSdp, "bad_sdp");
    // Payload types must be 0..127.
    expectError(replaceAll(kWebrtcbinOffer, "SAVPF 97", "SAVPF 128"), SdpError::Code::BadSdp,
                "bad_sdp");
    expectError(replaceAll(kWebrtcbinOffer, "a=rtpmap:97 ", "a=rtpmap:300 "),
                SdpError::Code::BadSdp, "bad_sdp");
    expectError(replaceAll(kWebrtcbinOffer, "a=rtcp-fb:97 nack\r\n", "a=rtcp-fb:-1 nack\r\n"),
                SdpError::Code::BadSdp, "bad_sdp");
    // Extension ids must be 1..255.
    expectError(replaceAll(kChromeOffer, "a=extmap:14 ", "a=extmap:0 "), SdpError::Code::BadSdp,
                "bad_sdp");
    expectError(replaceAll(kChromeOffer, "a=extmap:14 ", "a=extmap:256 "), SdpError::Code::BadSdp,
                "bad_sdp");
    // A used m-line needs a mid; mids are unique.
    expectError(removeLines(kWebrtcbinOffer, "a=mid:audio1"), SdpError::Code::BadSdp, "bad_sdp");
    expectError(replaceAll(kChromeOffer, "a=mid:1", "a=mid:0"), SdpError::Code::BadSdp, "bad_sdp");
    expectError(replaceAll(kChromeOffer, "a=ssrc:1001911271 cname", "a=ssrc:99999999999 cname"),
                SdpError::Code::BadSdp, "bad_sdp");
    expectError(replaceAll(kChromeOffer, "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
                           "m=audio 9 UDP/TLS/RTP/SAVPF"),
                SdpError::Code::BadSdp, "bad_sdp");
    expectError(replaceAll(kChromeOffer, "a=fingerprint:sha-256 7B:8B", "a=fingerprint:sha-256 7B"),
                SdpError::Code::BadSdp, "bad_sdp");
    expectError(replaceAll(kChromeOffer, "\r\ns=-\r\n", "\r\n garbage\r\ns=-\r\n"),
                SdpError::Code::BadSdp, "bad_sdp");
}

TEST(SdpParser, ErrorTooLarge) {
    std::string big = kChromeOffer;
    while (big.size() <= SdpParser::kMaxTextBytes) big += "a=x-filler:0123456789\r\n";
    expectError(big, SdpError::Code::TooLarge, "too_large");

    std::string manyFormats = "m=audio 9 UDP/TLS/RTP/SAVPF";
    for (int pt = 0; pt < 65; ++pt) manyFormats += " " + std::to_string(pt);
    expectError(replaceAll(kWebrtcbinOffer, "m=audio 9 UDP/TLS/RTP/SAVPF 97", manyFormats),
                SdpError::Code::TooLarge, "too_large");

    std::string manyAttributes;
    for (int i = 0; i < 1001; ++i) manyAttributes += "a=x-filler\r\n";
    expectError(
        replaceAll(kWebrtcbinOffer, "a=mid:audio1\r\n", "a=mid:audio1\r\n" + manyAttributes),
        SdpError::Code::TooLarge, "too_large");
}

TEST(SdpParser, ErrorTooManyMedia) {
    std::string text = kWebrtcbinOffer;
    for (int i = 0; i < 63; ++i) {
        text += "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:x" + std::to_string(i) +
                "\r\n";
    }
    expectError(text, SdpError::Code::TooManyMedia, "too_many_media");
    // 64 is still fine.
    text = kWebrtcbinOffer;
    for (int i = 0; i < 62; ++i) {
        text += "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:x" + std::to_string(i) +
                "\r\n";
    }
    EXPECT_TRUE(SdpParser::parse(text).ok());
}

TEST(SdpParser, ErrorMissingIce) {
    expectError(removeLines(kChromeOffer, "a=ice-ufrag"), SdpError::Code::MissingIce,
                "missing_ice");
    expectError(removeLines(kWebrtcbinOffer, "a=ice-pwd"), SdpError::Code::MissingIce,
                "missing_ice");
}

TEST(SdpParser, ErrorMissingFingerprint) {
    expectError(removeLines(kChromeOffer, "a=fingerprint"), SdpError::Code::MissingFingerprint,
                "missing_fingerprint");
}

TEST(SdpParser, ErrorUnsupportedFingerprint) {
    expectError(replaceAll(kChromeOffer,
                           "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:"
                           "3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
                           "a=fingerprint:sha-1 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:"
                           "DC:B8:5F:64"),
                SdpError::Code::UnsupportedFingerprint, "unsupported_fingerprint");
}

TEST(SdpParser, ErrorNoBundle) {
    expectError(removeLines(kChromeOffer, "a=group"), SdpError::Code::NoBundle, "no_bundle");
    // Two groups splitting audio and video.
    expectError(replaceAll(kWebrtcbinOffer, "a=group:BUNDLE video0 audio1",
                           "a=group:BUNDLE video0\r\na=group:BUNDLE audio1"),
                SdpError::Code::NoBundle, "no_bundle");
    // Only the data channel outside the group is fine: it is rejected anyway.
    EXPECT_TRUE(SdpParser::parse(replaceAll(kChromeOffer, "BUNDLE 0 1 2", "BUNDLE 0 1")).ok());
}

TEST(SdpParser, ErrorNoRtcpMux) {
    const std::string text = replaceAll(kWebrtcbinOffer,
                                        "a=rtcp-mux\r\na=rtcp-rsize\r\na=sendonly\r\n"
                                        "a=rtpmap:97",
                                        "a=rtcp-rsize\r\na=sendonly\r\na=rtpmap:97");
    ASSERT_NE(text, kWebrtcbinOffer);
    expectError(text, SdpError::Code::NoRtcpMux, "no_rtcp_mux");
}

TEST(SdpParser, AllRejectedNeedsNoTransport) {
    const std::string text = crlf(R"(v=0
o=- 1 1 IN IP4 0.0.0.0
s=-
t=0 0
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=mid:0
)");
    const auto r = SdpParser::parse(text);
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(r.value().media.size(), 1u);
    EXPECT_TRUE(r.value().media[0].rejected);
}

TEST(SdpParser, Candidates) {
    auto c = SdpParser::parseCandidate(
        "candidate:842163049 1 udp 1677729535 198.51.100.4 50000 typ srflx raddr 10.0.0.1 rport "
        "50000 generation 0 ufrag Fq3v");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->foundation, "842163049");
    EXPECT_EQ(c->address, "198.51.100.4");
    EXPECT_EQ(c->port, 50000);
    EXPECT_EQ(c->type, "srflx");
    EXPECT_TRUE(SdpParser::parseCandidate("1 1 UDP 2015363327 10.0.0.5 47643 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 2 udp 2015363327 10.0.0.5 47643 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 1 tcp 2015363327 10.0.0.5 9 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 1 udp 2015363327 ::1 47643 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 1 udp 2015363327 abc.local 47643 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 1 udp 2015363327 10.0.0.5 70000 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 1 udp 2015363327 10.0.0.5 5000 host"));
    EXPECT_FALSE(SdpParser::parseCandidate("1 1 udp 99999999999 10.0.0.5 5000 typ host"));
    EXPECT_FALSE(SdpParser::parseCandidate(""));
}

}  // namespace
}  // namespace vcb::signaling
