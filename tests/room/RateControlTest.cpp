// RateControl: the hall's video rate follows the loss the server reports.
#include <gtest/gtest.h>

#include "clients/room/RateControl.hpp"

namespace vcb::room {
namespace {

using namespace std::chrono_literals;
using Clock = RateControl::Clock;

TEST(RateControl, HeavyLossCutsTheRateByHalfTheLossDownToTheFloor) {
    RateControl rc(1500);
    auto t = Clock::time_point{} + 1h;
    EXPECT_EQ(rc.target(), 1500);
    EXPECT_EQ(rc.onReport(t, 0.5), 1125);  // 1500 × (1 − 0.25)
    EXPECT_EQ(rc.onReport(t += 1s, 0.5), 844);
    for (int i = 0; i < 20; ++i) rc.onReport(t += 1s, 0.9);
    EXPECT_EQ(rc.target(), RateControl::kMinKbps);
    EXPECT_EQ(rc.onReport(t += 1s, 0.9), std::nullopt) << "no change below the floor";
    EXPECT_GE(rc.decreases(), 3);
}

TEST(RateControl, ModerateLossHoldsAndLittleLossGrowsBackToTheConfiguredRate) {
    RateControl rc(1000);
    auto t = Clock::time_point{} + 1h;
    EXPECT_EQ(rc.onReport(t, 0.4), 800);
    EXPECT_EQ(rc.onReport(t += 1s, 0.05), std::nullopt) << "2–10 % holds";
    EXPECT_EQ(rc.onReport(t += 1s, 0.10), std::nullopt) << "exactly 10 % holds";
    EXPECT_EQ(rc.onReport(t += 1s, 0.02), std::nullopt) << "exactly 2 % holds";
    EXPECT_EQ(rc.onReport(t += 1s, 0.0), 840);
    // Near 1000 (the rate cut) it holds until 30 s after the cut, then grows 1 % a report.
    for (int i = 0; i < 60; ++i) rc.onReport(t += 1s, 0.0);
    EXPECT_EQ(rc.target(), 1000) << "never above the configured rate";
    EXPECT_EQ(rc.onReport(t += 1s, 0.01), std::nullopt);
}

TEST(RateControl, OneChangePerReportIntervalAndNonsenseLossIsClamped) {
    RateControl rc(1000);
    auto t = Clock::time_point{} + 1h;
    EXPECT_EQ(rc.onReport(t, 0.5), 750);
    EXPECT_EQ(rc.onReport(t + 100ms, 0.5), std::nullopt) << "the same report read twice";
    EXPECT_EQ(rc.onReport(t + 1s, 7.0), 375) << "a loss above 1 counts as 1";
    EXPECT_EQ(rc.onReport(t + 2s, -3.0), 394) << "below 0 counts as 0";
}

TEST(RateControl, AGrowingQueueStopsTheGrowthThenCutsBeforeAnyLoss) {
    RateControl rc(1000);
    auto t = Clock::time_point{} + 1h;
    ASSERT_EQ(rc.onReport(t, 0.5, 0.050), 750);  // least round trip 50 ms
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.060), 788) << "10 ms of queue: grows";
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.200), std::nullopt) << "150 ms of queue: holds";
    EXPECT_NEAR(rc.queueingDelay(), 0.146, 0.001) << "the least round trip crept up 2 ms twice";
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.400), 709) << "350 ms of queue: −10 %, no loss yet";
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.450), std::nullopt) << "draining: one cut per 2 s";
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.450), 638) << "still queued after 2 s: again";
    EXPECT_EQ(rc.decreases(), 3);
    // The queue drained, but 638 is within 10 % of 709, the rate last cut: it holds 30 s, then
    // grows by 1 %; no round trip measured (0) changes nothing.
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.055), std::nullopt);
    EXPECT_EQ(rc.onReport(t += 30s, 0.0, 0.055), 644);
    EXPECT_EQ(rc.onReport(t += 1s, 0.0, 0.0), 651);
}

TEST(RateControl, NearTheRateLastCutItGrowsSlowly) {
    RateControl rc(1000);
    auto t = Clock::time_point{} + 1h;
    ASSERT_EQ(rc.onReport(t, 0.2), 900);  // cut from 1000: 900 is within 10 % of it
    for (int i = 0; i < 29; ++i)
        EXPECT_EQ(rc.onReport(t += 1s, 0.0), std::nullopt) << "holds for 30 s after the cut";
    EXPECT_EQ(rc.onReport(t += 1s, 0.0), 909) << "then +1 %";
    for (int i = 0; i < 10; ++i) rc.onReport(t += 1s, 0.0);
    EXPECT_GT(rc.target(), 990);
    EXPECT_EQ(rc.target(), 1000) << "never above the configured rate";
    // Far below the last cut it grows by 5 %.
    RateControl far(1000);
    ASSERT_EQ(far.onReport(t, 0.8), 600);
    EXPECT_EQ(far.onReport(t += 1s, 0.0), 630);
}

TEST(RateControl, TheLeastRoundTripCreepsUpSoALongerRouteIsLearnt) {
    RateControl rc(1000);
    auto t = Clock::time_point{} + 1h;
    rc.onReport(t, 0.0, 0.020);
    // The route now takes 200 ms more: at first that is queueing delay ...
    rc.onReport(t += 1s, 0.0, 0.220);
    EXPECT_NEAR(rc.queueingDelay(), 0.198, 0.001);
    // ... but the least round trip creeps up 2 ms a report, so it is learnt.
    for (int i = 0; i < 120; ++i) rc.onReport(t += 1s, 0.0, 0.220);
    EXPECT_LT(rc.queueingDelay(), 0.001);
    EXPECT_GT(rc.target(), 900);
}

TEST(RateControl, AReloadCapsTheTargetAndALowConfiguredRateIsItsOwnFloor) {
    RateControl rc(1500);
    rc.setMax(600);
    EXPECT_EQ(rc.target(), 600);
    RateControl low(100);
    auto t = Clock::time_point{} + 1h;
    EXPECT_EQ(low.onReport(t, 0.9), std::nullopt) << "100 kbps configured: nothing lower";
    EXPECT_EQ(low.target(), 100);
}

}  // namespace
}  // namespace vcb::room
