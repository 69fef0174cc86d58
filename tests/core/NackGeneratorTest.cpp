// Loss detection and NACK scheduling toward a publisher (NackGenerator): gaps, wrap-around,
// reordering, retries once per round trip, giving up, resets and the bound on the list.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "sfu/core/NackGenerator.hpp"

namespace vcb::sfu::test {
namespace {

using Arrival = NackGenerator::Arrival;
constexpr int64_t kT0 = 50'000'000;

std::vector<uint16_t> collect(NackGenerator& g, int64_t nowUs, size_t room = 256) {
    std::array<uint16_t, 600> out{};
    size_t n = g.collect(nowUs, std::span<uint16_t>(out.data(), room));
    return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

// Feeds a packet the way Producer does: repair first, then onPacket for the rest.
Arrival feed(NackGenerator& g, uint16_t seq, int64_t nowUs, bool keyFrame = false) {
    if (g.repair(seq, nowUs)) return Arrival::Late;
    return g.onPacket(seq, keyFrame, nowUs);
}

TEST(NackGeneratorTest, InOrderPacketsLeaveNothingToNack) {
    NackGenerator g;
    EXPECT_EQ(g.onPacket(100, false, kT0), Arrival::First);
    for (uint16_t s = 101; s < 200; ++s) EXPECT_EQ(g.onPacket(s, false, kT0), Arrival::InOrder);
    EXPECT_EQ(g.onPacket(199, false, kT0), Arrival::Duplicate);
    EXPECT_EQ(g.missingCount(), 0u);
    EXPECT_TRUE(collect(g, kT0 + 1'000'000).empty());
}

TEST(NackGeneratorTest, GapIsNackedAtOnceInAscendingOrder) {
    NackGenerator g;
    g.onPacket(10, false, kT0);
    EXPECT_EQ(g.onPacket(14, false, kT0), Arrival::Gap);
    EXPECT_EQ(g.onPacket(15, false, kT0), Arrival::InOrder);
    EXPECT_EQ(g.onPacket(17, false, kT0), Arrival::Gap);
    EXPECT_EQ(collect(g, kT0), (std::vector<uint16_t>{11, 12, 13, 16}));
    EXPECT_EQ(g.nackedCount(), 4u);
    // Sent: not due again before a round trip.
    EXPECT_TRUE(collect(g, kT0 + 1000).empty());
}

TEST(NackGeneratorTest, GapAcrossTheWrapIsDetected) {
    NackGenerator g;
    g.onPacket(65533, false, kT0);
    EXPECT_EQ(g.onPacket(2, false, kT0), Arrival::Gap);
    EXPECT_EQ(collect(g, kT0), (std::vector<uint16_t>{65534, 65535, 0, 1}));
    // The repaired packet from before the wrap is found.
    EXPECT_TRUE(g.repair(65535, kT0 + 30'000));
    EXPECT_TRUE(g.repair(0, kT0 + 30'000));
    EXPECT_FALSE(g.repair(0, kT0 + 30'000));
    EXPECT_EQ(g.missingCount(), 2u);
    EXPECT_TRUE(g.isMissing(65534));
    EXPECT_TRUE(g.isMissing(1));
}

TEST(NackGeneratorTest, ReorderedPacketIsRemovedAndNotCountedAsRepaired) {
    NackGenerator g;
    g.onPacket(1, false, kT0);
    g.onPacket(3, false, kT0);
    EXPECT_TRUE(g.repair(2, kT0 + 1000));  // arrived before any NACK went out
    EXPECT_EQ(g.repairedCount(), 0u);
    EXPECT_TRUE(collect(g, kT0 + 2000).empty());
    // An old packet nobody waits for (duplicate of a received one) is just late.
    EXPECT_EQ(feed(g, 1, kT0 + 3000), Arrival::Late);
    EXPECT_EQ(g.missingCount(), 0u);
}

TEST(NackGeneratorTest, RetriesOncePerRoundTripAndLearnsTheRoundTrip) {
    NackGenerator g;
    g.onPacket(1, false, kT0);
    g.onPacket(4, false, kT0);  // 2, 3 missing
    EXPECT_EQ(collect(g, kT0), (std::vector<uint16_t>{2, 3}));
    const int64_t rtt0 = NackGenerator::kDefaultRttUs;
    EXPECT_EQ(g.rttUs(), rtt0);
    EXPECT_TRUE(collect(g, kT0 + rtt0 - 1).empty());
    EXPECT_EQ(collect(g, kT0 + rtt0), (std::vector<uint16_t>{2, 3}));  // first retry
    // A new gap: the first request for 5 goes out on the next collect, retries keep their pace.
    g.onPacket(6, false, kT0 + rtt0 + 10'000);
    EXPECT_EQ(collect(g, kT0 + rtt0 + 10'000), (std::vector<uint16_t>{5}));
    // 5 arrives 40 ms after its single NACK: the round trip estimate becomes 40 ms.
    EXPECT_TRUE(g.repair(5, kT0 + rtt0 + 50'000));
    EXPECT_EQ(g.repairedCount(), 1u);
    EXPECT_EQ(g.rttUs(), 40'000);
    // 2 and 3 were last sent at kT0 + rtt0: due again 40 ms later, not 100.
    EXPECT_TRUE(collect(g, kT0 + rtt0 + 39'999).empty());
    EXPECT_EQ(collect(g, kT0 + rtt0 + 40'000), (std::vector<uint16_t>{2, 3}));
    // An answer to a repeated NACK is ambiguous and does not change the estimate.
    EXPECT_TRUE(g.repair(2, kT0 + rtt0 + 41'000));
    EXPECT_EQ(g.rttUs(), 40'000);
    EXPECT_EQ(g.repairedCount(), 2u);
}

TEST(NackGeneratorTest, RoundTripIsClamped) {
    NackGenerator g;
    g.onPacket(1, false, kT0);
    g.onPacket(3, false, kT0);
    collect(g, kT0);
    g.repair(2, kT0 + 100);  // a reorder just after the NACK, not a real round trip
    EXPECT_EQ(g.rttUs(), NackGenerator::kMinRttUs);
    g.setRtt(10'000'000);
    EXPECT_EQ(g.rttUs(), NackGenerator::kMaxRttUs);
}

TEST(NackGeneratorTest, GivesUpAfterMaxTries) {
    NackGenerator g;
    g.setRtt(20'000);
    g.onPacket(1, false, kT0);
    g.onPacket(3, false, kT0);
    int64_t now = kT0;
    int sent = 0;
    for (int i = 0; i < 50 && g.missingCount() != 0; ++i, now += 20'000) {
        sent += static_cast<int>(collect(g, now).size());
    }
    EXPECT_EQ(sent, NackGenerator::kMaxTries);
    EXPECT_EQ(g.missingCount(), 0u);
    EXPECT_EQ(g.givenUpCount(), 1u);
    EXPECT_LT(now - kT0, NackGenerator::kMaxAgeUs);  // tries, not age, ended it
}

TEST(NackGeneratorTest, GivesUpWhenTooOld) {
    NackGenerator g;
    g.setRtt(NackGenerator::kMaxRttUs);
    g.onPacket(1, false, kT0);
    g.onPacket(3, false, kT0);
    EXPECT_EQ(collect(g, kT0).size(), 1u);
    EXPECT_EQ(collect(g, kT0 + NackGenerator::kMaxAgeUs).size(), 1u);  // still worth asking
    EXPECT_EQ(g.missingCount(), 1u);
    EXPECT_TRUE(collect(g, kT0 + NackGenerator::kMaxAgeUs + 1).empty());
    EXPECT_EQ(g.missingCount(), 0u);
    EXPECT_EQ(g.givenUpCount(), 1u);
}

TEST(NackGeneratorTest, KeyFrameMakesEarlierLossesIrrelevant) {
    NackGenerator g;
    g.onPacket(1, false, kT0);
    g.onPacket(5, false, kT0);                           // 2, 3, 4 missing
    g.onPacket(8, false, kT0);                           // 6, 7 missing
    EXPECT_EQ(g.onPacket(10, true, kT0), Arrival::Gap);  // key frame: 9 not needed either
    EXPECT_EQ(g.missingCount(), 0u);
    EXPECT_EQ(g.givenUpCount(), 5u);
    g.onPacket(12, false, kT0);  // 11 missing, after the key frame
    EXPECT_EQ(collect(g, kT0), (std::vector<uint16_t>{11}));
}

TEST(NackGeneratorTest, HugeJumpResets) {
    NackGenerator g;
    g.onPacket(100, false, kT0);
    g.onPacket(103, false, kT0);  // 101, 102 missing
    EXPECT_EQ(g.onPacket(103 + NackGenerator::kMaxMissing + 2, false, kT0), Arrival::Reset);
    EXPECT_EQ(g.missingCount(), 0u);
    EXPECT_EQ(g.givenUpCount(), 2u);
    EXPECT_TRUE(collect(g, kT0).empty());
    // Continues from the new position.
    EXPECT_EQ(g.onPacket(103 + NackGenerator::kMaxMissing + 4, false, kT0), Arrival::Gap);
    EXPECT_EQ(g.missingCount(), 1u);
    // A restarted stream far behind resets too.
    constexpr auto kBehind = static_cast<uint16_t>(619 - NackGenerator::kMaxReorder - 1);
    EXPECT_EQ(g.onPacket(kBehind, false, kT0), Arrival::Reset);
    EXPECT_EQ(g.missingCount(), 0u);
    EXPECT_EQ(g.onPacket(kBehind + 1, false, kT0), Arrival::InOrder);
    // Within the reorder window it is only a late packet.
    EXPECT_EQ(
        g.onPacket(static_cast<uint16_t>(kBehind + 1 - NackGenerator::kMaxReorder), false, kT0),
        Arrival::Late);
}

TEST(NackGeneratorTest, LargestRepairableGapIsKept) {
    NackGenerator g;
    g.onPacket(0, false, kT0);
    EXPECT_EQ(g.onPacket(NackGenerator::kMaxMissing + 1, false, kT0), Arrival::Gap);
    EXPECT_EQ(g.missingCount(), NackGenerator::kMaxMissing);
}

TEST(NackGeneratorTest, ListIsBoundedAndTheOldestGivesWay) {
    NackGenerator g;
    uint16_t seq = 0;
    g.onPacket(seq, false, kT0);
    // Every other packet lost, for 600 losses.
    for (int i = 0; i < 600; ++i) {
        seq = static_cast<uint16_t>(seq + 2);
        g.onPacket(seq, false, kT0);
    }
    EXPECT_EQ(g.missingCount(), NackGenerator::kMaxMissing);
    EXPECT_EQ(g.givenUpCount(), 600 - NackGenerator::kMaxMissing);
    EXPECT_FALSE(g.isMissing(1));
    EXPECT_TRUE(g.isMissing(static_cast<uint16_t>(seq - 1)));
    // Oldest still held: loss number 600 - 512 + 1 = 89, i.e. seq 2 * 89 - 1.
    EXPECT_FALSE(g.isMissing(175));
    EXPECT_TRUE(g.isMissing(177));
    auto first = collect(g, kT0, 256);
    ASSERT_EQ(first.size(), 256u);  // bounded by the caller's room, the rest next time
    EXPECT_EQ(first.front(), 177);
    auto rest = collect(g, kT0, 600);
    ASSERT_EQ(rest.size(), NackGenerator::kMaxMissing - 256);
    EXPECT_EQ(rest.back(), static_cast<uint16_t>(seq - 1));
    // Repairing from the middle keeps the order.
    EXPECT_TRUE(g.repair(501, kT0 + 50'000));
    EXPECT_FALSE(g.isMissing(501));
    EXPECT_TRUE(g.isMissing(499));
    EXPECT_TRUE(g.isMissing(503));
}

}  // namespace
}  // namespace vcb::sfu::test
