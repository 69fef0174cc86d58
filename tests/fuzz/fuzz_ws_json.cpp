// WebSocket text frames of GET /ws: the server's parseClientMessage() and the clients'
// parseServerMessage(). Every accepted message must serialize to a frame that parses back to an
// equal message; every refusal must carry a stable error code.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/Codec.hpp"
#include "protocol/ErrorCode.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

using namespace vcb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A heap copy of exactly `size` bytes (not NUL-terminated): ASan flags any overread.
    const std::string frame(reinterpret_cast<const char*>(data), size);
    // Serializing can lengthen a frame (1e18 -> 1000000000000000000), so near the 64 KiB frame
    // limit a round trip may legitimately be refused as too large.
    const bool roomForRoundTrip = size < 60 * 1024;

    const auto client = parseClientMessage(frame);
    if (client) {
        VCB_FUZZ_CHECK(!typeName(client.value()).empty());
        const std::string again = serialize(client.value());
        const auto back = parseClientMessage(again);
        if (roomForRoundTrip) {
            VCB_FUZZ_CHECK(back.ok());
            VCB_FUZZ_CHECK(back.value() == client.value());
        }
    } else {
        VCB_FUZZ_CHECK(!toString(client.error().code).empty());
    }

    const auto server = parseServerMessage(frame);
    if (server) {
        VCB_FUZZ_CHECK(!typeName(server.value()).empty());
        const std::string again = serialize(server.value());
        const auto back = parseServerMessage(again);
        if (roomForRoundTrip) {
            VCB_FUZZ_CHECK(back.ok());
            VCB_FUZZ_CHECK(back.value() == server.value());
        }
    } else {
        VCB_FUZZ_CHECK(!toString(server.error().code).empty());
    }
    return 0;
}
