// Receive statistics and the report blocks built from them (RFC 3550 A.1, A.3, A.8, §6.4.1).
#include <gtest/gtest.h>

#include <cstdint>

#include "sfu/core/RtpReceiveStats.hpp"

namespace vcb::sfu {
namespace {

constexpr uint32_t kSsrc = 0x51525354;
constexpr int64_t kT0 = 1'000'000;

TEST(RtpReceiveStatsTest, NoLossWhenEverythingArrives) {
    RtpReceiveStats stats(90000);
    EXPECT_FALSE(stats.started());
    for (uint16_t i = 0; i < 100; ++i) {
        EXPECT_TRUE(stats.update(1000 + i, 3000u * i, kT0 + i * 33'333));
    }
    EXPECT_TRUE(stats.started());
    EXPECT_EQ(stats.packetsReceived(), 100u);
    rtp::ReportBlock b = stats.makeReportBlock(kSsrc, kT0 + 4'000'000);
    EXPECT_EQ(b.ssrc, kSsrc);
    EXPECT_EQ(b.fractionLost, 0);
    EXPECT_EQ(b.cumulativeLost, 0);
    EXPECT_EQ(b.extendedHighestSeq, 1099u);
    EXPECT_EQ(b.lastSr, 0u);
    EXPECT_EQ(b.delaySinceLastSr, 0u);
}

TEST(RtpReceiveStatsTest, FractionAndCumulativeLossAfterGaps) {
    RtpReceiveStats stats(90000);
    int64_t now = kT0;
    auto receive = [&](uint16_t from, uint16_t to) {
        for (uint16_t s = from; s <= to; ++s) {
            now += 10'000;
            stats.update(s, s * 900u, now);
        }
    };
    receive(1, 10);
    receive(16, 20);  // 11..15 lost
    rtp::ReportBlock b1 = stats.makeReportBlock(kSsrc, now);
    EXPECT_EQ(b1.cumulativeLost, 5);
    EXPECT_EQ(b1.fractionLost, 5 * 256 / 20);
    EXPECT_EQ(b1.extendedHighestSeq, 20u);

    receive(21, 30);  // a clean interval: fraction resets, cumulative stays
    rtp::ReportBlock b2 = stats.makeReportBlock(kSsrc, now);
    EXPECT_EQ(b2.fractionLost, 0);
    EXPECT_EQ(b2.cumulativeLost, 5);
    EXPECT_EQ(b2.extendedHighestSeq, 30u);

    receive(31, 31);
    receive(40, 40);  // 32..39 lost: 8 of 10 expected in this interval
    rtp::ReportBlock b3 = stats.makeReportBlock(kSsrc, now);
    EXPECT_EQ(b3.fractionLost, 8 * 256 / 10);
    EXPECT_EQ(b3.cumulativeLost, 13);

    // A late packet from the gap reduces the cumulative count; the interval shows no loss.
    now += 1'000;
    stats.update(35, 35 * 900u, now);
    rtp::ReportBlock b4 = stats.makeReportBlock(kSsrc, now);
    EXPECT_EQ(b4.cumulativeLost, 12);
    EXPECT_EQ(b4.fractionLost, 0);
    EXPECT_EQ(b4.extendedHighestSeq, 40u);
}

TEST(RtpReceiveStatsTest, SequenceWrapExtendsTheHighestSequence) {
    RtpReceiveStats stats(48000);
    uint16_t seq = 65530;
    int64_t now = kT0;
    for (int i = 0; i < 12; ++i) {
        if (seq != 65535 && seq != 0) {  // lose the two packets around the wrap
            EXPECT_TRUE(stats.update(seq, 960u * i, now));
        }
        ++seq;
        now += 20'000;
    }
    EXPECT_EQ(stats.extendedHighestSeq(), 65536u + 5u);
    rtp::ReportBlock b = stats.makeReportBlock(kSsrc, now);
    EXPECT_EQ(b.extendedHighestSeq, 65536u + 5u);
    EXPECT_EQ(b.cumulativeLost, 2);
    EXPECT_EQ(b.fractionLost, 2 * 256 / 12);
    // A reordered packet from before the wrap does not count another cycle.
    EXPECT_TRUE(stats.update(65534, 0, now));
    EXPECT_EQ(stats.extendedHighestSeq(), 65536u + 5u);
}

TEST(RtpReceiveStatsTest, LargeJumpNeedsConfirmation) {
    RtpReceiveStats stats(90000);
    for (uint16_t s = 100; s < 110; ++s) stats.update(s, 0, kT0 + s);
    EXPECT_FALSE(stats.update(20000, 0, kT0 + 200)) << "a single far-off packet is suspect";
    EXPECT_EQ(stats.extendedHighestSeq(), 109u);
    EXPECT_TRUE(stats.update(20001, 0, kT0 + 300)) << "the next one confirms a restarted stream";
    EXPECT_EQ(stats.extendedHighestSeq(), 20001u);
    rtp::ReportBlock b = stats.makeReportBlock(kSsrc, kT0 + 400);
    EXPECT_EQ(b.cumulativeLost, 0);
    EXPECT_EQ(b.fractionLost, 0);
}

TEST(RtpReceiveStatsTest, JitterStaysZeroForRegularArrivalAndGrowsWhenIrregular) {
    RtpReceiveStats regular(90000);
    RtpReceiveStats irregular(90000);
    uint32_t jitterAfter10 = 0;
    for (uint16_t i = 0; i < 60; ++i) {
        const int64_t sent = kT0 + i * 20'000;  // 20 ms = 1800 ticks
        regular.update(i, 1800u * i, sent);
        irregular.update(i, 1800u * i, sent + (i % 2 == 1 ? 5'000 : 0));  // ±5 ms = 450 ticks
        if (i == 10) jitterAfter10 = irregular.makeReportBlock(kSsrc, sent).jitter;
    }
    EXPECT_EQ(regular.makeReportBlock(kSsrc, kT0).jitter, 0u);
    const uint32_t jitter = irregular.makeReportBlock(kSsrc, kT0).jitter;
    EXPECT_GT(jitterAfter10, 100u);
    EXPECT_GT(jitter, jitterAfter10) << "the estimate converges upward";
    EXPECT_LE(jitter, 450u);
    EXPECT_GE(jitter, 420u);
}

TEST(RtpReceiveStatsTest, LastSenderReportAndDelaySinceIt) {
    RtpReceiveStats stats(90000);
    stats.update(1, 0, kT0);
    stats.onSenderReport(0x0123456789ABCDEFull, 2'000'000);
    rtp::ReportBlock b = stats.makeReportBlock(kSsrc, 2'500'000);
    EXPECT_EQ(b.lastSr, 0x456789ABu) << "middle 32 bits of the NTP timestamp";
    EXPECT_EQ(b.delaySinceLastSr, 32768u) << "0.5 s in 1/65536 s units";

    stats.onSenderReport(0x00000002FFFF0000ull, 3'000'000);
    b = stats.makeReportBlock(kSsrc, 5'000'000);
    EXPECT_EQ(b.lastSr, 0x0002FFFFu);
    EXPECT_EQ(b.delaySinceLastSr, 2u * 65536u);
}

}  // namespace
}  // namespace vcb::sfu
