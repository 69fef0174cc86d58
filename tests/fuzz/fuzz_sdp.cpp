// SDP from clients (WHIP/WHEP bodies, WebSocket publish offers and subscribe answers): parse;
// whatever parses is written back and must parse again, and is answered as a publish and as a
// view offer (answers must parse too). The same text is also applied as the client's answer to
// a fixed server subscribe offer (Negotiator::applyAnswer).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "signaling/sdp/Negotiator.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

namespace {

using namespace vcb::signaling;

LocalTransportInfo localTransport() {
    LocalTransportInfo t;
    t.iceUfrag = "fuzz";
    t.icePwd = "fuzzPassword0123456789ab";
    t.fingerprint =
        "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
        "AB:CD:EF";
    vcb::sfu::IceCandidate c;
    c.foundation = "1";
    c.address = "192.0.2.1";
    c.port = 40000;
    c.priority = 2130706431;
    t.candidates.push_back(c);
    return t;
}

// The server's subscribe offer that fuzzed answers are applied to: one audio, one video track.
const Negotiated& serverOffer() {
    static const Negotiated offer = [] {
        Negotiator n(MediaCapabilities{}, SdpWriter(1, 1));
        OfferedTrack audio{"p1-audio", "p1", vcb::sfu::MediaKind::Audio, 1111, "cname1"};
        OfferedTrack video{"p1-video", "p1", vcb::sfu::MediaKind::Video, 2222, "cname1"};
        auto result = n.offer({audio, video}, localTransport());
        if (!result) {
            std::fprintf(stderr, "fuzz_sdp: server offer failed: %s\n",
                         result.error().message().c_str());
            std::abort();
        }
        return result.value();
    }();
    return offer;
}

bool reparses(const std::string& sdp) { return SdpParser::parse(sdp).ok(); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // make_seeds.py asks for the offer to build a matching answer seed.
    if (std::getenv("VCB_FUZZ_PRINT_OFFER") != nullptr) {
        std::fputs(serverOffer().sdp.c_str(), stdout);
        std::exit(0);
    }
    (void)serverOffer();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A heap copy of exactly `size` bytes (not NUL-terminated): ASan flags any overread.
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string_view view(text);

    const auto parsed = SdpParser::parse(view);
    if (parsed) {
        const auto& desc = parsed.value();
        VCB_FUZZ_CHECK(desc.media.size() <= SdpParser::kMaxMedia);
        VCB_FUZZ_CHECK(desc.candidates.size() <= SdpParser::kMaxCandidates);
        SdpWriter writer(42, 1);
        const std::string written = writer.write(desc);
        VCB_FUZZ_CHECK(reparses(written));

        std::map<std::string, SendStream> streams;
        for (const auto& m : desc.media) streams[m.mid] = {7, "cname", "stream", "track"};
        for (AnswerPurpose purpose : {AnswerPurpose::Publish, AnswerPurpose::View}) {
            Negotiator n;
            const auto answer = n.answer(
                desc, localTransport(), purpose,
                purpose == AnswerPurpose::View ? streams : std::map<std::string, SendStream>{});
            if (answer) {
                VCB_FUZZ_CHECK(reparses(answer->sdp));
                VCB_FUZZ_CHECK(answer->media.size() <= desc.media.size());
            } else {
                VCB_FUZZ_CHECK(!answer.error().codeString().empty());
            }
        }
    } else {
        VCB_FUZZ_CHECK(!parsed.error().codeString().empty());
    }

    Negotiator n;
    const auto applied = n.applyAnswer(serverOffer().local, view);
    if (applied) {
        VCB_FUZZ_CHECK(applied->media.size() <= serverOffer().local.media.size());
    }
    return 0;
}
