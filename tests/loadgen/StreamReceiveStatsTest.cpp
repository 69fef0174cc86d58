#include <gtest/gtest.h>

#include "clients/loadgen/StreamReceiveStats.hpp"

namespace vcb::loadgen {
namespace {

TEST(StreamReceiveStatsTest, EmptyExpectsNothing) {
    StreamReceiveStats s;
    EXPECT_EQ(s.expected(), 0u);
    EXPECT_EQ(s.lost(), 0u);
}

TEST(StreamReceiveStatsTest, CountsFromFirstReceivedCounter) {
    StreamReceiveStats s;
    for (uint32_t c = 500; c < 600; ++c) s.onPacket(c);
    EXPECT_EQ(s.received(), 100u);
    EXPECT_EQ(s.expected(), 100u);
    EXPECT_EQ(s.lost(), 0u);
}

TEST(StreamReceiveStatsTest, CountsGapsAsLoss) {
    StreamReceiveStats s;
    for (uint32_t c = 0; c < 100; ++c) {
        if (c % 10 != 3) s.onPacket(c);
    }
    EXPECT_EQ(s.expected(), 100u);
    EXPECT_EQ(s.lost(), 10u);
}

TEST(StreamReceiveStatsTest, ReorderedPacketFillsItsGap) {
    StreamReceiveStats s;
    s.onPacket(10);
    s.onPacket(12);
    s.onPacket(13);
    EXPECT_EQ(s.lost(), 1u);
    s.onPacket(11);
    EXPECT_EQ(s.lost(), 0u);
    EXPECT_EQ(s.received(), 4u);
}

TEST(StreamReceiveStatsTest, DuplicatesAreNotReceivedTwice) {
    StreamReceiveStats s;
    s.onPacket(1);
    s.onPacket(2);
    s.onPacket(2);
    s.onPacket(1);
    EXPECT_EQ(s.received(), 2u);
    EXPECT_EQ(s.duplicates(), 2u);
    EXPECT_EQ(s.lost(), 0u);
}

TEST(StreamReceiveStatsTest, OlderThanFirstOrWindowIsLate) {
    StreamReceiveStats s;
    s.onPacket(100);
    s.onPacket(99);  // before the first one: the SFU may legitimately start later
    EXPECT_EQ(s.late(), 1u);
    EXPECT_EQ(s.expected(), 1u);
    s.onPacket(100 + StreamReceiveStats::kWindow + 5);
    s.onPacket(101);  // inside (first, highest] but beyond the window
    EXPECT_EQ(s.late(), 2u);
    EXPECT_EQ(s.received(), 2u);
}

TEST(StreamReceiveStatsTest, BigJumpClearsWindowAndCountsLoss) {
    StreamReceiveStats s;
    s.onPacket(0);
    s.onPacket(10000);
    EXPECT_EQ(s.expected(), 10001u);
    EXPECT_EQ(s.lost(), 9999u);
    s.onPacket(10000 - 5);  // inside the window: recovers one
    EXPECT_EQ(s.lost(), 9998u);
    s.onPacket(10000 - 5);
    EXPECT_EQ(s.duplicates(), 1u);
}

TEST(StreamReceiveStatsTest, StaleBitsFromSkippedCountersAreCleared) {
    StreamReceiveStats s;
    s.onPacket(0);
    s.onPacket(1);
    // 1 + kWindow maps to the same bit as 1: jumping there must not make 1 + kWindow - 1 look
    // seen, and a later counter that reuses bit 0 must not count as a duplicate.
    s.onPacket(static_cast<uint32_t>(StreamReceiveStats::kWindow));
    s.onPacket(static_cast<uint32_t>(StreamReceiveStats::kWindow) - 1);
    EXPECT_EQ(s.duplicates(), 0u);
    EXPECT_EQ(s.received(), 4u);
}

TEST(StreamReceiveStatsTest, SurvivesCounterWrap) {
    StreamReceiveStats s;
    for (uint32_t i = 0; i < 20; ++i) s.onPacket(0xFFFFFFF6u + i);
    EXPECT_EQ(s.received(), 20u);
    EXPECT_EQ(s.expected(), 20u);
    EXPECT_EQ(s.lost(), 0u);
    EXPECT_EQ(s.late(), 0u);
}

}  // namespace
}  // namespace vcb::loadgen
