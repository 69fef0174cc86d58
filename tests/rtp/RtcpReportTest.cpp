#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "sfu/rtp/RtcpBye.hpp"
#include "sfu/rtp/RtcpReceiverReport.hpp"
#include "sfu/rtp/RtcpSdes.hpp"
#include "sfu/rtp/RtcpSenderReport.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

ReportBlock block(uint32_t ssrc, int32_t lost) {
    ReportBlock b;
    b.ssrc = ssrc;
    b.fractionLost = 25;
    b.cumulativeLost = lost;
    b.extendedHighestSeq = 0x0001FFFF;
    b.jitter = 123;
    b.lastSr = 0xAABBCCDD;
    b.delaySinceLastSr = 65536;
    return b;
}

// Every strictly shorter view of a serialized packet must be rejected by `parse`.
template <typename T>
void expectTruncationsRejected(const uint8_t* data, size_t size) {
    for (size_t len = 0; len < size; ++len) {
        TestBuffer cut(std::span<const uint8_t>(data, size), len);
        T out;
        EXPECT_FALSE(T::parse(cut.data(), cut.size(), out)) << "len " << len;
    }
}

TEST(ReportBlock, NegativeCumulativeLostRoundTrips) {
    uint8_t buf[ReportBlock::kSize];
    for (int32_t lost :
         {0, 1, -1, -5000, ReportBlock::kMaxCumulativeLost, ReportBlock::kMinCumulativeLost}) {
        block(1, lost).write(buf);
        EXPECT_EQ(ReportBlock::read(buf).cumulativeLost, lost);
    }
    block(1, 1 << 24).write(buf);
    EXPECT_EQ(ReportBlock::read(buf).cumulativeLost, ReportBlock::kMaxCumulativeLost);
    block(1, -(1 << 24)).write(buf);
    EXPECT_EQ(ReportBlock::read(buf).cumulativeLost, ReportBlock::kMinCumulativeLost);
    block(1, -1).write(buf);
    EXPECT_EQ(buf[5], 0xff);
    EXPECT_EQ(buf[7], 0xff);
}

TEST(RtcpSenderReport, RoundTrip) {
    const std::array<ReportBlock, 2> blocks = {block(0x1111, 7), block(0x2222, -3)};
    RtcpSenderReport sr;
    sr.setSsrc(0xDEADBEEF);
    sr.setNtpTimestamp(0x0123456789ABCDEFull);
    sr.setRtpTimestamp(90000);
    sr.setPacketCount(10);
    sr.setOctetCount(12000);
    sr.setReportBlocks(blocks);
    std::array<uint8_t, 256> out{};
    const size_t n = sr.write(out.data(), out.size());
    ASSERT_EQ(n, 28u + 48);
    EXPECT_EQ(out[0], 0x82);
    EXPECT_EQ(out[1], 200);
    EXPECT_EQ(out[3], n / 4 - 1);

    RtcpSenderReport parsed;
    ASSERT_TRUE(RtcpSenderReport::parse(out.data(), n, parsed));
    EXPECT_EQ(parsed.ssrc(), 0xDEADBEEFu);
    EXPECT_EQ(parsed.ntpTimestamp(), 0x0123456789ABCDEFull);
    EXPECT_EQ(parsed.rtpTimestamp(), 90000u);
    EXPECT_EQ(parsed.packetCount(), 10u);
    EXPECT_EQ(parsed.octetCount(), 12000u);
    ASSERT_EQ(parsed.reportBlockCount(), 2u);
    EXPECT_EQ(parsed.reportBlock(0), blocks[0]);
    EXPECT_EQ(parsed.reportBlock(1), blocks[1]);
    EXPECT_EQ(parsed.reportBlock(2), ReportBlock{});

    // Re-serializing a parsed packet reproduces it.
    std::array<uint8_t, 256> again{};
    ASSERT_EQ(parsed.write(again.data(), again.size()), n);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + n, again.begin()));

    expectTruncationsRejected<RtcpSenderReport>(out.data(), n);
    EXPECT_EQ(sr.write(out.data(), n - 1), 0u);
}

TEST(RtcpSenderReport, RejectsMalformed) {
    RtcpSenderReport sr;
    // RC says 1 block but the packet only has sender info.
    TestBuffer missingBlock({0x81, 0xc8, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                             0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_FALSE(RtcpSenderReport::parse(missingBlock.data(), missingBlock.size(), sr));
    // Wrong packet type.
    TestBuffer rr({0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 1});
    EXPECT_FALSE(RtcpSenderReport::parse(rr.data(), rr.size(), sr));
    // Sender info too short.
    TestBuffer shortInfo({0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1});
    EXPECT_FALSE(RtcpSenderReport::parse(shortInfo.data(), shortInfo.size(), sr));
}

TEST(RtcpSenderReport, TooManyBlocks) {
    std::vector<ReportBlock> blocks(32);
    RtcpSenderReport sr;
    sr.setReportBlocks(blocks);
    std::vector<uint8_t> out(2000);
    EXPECT_EQ(sr.write(out.data(), out.size()), 0u);
    sr.setReportBlocks(std::span<const ReportBlock>(blocks).first(31));
    EXPECT_EQ(sr.write(out.data(), out.size()), 28u + 31 * 24);
}

TEST(RtcpReceiverReport, RoundTripAndMalformed) {
    const std::array<ReportBlock, 1> blocks = {block(0xABCD, -100)};
    RtcpReceiverReport rr;
    rr.setSsrc(42);
    rr.setReportBlocks(blocks);
    std::array<uint8_t, 64> out{};
    const size_t n = rr.write(out.data(), out.size());
    ASSERT_EQ(n, 32u);
    RtcpReceiverReport parsed;
    ASSERT_TRUE(RtcpReceiverReport::parse(out.data(), n, parsed));
    EXPECT_EQ(parsed.ssrc(), 42u);
    ASSERT_EQ(parsed.reportBlockCount(), 1u);
    EXPECT_EQ(parsed.reportBlock(0), blocks[0]);
    expectTruncationsRejected<RtcpReceiverReport>(out.data(), n);

    // RC = 2 with one block present.
    out[0] = 0x82;
    EXPECT_FALSE(RtcpReceiverReport::parse(out.data(), n, parsed));

    RtcpReceiverReport empty;
    empty.setSsrc(7);
    EXPECT_EQ(empty.write(out.data(), out.size()), 8u);
    ASSERT_TRUE(RtcpReceiverReport::parse(out.data(), 8, parsed));
    EXPECT_EQ(parsed.reportBlockCount(), 0u);
}

TEST(RtcpSdes, RoundTrip) {
    const std::array<SdesChunk, 2> chunks = {SdesChunk{0x11, "user@host"},
                                             SdesChunk{0x22, "abcdefgh"}};
    RtcpSdes sdes;
    sdes.setChunks(chunks);
    std::array<uint8_t, 128> out{};
    const size_t n = sdes.write(out.data(), out.size());
    ASSERT_GT(n, 0u);
    EXPECT_EQ(n % 4, 0u);
    EXPECT_EQ(n, sdes.size());

    RtcpSdes parsed;
    ASSERT_TRUE(RtcpSdes::parse(out.data(), n, parsed));
    ASSERT_EQ(parsed.chunkCount(), 2u);
    EXPECT_EQ(parsed.chunk(0).ssrc, 0x11u);
    EXPECT_EQ(parsed.chunk(0).cname, "user@host");
    EXPECT_EQ(parsed.chunk(1).ssrc, 0x22u);
    EXPECT_EQ(parsed.chunk(1).cname, "abcdefgh");
    EXPECT_EQ(parsed.cname(0x22), "abcdefgh");
    EXPECT_FALSE(parsed.cname(0x33));

    std::array<uint8_t, 128> again{};
    ASSERT_EQ(parsed.write(again.data(), again.size()), n);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + n, again.begin()));
    expectTruncationsRejected<RtcpSdes>(out.data(), n);
}

TEST(RtcpSdes, ParsesAllItemTypes) {
    // One chunk with NAME (2) and CNAME (1) items, then a chunk with no items.
    TestBuffer buf({0x82, 0xca, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x02, 0x02, 'n',  'm',
                    0x01, 0x01, 'c',  0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00});
    RtcpSdes sdes;
    ASSERT_TRUE(RtcpSdes::parse(buf.data(), buf.size(), sdes));
    std::vector<std::string> items;
    sdes.forEachItem([&](uint32_t ssrc, uint8_t type, std::string_view text) {
        items.push_back(std::to_string(ssrc) + ":" + std::to_string(type) + ":" +
                        std::string(text));
    });
    EXPECT_EQ(items, (std::vector<std::string>{"1:2:nm", "1:1:c"}));
    EXPECT_EQ(sdes.cname(1), "c");
    EXPECT_EQ(sdes.chunk(1).ssrc, 2u);
    EXPECT_TRUE(sdes.chunk(1).cname.empty());
}

TEST(RtcpSdes, RejectsMalformed) {
    RtcpSdes sdes;
    // Item length past the end of the packet.
    TestBuffer overrun({0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x10, 'a', 'b'});
    EXPECT_FALSE(RtcpSdes::parse(overrun.data(), overrun.size(), sdes));
    // No END item.
    TestBuffer noEnd({0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'});
    EXPECT_FALSE(RtcpSdes::parse(noEnd.data(), noEnd.size(), sdes));
    // SC = 2 with one chunk.
    TestBuffer missingChunk({0x82, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x01, 'a', 0x00});
    EXPECT_FALSE(RtcpSdes::parse(missingChunk.data(), missingChunk.size(), sdes));
    // Chunk SSRC cut.
    TestBuffer cutSsrc({0x81, 0xca, 0x00, 0x00});
    EXPECT_FALSE(RtcpSdes::parse(cutSsrc.data(), cutSsrc.size(), sdes));
    // Item header cut in the middle (type present, length missing).
    TestBuffer cutItem({0xa1, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x00, 0x00, 0x03});
    EXPECT_FALSE(RtcpSdes::parse(cutItem.data(), cutItem.size(), sdes));
}

TEST(RtcpSdes, WriteLimits) {
    const std::string longName(256, 'x');
    const std::array<SdesChunk, 1> tooLong = {SdesChunk{1, longName}};
    RtcpSdes sdes;
    sdes.setChunks(tooLong);
    std::array<uint8_t, 600> out{};
    EXPECT_EQ(sdes.write(out.data(), out.size()), 0u);
    const std::array<SdesChunk, 1> ok = {SdesChunk{1, std::string_view(longName).substr(0, 255)}};
    sdes.setChunks(ok);
    const size_t n = sdes.write(out.data(), out.size());
    ASSERT_GT(n, 0u);
    RtcpSdes parsed;
    ASSERT_TRUE(RtcpSdes::parse(out.data(), n, parsed));
    EXPECT_EQ(parsed.cname(1)->size(), 255u);
    EXPECT_EQ(sdes.write(out.data(), n - 1), 0u);
}

TEST(RtcpBye, RoundTrip) {
    const std::array<uint32_t, 2> ssrcs = {0x01020304, 0x05060708};
    RtcpBye bye;
    bye.setSsrcs(ssrcs);
    bye.setReason("shutdown");
    std::array<uint8_t, 64> out{};
    const size_t n = bye.write(out.data(), out.size());
    ASSERT_EQ(n, 4u + 8 + 12);
    RtcpBye parsed;
    ASSERT_TRUE(RtcpBye::parse(out.data(), n, parsed));
    ASSERT_EQ(parsed.ssrcCount(), 2u);
    EXPECT_EQ(parsed.ssrc(0), 0x01020304u);
    EXPECT_EQ(parsed.ssrc(1), 0x05060708u);
    EXPECT_EQ(parsed.ssrc(2), 0u);
    EXPECT_EQ(parsed.reason(), "shutdown");
    expectTruncationsRejected<RtcpBye>(out.data(), n);

    RtcpBye plain;
    plain.setSsrcs(std::span<const uint32_t>(ssrcs).first(1));
    ASSERT_EQ(plain.write(out.data(), out.size()), 8u);
    ASSERT_TRUE(RtcpBye::parse(out.data(), 8, parsed));
    EXPECT_EQ(parsed.ssrcCount(), 1u);
    EXPECT_TRUE(parsed.reason().empty());
}

TEST(RtcpBye, RejectsMalformed) {
    RtcpBye bye;
    // SC = 2, one SSRC.
    TestBuffer missing({0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1});
    EXPECT_FALSE(RtcpBye::parse(missing.data(), missing.size(), bye));
    // Reason length past the end.
    TestBuffer reason({0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'a', 'b', 'c'});
    EXPECT_FALSE(RtcpBye::parse(reason.data(), reason.size(), bye));
}

}  // namespace
}  // namespace vcb::rtp
