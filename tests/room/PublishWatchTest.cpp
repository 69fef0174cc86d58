#include <gtest/gtest.h>

#include "clients/room/PublishWatch.hpp"

namespace vcb::room {
namespace {

using namespace std::chrono_literals;

TEST(PublishWatch, AStreamThatStopsForFiveSecondsWhileConnectedIsStalled) {
    PublishWatch w;
    const auto t0 = PublishWatch::Clock::time_point{} + 1h;
    EXPECT_FALSE(w.update(t0, true, 0, 0));
    std::uint64_t video = 0, audio = 0;
    for (auto t = t0; t <= t0 + 20s; t += 500ms) {
        EXPECT_FALSE(w.update(t, true, video += 12, audio += 25)) << (t - t0).count();
    }
    // The video stops; the audio goes on.
    const auto stop = t0 + 20s;
    EXPECT_FALSE(w.update(stop + 5s, true, video, audio += 250));
    EXPECT_EQ(w.update(stop + 5001ms, true, video, audio += 1).value_or(""), "video");
    // The other way round.
    PublishWatch a;
    EXPECT_FALSE(a.update(t0, true, 1, 1));
    EXPECT_FALSE(a.update(t0 + 3s, true, 100, 1));
    EXPECT_EQ(a.update(t0 + 5100ms, true, 200, 1).value_or(""), "audio");
}

TEST(PublishWatch, NothingIsExpectedWhileNotConnectedAndTheTimeCountsFromConnected) {
    PublishWatch w;
    const auto t0 = PublishWatch::Clock::time_point{} + 1h;
    // Joining: the connection is not up for 30 s, nothing flows; no stall.
    for (auto t = t0; t <= t0 + 30s; t += 1s) EXPECT_FALSE(w.update(t, false, 0, 0));
    // Connected at t0 + 30 s: a stream that never starts is stalled 5 s later, not at once.
    EXPECT_FALSE(w.update(t0 + 30s, true, 0, 0));
    EXPECT_FALSE(w.update(t0 + 34s, true, 0, 40));
    EXPECT_EQ(w.update(t0 + 35500ms, true, 0, 60).value_or(""), "video");
    // Disconnected for a while, then connected again: the time counts anew.
    EXPECT_FALSE(w.update(t0 + 40s, false, 0, 60));
    EXPECT_FALSE(w.update(t0 + 50s, true, 0, 60));
    EXPECT_FALSE(w.update(t0 + 54s, true, 0, 60));
    EXPECT_TRUE(w.update(t0 + 56s, true, 0, 60));
}

TEST(PublishWatch, ANewSessionsCountersStartingAgainAreProgress) {
    PublishWatch w;
    const auto t0 = PublishWatch::Clock::time_point{} + 1h;
    EXPECT_FALSE(w.update(t0, true, 5000, 9000));
    w = {};  // the endpoint resets it when a session ends
    EXPECT_FALSE(w.update(t0 + 10s, true, 3, 4));
    EXPECT_FALSE(w.update(t0 + 14s, true, 90, 180));
    EXPECT_FALSE(w.update(t0 + 18s, true, 190, 380));
}

}  // namespace
}  // namespace vcb::room
