// SizeControl: the hall's camera is encoded smaller when the link's rate cannot carry its size.
#include <gtest/gtest.h>

#include "clients/room/SizeControl.hpp"

namespace vcb::room {
namespace {

using namespace std::chrono_literals;
using Clock = SizeControl::Clock;

TEST(SizeControl, TheLadderGoesByThreeQuartersDownToTheNarrowestUsefulWidth) {
    SizeControl sc({1280, 720}, 25);
    const std::vector<VideoSize> want{{1280, 720}, {960, 540}, {640, 360}, {480, 270}, {320, 180}};
    EXPECT_EQ(sc.ladder(), want);
    EXPECT_EQ(sc.neededKbps({1280, 720}), 1152);
    EXPECT_EQ(sc.neededKbps({640, 360}), 288);
    // 320×240: 3/8 would be 120 px wide, under kMinWidth.
    SizeControl small({320, 240}, 25);
    const std::vector<VideoSize> smallWant{{320, 240}, {240, 180}, {160, 120}};
    EXPECT_EQ(small.ladder(), smallWant);
    // Odd results are rounded down to even (4:2:0).
    SizeControl odd({1366, 768}, 25);
    EXPECT_EQ(odd.ladder()[1], (VideoSize{1024, 576}));
    EXPECT_EQ(SizeControl({100, 100}, 25).ladder().size(), 1u) << "never above the configuration";
}

TEST(SizeControl, DownAtOnceToTheSizeTheRateCarries) {
    SizeControl sc({1280, 720}, 25);
    auto t = Clock::time_point{} + 1h;
    EXPECT_EQ(sc.onRate(t, 1200), std::nullopt) << "1200 carries 720p (1152)";
    EXPECT_EQ(sc.onRate(t += 1s, 1000), (VideoSize{960, 540})) << "540p needs 648";
    EXPECT_EQ(sc.onRate(t += 1s, 250), (VideoSize{480, 270}))
        << "two steps at once: 360p needs 288";
    EXPECT_EQ(sc.onRate(t += 1s, 150), (VideoSize{320, 180}));
    EXPECT_EQ(sc.onRate(t += 1s, 50), std::nullopt) << "the smallest is the floor";
    EXPECT_EQ(sc.current(), (VideoSize{320, 180}));
}

TEST(SizeControl, UpOneStepAtATimeWithHeadroomAfterHolding) {
    SizeControl sc({1280, 720}, 25);
    auto t = Clock::time_point{} + 1h;
    ASSERT_EQ(sc.onRate(t, 250), (VideoSize{480, 270}));
    // 360p needs 288: 300 is not enough headroom (×1.3 = 374.4).
    EXPECT_EQ(sc.onRate(t += 10s, 300), std::nullopt);
    // Enough headroom, but the size changed under kHold ago.
    SizeControl recent({1280, 720}, 25);
    ASSERT_TRUE(recent.onRate(t, 250));
    EXPECT_EQ(recent.onRate(t + 3s, 2000), std::nullopt);
    EXPECT_EQ(recent.onRate(t + 4s, 2000), (VideoSize{640, 360})) << "one step, not to 720p";
    EXPECT_EQ(recent.onRate(t + 5s, 2000), std::nullopt) << "held again";
    EXPECT_EQ(recent.onRate(t + 8s, 2000), (VideoSize{960, 540}));
    EXPECT_EQ(recent.onRate(t + 12s, 2000), (VideoSize{1280, 720}));
    EXPECT_EQ(recent.onRate(t + 20s, 5000), std::nullopt) << "never above the configuration";
}

TEST(SizeControl, ARateJustAboveTheNeedDoesNotFlapBetweenTwoSizes) {
    SizeControl sc({640, 360}, 25);
    auto t = Clock::time_point{} + 1h;
    ASSERT_EQ(sc.onRate(t, 280), (VideoSize{480, 270}));
    int changes = 0;
    for (int i = 0; i < 60; ++i) {  // the rate wanders around 288 (360p's need) for a minute
        if (sc.onRate(t += 1s, i % 2 ? 280 : 300)) ++changes;
    }
    EXPECT_EQ(changes, 0);
}

}  // namespace
}  // namespace vcb::room
