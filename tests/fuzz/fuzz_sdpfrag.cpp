// ICE candidates from the network: WHIP/WHEP PATCH bodies (application/trickle-ice-sdpfrag, split
// into lines exactly as WhipWhepService does) and WebSocket "trickle" messages (the raw value).
// Every accepted candidate must be an IPv4 UDP component-1 candidate and survive being written
// into an SDP and parsed back unchanged.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

namespace {

using namespace vcb::signaling;

// A minimal valid offer whose candidate list is replaced for the round trip.
const vcb::signaling::SessionDescription& baseDescription() {
    static const vcb::signaling::SessionDescription desc = [] {
        const char* text =
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
            "a=ice-pwd:0123456789abcdefghijklmn\r\n"
            "a=fingerprint:sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF\r\n"
            "a=setup:actpass\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
            "a=rtpmap:111 opus/48000/2\r\n";
        auto parsed = SdpParser::parse(text);
        if (!parsed) {
            std::fprintf(stderr, "fuzz_sdpfrag: base SDP refused: %s\n",
                         parsed.error().message().c_str());
            std::abort();
        }
        return parsed.value();
    }();
    return desc;
}

void checkCandidate(std::string_view value) {
    const auto c = SdpParser::parseCandidate(value);
    if (!c) {
        return;
    }
    VCB_FUZZ_CHECK(c->component == 1 && c->transport == "udp" && c->port != 0);
    VCB_FUZZ_CHECK(!c->foundation.empty() && c->foundation.size() <= 32);
    // An embedded NUL must never survive (corpus/fuzz_sdpfrag/crash-nul-in-candidate-address).
    VCB_FUZZ_CHECK(c->address.find('\0') == std::string::npos);
    in_addr addr{};
    VCB_FUZZ_CHECK(c->address.size() <= 15 && inet_pton(AF_INET, c->address.c_str(), &addr) == 1);
    VCB_FUZZ_CHECK(c->type == "host" || c->type == "srflx" || c->type == "prflx" ||
                   c->type == "relay");

    vcb::signaling::SessionDescription desc = baseDescription();
    desc.candidates = {*c};
    SdpWriter writer(1, 1);
    const auto reparsed = SdpParser::parse(writer.write(desc));
    VCB_FUZZ_CHECK(reparsed.ok());
    VCB_FUZZ_CHECK(reparsed->candidates.size() == 1);
    const auto& back = reparsed->candidates[0];
    VCB_FUZZ_CHECK(back.foundation == c->foundation && back.priority == c->priority);
    VCB_FUZZ_CHECK(back.address == c->address && back.port == c->port && back.type == c->type);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)baseDescription();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A heap copy of exactly `size` bytes (not NUL-terminated): ASan flags any overread.
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string_view body(text);

    // WebSocket trickle: the whole frame's candidate string.
    checkCandidate(body);

    // WHIP PATCH: line by line, "a=candidate:" lines without their "a=".
    size_t pos = 0;
    size_t lines = 0;
    while (pos < body.size() && lines < 1000) {
        const size_t end = body.find('\n', pos);
        std::string_view line =
            body.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.rfind("a=", 0) == 0) {
            checkCandidate(line.substr(2));
        } else {
            checkCandidate(line);
        }
        ++lines;
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return 0;
}
