#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sfu/rtp/RtpPacket.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

// Chrome-style Opus packet: one-byte extensions audio-level (1), abs-send-time (2),
// transport-cc (3), mid (4) and one byte of padding in the extension block.
const std::vector<uint8_t> kChromeOpus = {
    0x90, 0x6f, 0x12, 0x34,  // V=2 X=1, PT=111, seq 0x1234
    0x00, 0x00, 0x03, 0xe8,  // ts 1000
    0x11, 0x22, 0x33, 0x44,  // ssrc
    0xbe, 0xde, 0x00, 0x03,  // one-byte profile, 3 words
    0x10, 0xaa,              // id 1, len 1: V=1 level 42
    0x22, 0x12, 0x34, 0x56,  // id 2, len 3: abs-send-time
    0x31, 0x00, 0x05,        // id 3, len 2: twcc seq 5
    0x40, 0x30,              // id 4, len 1: mid "0"
    0x00,                    // padding
    0xfc, 0xff, 0xfe,        // opus payload
};

TEST(RtpPacket, ParsesChromeOpusPacket) {
    TestBuffer buf(kChromeOpus);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_EQ(p.version(), 2);
    EXPECT_FALSE(p.hasPadding());
    EXPECT_TRUE(p.hasExtension());
    EXPECT_EQ(p.csrcCount(), 0);
    EXPECT_FALSE(p.marker());
    EXPECT_EQ(p.payloadType(), 111);
    EXPECT_EQ(p.sequenceNumber(), 0x1234);
    EXPECT_EQ(p.timestamp(), 1000u);
    EXPECT_EQ(p.ssrc(), 0x11223344u);
    EXPECT_EQ(p.headerSize(), 28u);
    EXPECT_EQ(p.size(), kChromeOpus.size());
    EXPECT_EQ(p.paddingSize(), 0u);
    ASSERT_EQ(p.payload().size(), 3u);
    EXPECT_EQ(p.payload()[0], 0xfc);
    EXPECT_TRUE(p.hasOneByteExtensions());
    EXPECT_FALSE(p.hasTwoByteExtensions());
    EXPECT_EQ(p.extensionProfile(), 0xBEDE);

    auto level = p.findExtension(1);
    ASSERT_EQ(level.size(), 1u);
    EXPECT_EQ(level[0], 0xaa);
    auto ast = p.findExtension(2);
    ASSERT_EQ(ast.size(), 3u);
    EXPECT_EQ(ast[2], 0x56);
    auto twcc = p.findExtension(3);
    ASSERT_EQ(twcc.size(), 2u);
    EXPECT_EQ(twcc[1], 0x05);
    auto mid = p.findExtension(4);
    ASSERT_EQ(mid.size(), 1u);
    EXPECT_EQ(mid[0], '0');
    EXPECT_TRUE(p.findExtension(5).empty());
    EXPECT_TRUE(p.findExtension(0).empty());
    EXPECT_FALSE(p.hasExtensionElement(5));

    std::vector<std::pair<uint8_t, size_t>> seen;
    p.forEachExtension(
        [&](uint8_t id, std::span<const uint8_t> v) { seen.emplace_back(id, v.size()); });
    const std::vector<std::pair<uint8_t, size_t>> expected = {{1, 1}, {2, 3}, {3, 2}, {4, 1}};
    EXPECT_EQ(seen, expected);
}

TEST(RtpPacket, InPlaceSetters) {
    TestBuffer buf(kChromeOpus);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    p.setMarker(true);
    p.setPayloadType(96);
    p.setSequenceNumber(0xFFFF);
    p.setTimestamp(0xCAFEBABE);
    p.setSsrc(0x01020304);
    EXPECT_TRUE(p.marker());
    EXPECT_EQ(p.payloadType(), 96);
    EXPECT_EQ(p.sequenceNumber(), 0xFFFF);
    EXPECT_EQ(p.timestamp(), 0xCAFEBABEu);
    EXPECT_EQ(p.ssrc(), 0x01020304u);
    EXPECT_EQ(buf.data()[1], 0x80 | 96);
    EXPECT_EQ(buf.data()[8], 0x01);
    p.setMarker(false);
    EXPECT_FALSE(p.marker());
    EXPECT_EQ(p.payloadType(), 96);
    p.setPayloadType(0xFF);  // only 7 bits are kept, marker untouched
    EXPECT_EQ(p.payloadType(), 0x7F);
    EXPECT_FALSE(p.marker());

    auto twcc = p.mutableExtension(3);
    ASSERT_EQ(twcc.size(), 2u);
    twcc[1] = 0x09;
    EXPECT_EQ(p.findExtension(3)[1], 0x09);
}

TEST(RtpPacket, CsrcsAndPadding) {
    const std::vector<uint8_t> bytes = {
        0xa2, 0x60, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3,  // P=1, CC=2, PT 96
        0xaa, 0xbb, 0xcc, 0xdd,                          // csrc 0
        0x11, 0x22, 0x33, 0x44,                          // csrc 1
        0x01, 0x02, 0x03,                                // payload
        0x00, 0x00, 0x03,                                // 3 bytes of padding
    };
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_TRUE(p.hasPadding());
    EXPECT_FALSE(p.hasExtension());
    EXPECT_EQ(p.csrcCount(), 2);
    EXPECT_EQ(p.csrc(0), 0xaabbccddu);
    EXPECT_EQ(p.csrc(1), 0x11223344u);
    EXPECT_EQ(p.csrc(2), 0u);
    EXPECT_EQ(p.headerSize(), 20u);
    EXPECT_EQ(p.paddingSize(), 3u);
    ASSERT_EQ(p.payload().size(), 3u);
    EXPECT_EQ(p.payload()[2], 0x03);
    EXPECT_TRUE(p.findExtension(1).empty());
    int calls = 0;
    p.forEachExtension([&](uint8_t, std::span<const uint8_t>) { ++calls; });
    EXPECT_EQ(calls, 0);
}

TEST(RtpPacket, PaddingOnlyPacket) {
    // Probe-style packet: whole body is padding.
    std::vector<uint8_t> bytes = {0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    bytes.resize(12 + 200, 0);
    bytes.back() = 200;
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_EQ(p.payloadSize(), 0u);
    EXPECT_EQ(p.paddingSize(), 200u);
}

TEST(RtpPacket, TwoByteExtensions) {
    const std::vector<uint8_t> bytes = {
        0x90, 0x60, 0,    1,   0,    0,    0,    1,
        0,    0,    0,    1,   0x10, 0x00, 0x00, 0x03,  // two-byte profile (appbits 0), 3 words
        0x01, 0x00,                                     // id 1, zero length
        0x00,                                           // padding
        0x10, 0x03, 'a',  'b', 'c',                     // id 16, len 3
        0xff, 0x01, 0x7f,                               // id 255, len 1
        0x00,                                           // padding
        0x55,                                           // payload
    };
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_TRUE(p.hasTwoByteExtensions());
    EXPECT_TRUE(p.hasExtensionElement(1));
    EXPECT_TRUE(p.findExtension(1).empty());
    auto v = p.findExtension(16);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0], 'a');
    ASSERT_EQ(p.findExtension(255).size(), 1u);
    EXPECT_EQ(p.findExtension(255)[0], 0x7f);
    ASSERT_EQ(p.payload().size(), 1u);
    EXPECT_EQ(p.payload()[0], 0x55);
}

// RFC 8285 §4.2: in the one-byte form a byte with ID 0 is padding whatever its length nibble,
// so the element after it is found at the next byte (fuzz_rtp reproducer).
TEST(RtpPacket, OneByteIdZeroIsPaddingWhateverItsLength) {
    const std::vector<uint8_t> bytes = {
        0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,    0,    1,
        0xbe, 0xde, 0x00, 0x01,  // one-byte profile, 1 word
        0x02,                    // ID 0 with length nibble 2: one padding byte
        0x10, 0x42,              // id 1, len 1
        0x00,                    // padding
        0x55,                    // payload
    };
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_FALSE(p.hasExtensionElement(0));
    ASSERT_EQ(p.findExtension(1).size(), 1u);
    EXPECT_EQ(p.findExtension(1)[0], 0x42);
    size_t elements = 0;
    p.forEachExtension([&](uint8_t id, std::span<const uint8_t>) {
        EXPECT_NE(id, 0);
        ++elements;
    });
    EXPECT_EQ(elements, 1u);
}

TEST(RtpPacket, AppBitsStillTwoByteForm) {
    const std::vector<uint8_t> bytes = {0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,
                                        0,    1,    0x10, 0x0f, 0x00, 0x01, 0x07, 0x01, 0x42, 0x00};
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_TRUE(p.hasTwoByteExtensions());
    ASSERT_EQ(p.findExtension(7).size(), 1u);
}

TEST(RtpPacket, UnknownProfileHasNoElements) {
    const std::vector<uint8_t> bytes = {0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,
                                        0,    1,    0x12, 0x34, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00};
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_EQ(p.headerSize(), 20u);
    EXPECT_TRUE(p.findExtension(1).empty());
    EXPECT_EQ(p.extensionBlock().size(), 4u);
}

TEST(RtpPacket, OneByteId15StopsParsing) {
    const std::vector<uint8_t> bytes = {
        0x90, 0x60, 0,    1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x02, 0x10, 0x01,  // id 1
        0xf0,              // id 15: stop
        0x20, 0x02, 0x00,  // id 2 would follow, must be ignored
        0x00, 0x00,
    };
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_EQ(p.findExtension(1).size(), 1u);
    EXPECT_TRUE(p.findExtension(2).empty());
    int calls = 0;
    p.forEachExtension([&](uint8_t, std::span<const uint8_t>) { ++calls; });
    EXPECT_EQ(calls, 1);
}

TEST(RtpPacket, ElementOverrunningBlockIsNotReturned) {
    const std::vector<uint8_t> bytes = {
        0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,
        0,    0,    1,    0xbe, 0xde, 0x00, 0x01, 0x10, 0x01,  // id 1 ok
        0x2f, 0x00,                                      // id 2 claims 16 bytes, block has 1 left
        0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22,  // payload after the block
    };
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_EQ(p.findExtension(1).size(), 1u);
    EXPECT_TRUE(p.findExtension(2).empty());
    EXPECT_EQ(p.payloadSize(), 8u);
}

TEST(RtpPacket, TwoByteElementHeaderCutAtBlockEnd) {
    const std::vector<uint8_t> bytes = {0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,
                                        0,    1,    0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05};
    TestBuffer buf(bytes);
    RtpPacket p;
    ASSERT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    EXPECT_TRUE(p.findExtension(5).empty());
}

TEST(RtpPacket, RejectsMalformed) {
    RtpPacket p;
    auto rejects = [&](std::vector<uint8_t> bytes) {
        TestBuffer buf(bytes);
        return !RtpPacket::parse(buf.data(), buf.size(), p);
    };
    EXPECT_FALSE(RtpPacket::parse(nullptr, 100, p));
    // Version 0, 1, 3.
    for (uint8_t v : {0x00, 0x40, 0xc0}) {
        EXPECT_TRUE(rejects({v, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xaa}));
    }
    // CSRC count past the end.
    EXPECT_TRUE(rejects({0x8f, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
    EXPECT_TRUE(rejects({0x81, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}));
    // Extension header missing / length past the end.
    EXPECT_TRUE(rejects({0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde}));
    EXPECT_TRUE(rejects({0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,
                         0,    1,    0xbe, 0xde, 0x00, 0x02, 0x10, 0x01, 0x00, 0x00}));
    EXPECT_TRUE(rejects({0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0xff, 0xff}));
    // Padding count 0, larger than payload, or padding with no byte for the count.
    EXPECT_TRUE(rejects({0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xaa, 0x00}));
    EXPECT_TRUE(rejects({0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xaa, 0x03}));
    EXPECT_TRUE(rejects({0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}));
    // Padding that would eat into the extension block.
    EXPECT_TRUE(rejects({0xb0, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,   0,
                         1,    0xbe, 0xde, 0x00, 0x01, 0x10, 0x01, 0x00, 0x00, 0x05}));
    // Too short.
    EXPECT_TRUE(rejects({0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0}));
    EXPECT_TRUE(rejects({}));
}

TEST(RtpPacket, RejectsEveryTruncatedHeader) {
    const std::vector<uint8_t> withCsrcAndPadding = {
        0xb1, 0xe0, 0x00, 0x07, 0,    0,    0,    9,    0,    0,    0,    3,    0xaa, 0xbb,
        0xcc, 0xdd, 0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00, 0x01, 0x02, 0x00, 0x02,
    };
    for (const auto* bytes : {&kChromeOpus, &withCsrcAndPadding}) {
        TestBuffer full(*bytes);
        RtpPacket whole;
        ASSERT_TRUE(RtpPacket::parse(full.data(), full.size(), whole));
        for (size_t len = 0; len < bytes->size(); ++len) {
            TestBuffer cut(*bytes, len);
            RtpPacket p;
            const bool ok = RtpPacket::parse(cut.data(), cut.size(), p);
            if (len < whole.headerSize()) {
                EXPECT_FALSE(ok) << "len " << len;
            } else if (ok) {
                // Truncation inside the payload can still be a valid (shorter) packet.
                EXPECT_LE(p.headerSize() + p.payloadSize() + p.paddingSize(), len);
                p.forEachExtension([](uint8_t, std::span<const uint8_t>) {});
            }
        }
    }
}

TEST(RtpPacket, FuzzedBytesNeverReadOutOfBounds) {
    // Deterministic pseudo-random inputs biased towards valid first bytes; ASan checks bounds.
    uint32_t state = 12345;
    auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return static_cast<uint8_t>(state >> 24);
    };
    for (int iter = 0; iter < 20000; ++iter) {
        const size_t len = next() % 64;
        std::vector<uint8_t> bytes(len);
        for (auto& b : bytes) {
            b = next();
        }
        if (len > 0) {
            bytes[0] = static_cast<uint8_t>(0x80 | (bytes[0] & 0x3f));
        }
        if (len > 13 && (iter & 1)) {
            bytes[12] = 0xbe;
            bytes[13] = 0xde;
        }
        TestBuffer buf(bytes);
        RtpPacket p;
        if (RtpPacket::parse(buf.data(), buf.size(), p)) {
            ASSERT_LE(p.headerSize() + p.payloadSize() + p.paddingSize(), len);
            size_t total = 0;
            p.forEachExtension([&](uint8_t id, std::span<const uint8_t> v) {
                EXPECT_NE(id, 0);
                EXPECT_GE(v.data(), buf.data());
                EXPECT_LE(v.data() + v.size(), buf.data() + p.headerSize());
                total += v.size();
            });
            EXPECT_LE(total, p.extensionBlock().size());
            for (uint8_t id = 1; id < 16; ++id) {
                (void)p.findExtension(id);
            }
        }
    }
}

}  // namespace
}  // namespace vcb::rtp
