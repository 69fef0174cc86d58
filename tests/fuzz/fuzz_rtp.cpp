// RTP packets as they arrive after SRTP unprotect: parse in place, walk every header extension,
// decode the values vcbridge uses, then build the forwarded copy with RtpPacketWriter (identity,
// colliding and dropping id maps, with added elements) and check that the copy parses back to
// exactly the expected header, extensions and payload.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "sfu/rtp/RtpExtensionValues.hpp"
#include "sfu/rtp/RtpPacket.hpp"
#include "sfu/rtp/RtpPacketWriter.hpp"
#include "tests/fuzz/FuzzCheck.hpp"

namespace {

using namespace vcb::rtp;

struct Element {
    uint8_t id;
    std::vector<uint8_t> value;
    bool operator==(const Element&) const = default;
};

std::vector<Element> elementsOf(const RtpPacket& p) {
    std::vector<Element> out;
    p.forEachExtension([&](uint8_t id, std::span<const uint8_t> value) {
        VCB_FUZZ_CHECK(value.empty() || (value.data() >= p.data() &&
                                         value.data() + value.size() <= p.data() + p.size()));
        out.push_back({id, std::vector<uint8_t>(value.begin(), value.end())});
    });
    return out;
}

void decodeValues(uint8_t id, std::span<const uint8_t> value) {
    (void)readAudioLevel(value);
    if (auto t = readAbsSendTime(value)) {
        VCB_FUZZ_CHECK(*t < (1u << 24));
        (void)absSendTimeToMicros(*t);
    }
    (void)readTransportSequenceNumber(value);
    if (auto mid = readMid(value)) {
        VCB_FUZZ_CHECK(mid->size() <= value.size());
        uint8_t buf[kMaxStringExtensionSize];
        const size_t n = writeStringExtension(buf, *mid);
        VCB_FUZZ_CHECK(mid->empty() || n == mid->size());
    }
    if (auto rid = readRid(value)) {
        VCB_FUZZ_CHECK(rid->size() <= value.size());
    }
    (void)id;
}

// Writes the forwarded copy into a buffer of exactly `capacity` bytes (so ASan sees any
// overflow) and checks it against the source.
void checkWrite(const RtpPacket& src, const ExtensionIdMap& map,
                std::span<const RtpExtensionElement> extra, size_t capacity) {
    std::vector<uint8_t> out(capacity == 0 ? 1 : capacity);
    const RtpHeaderRewrite rewrite{
        src.ssrc() ^ 0x5A5A5A5Au, static_cast<uint16_t>(src.sequenceNumber() + 1000),
        src.timestamp() + 90000, static_cast<uint8_t>(src.payloadType() ^ 1), !src.marker()};
    const size_t n = RtpPacketWriter::write(src, rewrite, map, extra, out.data(), capacity);
    VCB_FUZZ_CHECK(n <= capacity);
    if (n == 0) {
        return;
    }
    out.resize(n);

    RtpPacket copy;
    VCB_FUZZ_CHECK(RtpPacket::parse(out.data(), out.size(), copy));
    VCB_FUZZ_CHECK(copy.ssrc() == rewrite.ssrc);
    VCB_FUZZ_CHECK(copy.sequenceNumber() == rewrite.sequenceNumber);
    VCB_FUZZ_CHECK(copy.timestamp() == rewrite.timestamp);
    VCB_FUZZ_CHECK(copy.payloadType() == rewrite.payloadType);
    VCB_FUZZ_CHECK(copy.marker() == rewrite.marker);
    VCB_FUZZ_CHECK(copy.csrcCount() == src.csrcCount());
    for (size_t i = 0; i < src.csrcCount(); ++i) {
        VCB_FUZZ_CHECK(copy.csrc(i) == src.csrc(i));
    }
    VCB_FUZZ_CHECK(copy.paddingSize() == src.paddingSize());
    VCB_FUZZ_CHECK(copy.payloadSize() == src.payloadSize());
    VCB_FUZZ_CHECK(src.payloadSize() == 0 ||
                   std::memcmp(copy.payload().data(), src.payload().data(), src.payloadSize()) ==
                       0);

    // Expected elements: the source's, remapped, minus dropped and overridden ones, then extras.
    std::vector<Element> expected;
    for (const Element& e : elementsOf(src)) {
        const uint8_t dst = map[e.id];
        bool overridden = false;
        for (const auto& x : extra) overridden = overridden || x.id == dst;
        if (dst != 0 && !overridden) expected.push_back({dst, e.value});
    }
    for (const auto& x : extra) {
        expected.push_back({x.id, std::vector<uint8_t>(x.value.begin(), x.value.end())});
    }
    VCB_FUZZ_CHECK(elementsOf(copy) == expected);
    VCB_FUZZ_CHECK(copy.hasExtension() == !expected.empty());

    // The same write into a buffer one byte short must be refused, not truncated.
    std::vector<uint8_t> shortOut(n - 1 == 0 ? 1 : n - 1);
    VCB_FUZZ_CHECK(RtpPacketWriter::write(src, rewrite, map, extra, shortOut.data(), n - 1) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // parse() works in place on a writable buffer; an exact-size copy lets ASan see overreads.
    std::vector<uint8_t> buf(data, data + size);
    RtpPacket packet;
    if (!RtpPacket::parse(buf.data(), buf.size(), packet)) {
        return 0;
    }
    VCB_FUZZ_CHECK(packet.version() == 2);
    VCB_FUZZ_CHECK(packet.size() == size);
    VCB_FUZZ_CHECK(packet.headerSize() + packet.payloadSize() + packet.paddingSize() == size);
    VCB_FUZZ_CHECK(packet.headerSize() >= RtpPacket::kFixedHeaderSize + 4 * packet.csrcCount());
    VCB_FUZZ_CHECK(packet.csrc(packet.csrcCount()) == 0);
    const auto block = packet.extensionBlock();
    VCB_FUZZ_CHECK(block.empty() ||
                   (block.data() >= packet.data() &&
                    block.data() + block.size() <= packet.data() + packet.headerSize()));

    const std::vector<Element> elements = elementsOf(packet);
    for (const Element& e : elements) {
        // RFC 8285 §4.2: ID 0 is padding and never an element (reproducer:
        // corpus/fuzz_rtp/crash-one-byte-ext-id0-element).
        VCB_FUZZ_CHECK(e.id != 0);
        decodeValues(e.id, e.value);
        VCB_FUZZ_CHECK(packet.hasExtensionElement(e.id));
        const auto found = packet.findExtension(e.id);
        VCB_FUZZ_CHECK(found.size() <= 255);
        auto writable = packet.mutableExtension(e.id);
        VCB_FUZZ_CHECK(writable.size() == found.size());
    }
    (void)packet.findExtension(0);
    (void)packet.findExtension(15);

    // Forward with the identity map, then with a map that folds ids together (forcing the
    // one-byte/two-byte decision both ways) and drops some, plus our own added elements.
    const ExtensionIdMap identity = RtpPacketWriter::identityMap();
    const size_t roomy = size + 4 + 4 * 300;
    checkWrite(packet, identity, {}, roomy);

    ExtensionIdMap folded{};
    const uint8_t salt = static_cast<uint8_t>(packet.sequenceNumber());
    for (size_t i = 1; i < folded.size(); ++i) {
        const uint8_t v = static_cast<uint8_t>(i * 7 + salt);
        folded[i] = (v % 5 == 0) ? 0 : static_cast<uint8_t>(v % 16);  // 15 forces two-byte
    }
    const uint8_t absSendTime[3] = {1, 2, 3};
    const uint8_t twcc[2] = {0xAB, 0xCD};
    std::vector<uint8_t> big(packet.payloadSize() % 256, 0x42);  // 0..255 bytes
    const RtpExtensionElement extras[] = {{3, absSendTime}, {4, twcc}, {200, big}};
    checkWrite(packet, folded, std::span(extras, 2), roomy);
    checkWrite(packet, folded, extras, roomy);
    checkWrite(packet, ExtensionIdMap{}, {}, roomy);

    // Invalid extra elements are refused.
    const RtpExtensionElement bad[] = {{0, twcc}};
    uint8_t scratch[64];
    VCB_FUZZ_CHECK(RtpPacketWriter::write(packet, {}, identity, bad, scratch, sizeof scratch) == 0);

    // In-place rewriting of the header keeps the packet valid.
    packet.setSequenceNumber(7);
    packet.setTimestamp(8);
    packet.setSsrc(9);
    packet.setPayloadType(0xFF);
    packet.setMarker(true);
    RtpPacket again;
    VCB_FUZZ_CHECK(RtpPacket::parse(buf.data(), buf.size(), again));
    VCB_FUZZ_CHECK(again.sequenceNumber() == 7 && again.timestamp() == 8 && again.ssrc() == 9);
    VCB_FUZZ_CHECK(again.payloadType() == 0x7F && again.marker());
    return 0;
}
