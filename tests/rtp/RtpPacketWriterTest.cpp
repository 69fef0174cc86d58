#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "sfu/rtp/RtpExtensionValues.hpp"
#include "sfu/rtp/RtpPacketWriter.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

const std::vector<uint8_t> kSource = {
    0xb1, 0x6f, 0x12, 0x34,  // P=1 X=1 CC=1, PT=111
    0x00, 0x00, 0x03, 0xe8,  // ts
    0x11, 0x22, 0x33, 0x44,  // ssrc
    0xca, 0xfe, 0xba, 0xbe,  // csrc
    0xbe, 0xde, 0x00, 0x03,  // one-byte, 3 words
    0x10, 0xaa,              // id 1 audio level
    0x22, 0x12, 0x34, 0x56,  // id 2 abs-send-time
    0x31, 0x00, 0x05,        // id 3 twcc
    0x40, 0x30,              // id 4 mid
    0x00, 0xfc, 0xff, 0xfe,  // payload
    0x00, 0x02,              // padding (2)
};

RtpHeaderRewrite rewrite() {
    RtpHeaderRewrite h;
    h.ssrc = 0xA1B2C3D4;
    h.sequenceNumber = 0xFFFF;
    h.timestamp = 0x01020304;
    h.payloadType = 100;
    h.marker = true;
    return h;
}

RtpPacket parseOrDie(TestBuffer& buf) {
    RtpPacket p;
    EXPECT_TRUE(RtpPacket::parse(buf.data(), buf.size(), p));
    return p;
}

TEST(RtpPacketWriter, RewritesHeaderRemapsAndAddsElements) {
    TestBuffer srcBuf(kSource);
    RtpPacket src = parseOrDie(srcBuf);

    ExtensionIdMap map{};
    map[1] = 5;  // audio level -> 5
    map[4] = 9;  // mid -> 9
    map[3] = 3;  // twcc kept, but overwritten by an extra element below
    // id 2 (abs-send-time) dropped
    uint8_t twcc[2];
    writeTransportSequenceNumber(twcc, 0xBEEF);
    uint8_t ast[3];
    writeAbsSendTime(ast, 0x00ABCDEF);
    const RtpExtensionElement extra[] = {{3, twcc}, {2, ast}};

    std::array<uint8_t, 1500> out{};
    const size_t n = RtpPacketWriter::write(src, rewrite(), map, extra, out.data(), out.size());
    ASSERT_GT(n, 0u);

    RtpPacket fwd;
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_EQ(fwd.ssrc(), 0xA1B2C3D4u);
    EXPECT_EQ(fwd.sequenceNumber(), 0xFFFF);
    EXPECT_EQ(fwd.timestamp(), 0x01020304u);
    EXPECT_EQ(fwd.payloadType(), 100);
    EXPECT_TRUE(fwd.marker());
    EXPECT_EQ(fwd.csrcCount(), 1);
    EXPECT_EQ(fwd.csrc(0), 0xcafebabeu);
    EXPECT_TRUE(fwd.hasOneByteExtensions());
    EXPECT_TRUE(fwd.hasPadding());
    EXPECT_EQ(fwd.paddingSize(), 2u);
    ASSERT_EQ(fwd.payload().size(), 3u);
    EXPECT_EQ(fwd.payload()[0], 0xfc);
    EXPECT_EQ(fwd.payload()[2], 0xfe);

    ASSERT_EQ(fwd.findExtension(5).size(), 1u);
    EXPECT_EQ(fwd.findExtension(5)[0], 0xaa);
    ASSERT_EQ(fwd.findExtension(9).size(), 1u);
    EXPECT_EQ(fwd.findExtension(9)[0], '0');
    EXPECT_EQ(readTransportSequenceNumber(fwd.findExtension(3)), 0xBEEF);
    EXPECT_EQ(readAbsSendTime(fwd.findExtension(2)), 0x00ABCDEFu);
    EXPECT_TRUE(fwd.findExtension(1).empty());
    EXPECT_TRUE(fwd.findExtension(4).empty());
    int elements = 0;
    fwd.forEachExtension([&](uint8_t, std::span<const uint8_t>) { ++elements; });
    EXPECT_EQ(elements, 4);  // the source's twcc was replaced, not duplicated
    EXPECT_EQ(fwd.headerSize() % 4, 0u);
    // Source untouched.
    EXPECT_EQ(src.ssrc(), 0x11223344u);
}

TEST(RtpPacketWriter, UsesTwoByteFormWhenNeeded) {
    TestBuffer srcBuf(kSource);
    RtpPacket src = parseOrDie(srcBuf);
    ExtensionIdMap map{};
    map[1] = 1;
    map[4] = 20;  // id > 14 forces the two-byte form
    std::array<uint8_t, 200> out{};
    size_t n = RtpPacketWriter::write(src, rewrite(), map, {}, out.data(), out.size());
    ASSERT_GT(n, 0u);
    RtpPacket fwd;
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_TRUE(fwd.hasTwoByteExtensions());
    EXPECT_EQ(fwd.findExtension(1)[0], 0xaa);
    EXPECT_EQ(fwd.findExtension(20)[0], '0');

    // A 17-byte value also forces it, as does a zero-length one.
    uint8_t big[17] = {};
    big[16] = 0x77;
    const RtpExtensionElement longElement[] = {{7, big}};
    map[4] = 4;
    n = RtpPacketWriter::write(src, rewrite(), map, longElement, out.data(), out.size());
    ASSERT_GT(n, 0u);
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_TRUE(fwd.hasTwoByteExtensions());
    ASSERT_EQ(fwd.findExtension(7).size(), 17u);
    EXPECT_EQ(fwd.findExtension(7)[16], 0x77);

    const RtpExtensionElement empty[] = {{8, {}}};
    n = RtpPacketWriter::write(src, rewrite(), map, empty, out.data(), out.size());
    ASSERT_GT(n, 0u);
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_TRUE(fwd.hasTwoByteExtensions());
    EXPECT_TRUE(fwd.hasExtensionElement(8));
}

TEST(RtpPacketWriter, DropsExtensionBlockWhenNothingRemains) {
    TestBuffer srcBuf(kSource);
    RtpPacket src = parseOrDie(srcBuf);
    std::array<uint8_t, 200> out{};
    const size_t n =
        RtpPacketWriter::write(src, rewrite(), ExtensionIdMap{}, {}, out.data(), out.size());
    ASSERT_EQ(n, 12u + 4 + 3 + 2);
    RtpPacket fwd;
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_FALSE(fwd.hasExtension());
    EXPECT_EQ(fwd.headerSize(), 16u);
    EXPECT_EQ(fwd.payload().size(), 3u);
}

TEST(RtpPacketWriter, AddsExtensionsToPlainPacket) {
    const std::vector<uint8_t> plain = {0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xde, 0xad};
    TestBuffer srcBuf(plain);
    RtpPacket src = parseOrDie(srcBuf);
    uint8_t twcc[2] = {0x00, 0x07};
    const RtpExtensionElement extra[] = {{3, twcc}};
    std::array<uint8_t, 64> out{};
    const size_t n = RtpPacketWriter::write(src, rewrite(), RtpPacketWriter::identityMap(), extra,
                                            out.data(), out.size());
    ASSERT_EQ(n, 12u + 4 + 4 + 2);
    RtpPacket fwd;
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_TRUE(fwd.hasOneByteExtensions());
    EXPECT_FALSE(fwd.hasPadding());
    EXPECT_EQ(readTransportSequenceNumber(fwd.findExtension(3)), 7);
    EXPECT_EQ(fwd.payload()[1], 0xad);
}

TEST(RtpPacketWriter, IdentityMapKeepsElements) {
    TestBuffer srcBuf(kSource);
    RtpPacket src = parseOrDie(srcBuf);
    std::array<uint8_t, 200> out{};
    const size_t n = RtpPacketWriter::write(src, rewrite(), RtpPacketWriter::identityMap(), {},
                                            out.data(), out.size());
    ASSERT_EQ(n, kSource.size());
    RtpPacket fwd;
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    for (uint8_t id = 1; id <= 4; ++id) {
        auto a = src.findExtension(id);
        auto b = fwd.findExtension(id);
        ASSERT_EQ(a.size(), b.size());
        EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
    }
}

TEST(RtpPacketWriter, ReturnsZeroWhenItDoesNotFit) {
    TestBuffer srcBuf(kSource);
    RtpPacket src = parseOrDie(srcBuf);
    const auto map = RtpPacketWriter::identityMap();
    std::array<uint8_t, 200> scratch{};
    const size_t needed =
        RtpPacketWriter::write(src, rewrite(), map, {}, scratch.data(), scratch.size());
    ASSERT_GT(needed, 0u);
    for (size_t cap = 0; cap < needed; ++cap) {
        TestBuffer out(scratch, cap);
        EXPECT_EQ(RtpPacketWriter::write(src, rewrite(), map, {}, out.data(), cap), 0u) << cap;
    }
    TestBuffer exact(scratch, needed);
    EXPECT_EQ(RtpPacketWriter::write(src, rewrite(), map, {}, exact.data(), needed), needed);
    EXPECT_EQ(RtpPacketWriter::write(src, rewrite(), map, {}, nullptr, 1500), 0u);
}

TEST(RtpPacketWriter, RejectsInvalidExtraElements) {
    TestBuffer srcBuf(kSource);
    RtpPacket src = parseOrDie(srcBuf);
    std::array<uint8_t, 1500> out{};
    const RtpExtensionElement zeroId[] = {{0, {}}};
    EXPECT_EQ(
        RtpPacketWriter::write(src, rewrite(), ExtensionIdMap{}, zeroId, out.data(), out.size()),
        0u);
    std::array<uint8_t, 256> huge{};
    const RtpExtensionElement tooLong[] = {{5, huge}};
    EXPECT_EQ(
        RtpPacketWriter::write(src, rewrite(), ExtensionIdMap{}, tooLong, out.data(), out.size()),
        0u);
}

TEST(RtpPacketWriter, TwoByteSourceToOneByteOutput) {
    const std::vector<uint8_t> bytes = {
        0x90, 0x60, 0,    1,    0,    0,    0,    1,    0,    0,
        0,    1,    0x10, 0x00, 0x00, 0x02, 0x20, 0x02, 0x01, 0x02,  // id 32, 2 bytes
        0x21, 0x00,  // id 33, empty: dropped by the map
        0x00, 0x00, 0x99,
    };
    TestBuffer srcBuf(bytes);
    RtpPacket src = parseOrDie(srcBuf);
    ExtensionIdMap map{};
    map[32] = 3;
    std::array<uint8_t, 64> out{};
    const size_t n = RtpPacketWriter::write(src, rewrite(), map, {}, out.data(), out.size());
    ASSERT_GT(n, 0u);
    RtpPacket fwd;
    ASSERT_TRUE(RtpPacket::parse(out.data(), n, fwd));
    EXPECT_TRUE(fwd.hasOneByteExtensions());
    ASSERT_EQ(fwd.findExtension(3).size(), 2u);
    EXPECT_EQ(fwd.findExtension(3)[1], 0x02);
    EXPECT_EQ(fwd.payload()[0], 0x99);
}

}  // namespace
}  // namespace vcb::rtp
