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
    for (int i = 0; i < 10; ++i) rc.onReport(t += 1s, 0.0);
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
