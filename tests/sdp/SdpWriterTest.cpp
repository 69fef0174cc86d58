#include <gtest/gtest.h>

#include <string>

#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"
#include "tests/sdp/TestSdps.hpp"
#include "tests/sdp/TestUtil.hpp"

namespace vcb::signaling {
namespace {

using namespace testsdp;

SessionDescription sampleDescription() {
    SessionDescription d;
    d.iceUfrag = "srvU";
    d.icePwd = "serverpassword0123456789";
    d.iceLite = true;
    d.fingerprintAlgorithm = "sha-256";
    d.fingerprint = std::string(kChromeFingerprint);
    d.setup = DtlsSetup::Passive;
    d.bundleMids = {"0", "1"};
    sfu::IceCandidate c;
    c.foundation = "1";
    c.priority = 2130706431;
    c.address = "192.0.2.10";
    c.port = 40000;
    d.candidates = {c};

    MediaSection audio;
    audio.mid = "0";
    audio.kind = sfu::MediaKind::Audio;
    audio.direction = Direction::RecvOnly;
    audio.rtcpMux = true;
    sfu::RtpCodec opus;
    opus.payloadType = 111;
    opus.name = "opus";
    opus.clockRate = 48000;
    opus.channels = 2;
    opus.fmtp = "minptime=10;useinbandfec=1";
    opus.rtcpFeedback = {"transport-cc"};
    audio.codecs = {opus};
    audio.extensions = {{1, sfu::ext::kMid}, {2, sfu::ext::kAudioLevel}};

    MediaSection video;
    video.mid = "1";
    video.kind = sfu::MediaKind::Video;
    video.direction = Direction::SendOnly;
    video.rtcpMux = true;
    video.rtcpRsize = true;
    sfu::RtpCodec vp8;
    vp8.payloadType = 96;
    vp8.name = "VP8";
    vp8.clockRate = 90000;
    vp8.rtcpFeedback = {"nack", "nack pli", "ccm fir"};
    vp8.rtxPayloadType = 97;
    sfu::RtpCodec h264;
    h264.payloadType = 102;
    h264.name = "H264";
    h264.clockRate = 90000;
    h264.fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
    video.codecs = {vp8, h264};
    video.extensions = {{1, sfu::ext::kMid}, {4, sfu::ext::kTransportCc}};
    video.ssrcs = {1234};
    video.rtxSsrc = 5678;
    video.cname = "vcbridge";
    video.msidStream = "p1";
    video.msidTrack = "p1-1";

    d.media = {audio, video};
    return d;
}

TEST(SdpWriter, LayoutOfSessionAndMediaLines) {
    SdpWriter writer(42, 7);
    const std::string text = writer.write(sampleDescription());
    EXPECT_EQ(
        text.rfind("v=0\r\no=- 42 7 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                   "a=ice-lite\r\na=msid-semantic: WMS *\r\n"
                   "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                   "a=ice-ufrag:srvU\r\na=ice-pwd:serverpassword0123456789\r\n"
                   "a=fingerprint:sha-256 7B:8B:",
                   0),
        0u)
        << text;
    EXPECT_NE(text.find("a=setup:passive\r\na=recvonly\r\na=rtcp-mux\r\n"), std::string::npos);
    EXPECT_NE(text.find("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102\r\n"), std::string::npos);
    EXPECT_NE(text.find("a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n"
                        "a=fmtp:111 minptime=10;useinbandfec=1\r\n"),
              std::string::npos);
    EXPECT_NE(text.find("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"), std::string::npos);
    EXPECT_NE(text.find("a=ssrc-group:FID 1234 5678\r\na=ssrc:1234 cname:vcbridge\r\n"
                        "a=ssrc:1234 msid:p1 p1-1\r\na=ssrc:5678 cname:vcbridge\r\n"
                        "a=ssrc:5678 msid:p1 p1-1\r\na=msid:p1 p1-1\r\n"),
              std::string::npos);
    EXPECT_NE(text.find("a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host\r\n"
                        "a=end-of-candidates\r\n"),
              std::string::npos);
    EXPECT_NE(text.find("a=extmap:4 " + std::string(sfu::ext::kTransportCc) + "\r\n"),
              std::string::npos);
}

TEST(SdpWriter, SessionIdStaysAndVersionBumps) {
    SdpWriter writer;
    const auto d = sampleDescription();
    const std::string first = writer.write(d);
    const std::string second = writer.write(d);
    const std::string id = std::to_string(writer.sessionId());
    EXPECT_NE(first.find("o=- " + id + " 1 IN IP4"), std::string::npos) << first;
    EXPECT_NE(second.find("o=- " + id + " 2 IN IP4"), std::string::npos) << second;
    EXPECT_LE(writer.sessionId(), 0x7fffffffffffffffULL);
    EXPECT_NE(SdpWriter().sessionId(), writer.sessionId());
}

TEST(SdpWriter, RoundTripBuiltDescription) {
    const auto d = sampleDescription();
    SdpWriter writer;
    const auto parsed = SdpParser::parse(writer.write(d));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    expectSameDescription(parsed.value(), d);
}

TEST(SdpWriter, RoundTripRealOffers) {
    for (const std::string* offer : {&kChromeOffer, &kChromeViewerOffer, &kWebrtcbinOffer}) {
        const auto first = SdpParser::parse(*offer);
        ASSERT_TRUE(first.ok()) << first.error().message();
        SdpWriter writer;
        const std::string text = writer.write(first.value());
        const auto second = SdpParser::parse(text);
        ASSERT_TRUE(second.ok()) << second.error().message() << "\n" << text;
        expectSameDescription(second.value(), first.value());
    }
}

TEST(SdpWriter, RejectedSections) {
    auto d = sampleDescription();
    d.media[1].rejected = true;
    MediaSection data;  // what the parser makes of m=application
    data.mid = "2";
    data.rejected = true;
    d.media.push_back(data);
    d.bundleMids = {"0"};
    SdpWriter writer;
    const std::string text = writer.write(d);
    // A rejected RTP section keeps port 0 and inactive but still carries the transport
    // attributes (webrtcbin refuses sections without a=fingerprint); no codec attributes.
    const size_t video = text.find("m=video 0 UDP/TLS/RTP/SAVPF 96 102\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n");
    ASSERT_NE(video, std::string::npos) << text;
    const size_t dataAt = text.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n");
    ASSERT_NE(dataAt, std::string::npos) << text;
    const std::string videoSection = text.substr(video, dataAt - video);
    EXPECT_NE(videoSection.find("a=fingerprint:sha-256 "), std::string::npos) << videoSection;
    EXPECT_NE(videoSection.find("a=inactive"), std::string::npos) << videoSection;
    EXPECT_EQ(videoSection.find("a=rtpmap"), std::string::npos) << videoSection;
    EXPECT_EQ(text.substr(dataAt).find("a=ice-ufrag"), std::string::npos);

    const auto parsed = SdpParser::parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_TRUE(parsed.value().media[1].rejected);
    EXPECT_TRUE(parsed.value().media[2].rejected);
    EXPECT_TRUE(parsed.value().media[2].codecs.empty());
}

}  // namespace
}  // namespace vcb::signaling
