// Robustness: truncations and random mutations of real offers must never crash (run under
// -fsanitize=address,undefined), and whatever the parser accepts must negotiate into SDP that
// parses again.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "signaling/sdp/Negotiator.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"
#include "tests/sdp/TestSdps.hpp"

namespace vcb::signaling {
namespace {

using namespace testsdp;

LocalTransportInfo transport() {
    LocalTransportInfo t;
    t.iceUfrag = "fuzz";
    t.icePwd = "fuzzPassword0123456789ab";
    t.fingerprint =
        "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
        "AB:CD:EF";
    return t;
}

// Returns how many inputs parsed successfully.
int exercise(const std::string& text) {
    const auto parsed = SdpParser::parse(text);
    if (!parsed) {
        EXPECT_FALSE(parsed.error().codeString().empty());
        return 0;
    }
    // Whatever parses must survive writing and negotiation, and our output must parse.
    SdpWriter writer;
    const std::string written = writer.write(parsed.value());
    const auto reparsed = SdpParser::parse(written);
    EXPECT_TRUE(reparsed.ok()) << (reparsed.ok() ? "" : reparsed.error().message()) << "\n"
                               << text << "\n----- written:\n"
                               << written;
    for (AnswerPurpose purpose : {AnswerPurpose::Publish, AnswerPurpose::View}) {
        Negotiator n;
        std::map<std::string, SendStream> streams;
        for (const auto& m : parsed.value().media) streams[m.mid] = {7, "c", "s", "t"};
        const auto answer = n.answer(parsed.value(), transport(), purpose, streams);
        if (answer) {
            const auto again = SdpParser::parse(answer->sdp);
            EXPECT_TRUE(again.ok()) << (again.ok() ? "" : again.error().message()) << "\n"
                                    << answer->sdp;
        }
    }
    return 1;
}

TEST(SdpFuzz, EveryTruncationOfRealOffers) {
    for (const std::string* offer : {&kChromeOffer, &kWebrtcbinOffer, &kChromeViewerOffer}) {
        int accepted = 0;
        for (size_t len = 0; len <= offer->size(); ++len) {
            // Every cut is parsed; every 4th (and the full text) also goes through writing and
            // negotiation, which keeps the test fast under sanitizers.
            const std::string cut = offer->substr(0, len);
            if (len % 4 == 0 || len == offer->size()) {
                accepted += exercise(cut);
            } else {
                const auto r = SdpParser::parse(cut);
                accepted += r.ok() ? 1 : 0;
            }
        }
        EXPECT_GT(accepted, 0);  // the full text (and cuts at line ends near it) parse
    }
}

TEST(SdpFuzz, RandomByteMutations) {
    std::mt19937 rng(20240611);  // fixed seed: reproducible failures
    const std::string interesting = " :/=\r\n\t0123456789*-ax\x7f\x80\xff";
    int accepted = 0;
    for (int iteration = 0; iteration < 3000; ++iteration) {
        const std::string& base = iteration % 2 == 0 ? kChromeOffer : kWebrtcbinOffer;
        std::string text = base;
        const int edits = 1 + static_cast<int>(rng() % 6);
        for (int e = 0; e < edits && !text.empty(); ++e) {
            const size_t pos = rng() % text.size();
            switch (rng() % 5) {
                case 0:  // flip bits
                    text[pos] = static_cast<char>(text[pos] ^ (1u << (rng() % 8)));
                    break;
                case 1:  // interesting character
                    text[pos] = interesting[rng() % interesting.size()];
                    break;
                case 2:  // delete a run
                    text.erase(pos, 1 + rng() % 40);
                    break;
                case 3:  // duplicate a run
                    text.insert(pos, text.substr(pos, 1 + rng() % 200));
                    break;
                default:  // random byte, NUL included
                    text[pos] = static_cast<char>(rng() % 256);
                    break;
            }
        }
        accepted += exercise(text);
    }
    EXPECT_GT(accepted, 100);  // many mutations hit irrelevant bytes and must still parse
}

TEST(SdpFuzz, HostileValues) {
    const std::string pathological[] = {
        std::string(70000, 'a'),
        "v=0\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 99999999999999999999 X 1\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio -1/-1 RTP/SAVPF 1\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE\r\na=\r\na=:\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=mid:0\r\na=rtpmap:96 VP8/\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=mid:0\r\na=rtpmap:96 VP8/90000/99999\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=mid:0\r\na=ssrc-group:FID\r\na=ssrc:\r\na=extmap:/\r\na=fmtp:\r\na=rtcp-fb:\r\n",
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=mid:0\r\na=candidate:\r\na=candidate:1 1 udp 1 1.2.3.4 1 typ\r\na=msid:\r\n",
        std::string("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=") + std::string(9000, 'x') + "\r\n",
        std::string("v=0\r\na=") + std::string(9000, 'k') + ":v\r\n",
    };
    for (const auto& text : pathological) exercise(text);
    EXPECT_EQ(SdpParser::parse(pathological[0]).error().code(), SdpError::Code::TooLarge);
}

}  // namespace
}  // namespace vcb::signaling
