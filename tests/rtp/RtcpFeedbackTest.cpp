#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "sfu/rtp/RtcpFir.hpp"
#include "sfu/rtp/RtcpGenericNack.hpp"
#include "sfu/rtp/RtcpPli.hpp"
#include "sfu/rtp/RtcpRemb.hpp"
#include "tests/rtp/TestBuffer.hpp"

namespace vcb::rtp {
namespace {

using test::TestBuffer;

template <typename T>
void expectTruncationsRejected(const uint8_t* data, size_t size) {
    for (size_t len = 0; len < size; ++len) {
        TestBuffer cut(std::span<const uint8_t>(data, size), len);
        T out;
        EXPECT_FALSE(T::parse(cut.data(), cut.size(), out)) << "len " << len;
    }
}

TEST(RtcpPli, RoundTrip) {
    RtcpPli pli;
    pli.setSenderSsrc(1);
    pli.setMediaSsrc(0xCAFE);
    std::array<uint8_t, 12> out{};
    ASSERT_EQ(pli.write(out.data(), out.size()), 12u);
    const std::array<uint8_t, 12> expected = {0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0xca, 0xfe};
    EXPECT_EQ(out, expected);
    RtcpPli parsed;
    ASSERT_TRUE(RtcpPli::parse(out.data(), out.size(), parsed));
    EXPECT_EQ(parsed.senderSsrc(), 1u);
    EXPECT_EQ(parsed.mediaSsrc(), 0xCAFEu);
    EXPECT_EQ(pli.write(out.data(), 11), 0u);
    expectTruncationsRejected<RtcpPli>(out.data(), out.size());
    // Same PT with FMT 4 (FIR) is not a PLI; PT 205 neither.
    out[0] = 0x84;
    EXPECT_FALSE(RtcpPli::parse(out.data(), out.size(), parsed));
    out[0] = 0x81;
    out[1] = 205;
    EXPECT_FALSE(RtcpPli::parse(out.data(), out.size(), parsed));
}

TEST(RtcpFir, RoundTripAndMalformed) {
    const std::array<FirEntry, 2> entries = {FirEntry{0x1234, 7}, FirEntry{0x5678, 255}};
    RtcpFir fir;
    fir.setSenderSsrc(9);
    fir.setEntries(entries);
    std::array<uint8_t, 64> out{};
    const size_t n = fir.write(out.data(), out.size());
    ASSERT_EQ(n, 28u);
    RtcpFir parsed;
    ASSERT_TRUE(RtcpFir::parse(out.data(), n, parsed));
    EXPECT_EQ(parsed.senderSsrc(), 9u);
    EXPECT_EQ(parsed.mediaSsrc(), 0u);
    ASSERT_EQ(parsed.entryCount(), 2u);
    EXPECT_EQ(parsed.entry(0), entries[0]);
    EXPECT_EQ(parsed.entry(1), entries[1]);
    EXPECT_EQ(out[12 + 5], 0);  // reserved bytes zero
    expectTruncationsRejected<RtcpFir>(out.data(), n);

    // No entries; entry size not a multiple of 8.
    TestBuffer noEntry({0x84, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0});
    EXPECT_FALSE(RtcpFir::parse(noEntry.data(), noEntry.size(), parsed));
    TestBuffer partial({0x84, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2});
    EXPECT_FALSE(RtcpFir::parse(partial.data(), partial.size(), parsed));
    RtcpFir empty;
    EXPECT_EQ(empty.write(out.data(), out.size()), 0u);
}

TEST(RtcpGenericNack, BuildItemsAndExpand) {
    const std::vector<uint16_t> lost = {100, 101, 105, 116, 117, 200, 200, 65535, 0, 3};
    // Wrap-ordered input: the tail (65535, 0, 3) wraps and shares one item.
    std::array<NackItem, 8> items{};
    const size_t n = RtcpGenericNack::buildItems(lost, items);
    ASSERT_EQ(n, 4u);
    EXPECT_EQ(items[0], (NackItem{100, static_cast<uint16_t>((1 << 0) | (1 << 4) | (1 << 15))}));
    EXPECT_EQ(items[1], (NackItem{117, 0}));
    EXPECT_EQ(items[2], (NackItem{200, 0}));
    EXPECT_EQ(items[3], (NackItem{65535, static_cast<uint16_t>((1 << 0) | (1 << 3))}));

    RtcpGenericNack nack;
    nack.setSenderSsrc(1);
    nack.setMediaSsrc(2);
    nack.setItems(std::span<const NackItem>(items).first(n));
    std::array<uint8_t, 64> out{};
    const size_t size = nack.write(out.data(), out.size());
    ASSERT_EQ(size, 12u + 16);
    RtcpGenericNack parsed;
    ASSERT_TRUE(RtcpGenericNack::parse(out.data(), size, parsed));
    EXPECT_EQ(parsed.senderSsrc(), 1u);
    EXPECT_EQ(parsed.mediaSsrc(), 2u);
    ASSERT_EQ(parsed.itemCount(), 4u);
    std::array<uint16_t, 32> seqs{};
    const size_t count = parsed.lostSequenceNumbers(seqs);
    const std::vector<uint16_t> expected = {100, 101, 105, 116, 117, 200, 65535, 0, 3};
    EXPECT_EQ(std::vector<uint16_t>(seqs.begin(), seqs.begin() + count), expected);

    // Output bounded by the caller's array.
    std::array<uint16_t, 3> few{};
    EXPECT_EQ(parsed.lostSequenceNumbers(few), 3u);
    EXPECT_EQ(few[2], 105);
    expectTruncationsRejected<RtcpGenericNack>(out.data(), size);
}

TEST(RtcpGenericNack, BuildItemsStopsWhenFull) {
    const std::vector<uint16_t> lost = {1, 50, 100, 150};
    std::array<NackItem, 2> items{};
    EXPECT_EQ(RtcpGenericNack::buildItems(lost, items), 2u);
    EXPECT_EQ(items[1].pid, 50);
    EXPECT_EQ(RtcpGenericNack::buildItems({}, items), 0u);
}

TEST(RtcpGenericNack, RejectsMalformed) {
    RtcpGenericNack nack;
    TestBuffer noItems({0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2});
    EXPECT_FALSE(RtcpGenericNack::parse(noItems.data(), noItems.size(), nack));
    TestBuffer wrongFmt({0x8f, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0});
    EXPECT_FALSE(RtcpGenericNack::parse(wrongFmt.data(), wrongFmt.size(), nack));
    TestBuffer ok({0x81, 0xcd, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0});
    ASSERT_TRUE(RtcpGenericNack::parse(ok.data(), ok.size(), nack));
    EXPECT_EQ(nack.item(0).pid, 1);
    RtcpGenericNack empty;
    std::array<uint8_t, 64> out{};
    EXPECT_EQ(empty.write(out.data(), out.size()), 0u);
}

TEST(RtcpRemb, RoundTrip) {
    const std::array<uint32_t, 2> ssrcs = {0xAAAA, 0xBBBB};
    for (uint64_t bps : {0ull, 1ull, 262143ull, 262144ull, 1500000ull, 30000000ull}) {
        RtcpRemb remb;
        remb.setSenderSsrc(5);
        remb.setBitrate(bps);
        remb.setSsrcs(ssrcs);
        std::array<uint8_t, 64> out{};
        const size_t n = remb.write(out.data(), out.size());
        ASSERT_EQ(n, 28u);
        EXPECT_EQ(out[0], 0x8f);
        EXPECT_EQ(out[12], 'R');
        RtcpRemb parsed;
        ASSERT_TRUE(RtcpRemb::parse(out.data(), n, parsed));
        EXPECT_EQ(parsed.senderSsrc(), 5u);
        EXPECT_EQ(parsed.mediaSsrc(), 0u);
        ASSERT_EQ(parsed.ssrcCount(), 2u);
        EXPECT_EQ(parsed.ssrc(1), 0xBBBBu);
        // 18-bit mantissa: exact below 2^18, otherwise within one part in 2^17.
        EXPECT_LE(parsed.bitrate(), bps);
        EXPECT_GE(parsed.bitrate(), bps - bps / (1 << 17));
        if (bps < (1 << 18)) {
            EXPECT_EQ(parsed.bitrate(), bps);
        }
        expectTruncationsRejected<RtcpRemb>(out.data(), n);
    }
}

TEST(RtcpRemb, KnownEncoding) {
    // exp 2, mantissa 0x30D40 (200000): 800 kbps.
    TestBuffer buf({0x8f, 0xce, 0x00, 0x05, 0,    0,    0,    1,    0,    0,    0,    0,
                    'R',  'E',  'M',  'B',  0x01, 0x0b, 0x0d, 0x40, 0x12, 0x34, 0x56, 0x78});
    RtcpRemb remb;
    ASSERT_TRUE(RtcpRemb::parse(buf.data(), buf.size(), remb));
    EXPECT_EQ(remb.bitrate(), ((0x3ull << 16) | 0x0d40) << 2);
    EXPECT_EQ(remb.ssrc(0), 0x12345678u);
}

TEST(RtcpRemb, RejectsMalformed) {
    RtcpRemb remb;
    // Not 'REMB'.
    TestBuffer other({0x8f, 0xce, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                      0,    0,    'X',  'E',  'M', 'B', 0x00, 0x00, 0x00, 0x01});
    EXPECT_FALSE(RtcpRemb::parse(other.data(), other.size(), remb));
    // Num SSRC = 2, one present.
    TestBuffer missing({0x8f, 0xce, 0x00, 0x05, 0,    0,    0,    1,    0, 0, 0, 0,
                        'R',  'E',  'M',  'B',  0x02, 0x00, 0x00, 0x01, 0, 0, 0, 1});
    EXPECT_FALSE(RtcpRemb::parse(missing.data(), missing.size(), remb));
    // Exponent 63 with a large mantissa overflows 64 bits.
    TestBuffer overflow({0x8f, 0xce, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                         0,    0,    'R',  'E',  'M', 'B', 0x00, 0xff, 0xff, 0xff});
    EXPECT_FALSE(RtcpRemb::parse(overflow.data(), overflow.size(), remb));
    std::vector<uint32_t> many(256, 1);
    RtcpRemb big;
    big.setSsrcs(many);
    std::vector<uint8_t> out(2000);
    EXPECT_EQ(big.write(out.data(), out.size()), 0u);
}

}  // namespace
}  // namespace vcb::rtp
