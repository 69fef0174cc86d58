// The token bucket and the per-IP limiter behind 429 rate_limited (time is injected).
#include <gtest/gtest.h>

#include "signaling/api/RateLimiter.hpp"
#include "signaling/api/TokenBucket.hpp"

namespace vcb::signaling {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

TEST(TokenBucketTest, BurstThenRate) {
    const auto t0 = Clock::time_point{} + 1h;
    TokenBucket b(10, 20, t0);
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(b.tryTake(t0)) << i;
    EXPECT_FALSE(b.tryTake(t0));
    EXPECT_NEAR(std::chrono::duration<double>(b.waitTime(t0)).count(), 0.1, 1e-6);
    EXPECT_FALSE(b.tryTake(t0 + 50ms));
    EXPECT_TRUE(b.tryTake(t0 + 100ms));
    EXPECT_FALSE(b.tryTake(t0 + 100ms));
    // Refill is capped at the burst.
    EXPECT_TRUE(b.isFull(t0 + 1h));
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(b.tryTake(t0 + 1h)) << i;
    EXPECT_FALSE(b.tryTake(t0 + 1h));
}

TEST(TokenBucketTest, ClockGoingBackwardsAddsNothing) {
    const auto t0 = Clock::time_point{} + 1h;
    TokenBucket b(1, 1, t0);
    EXPECT_TRUE(b.tryTake(t0));
    EXPECT_FALSE(b.tryTake(t0 - 10s));
    EXPECT_FALSE(b.tryTake(t0));
    EXPECT_TRUE(b.tryTake(t0 + 1s));
}

TEST(RateLimiterTest, KeysAreIndependent) {
    RateLimiter limiter({10, 20, 100});
    const auto t0 = Clock::time_point{} + 1h;
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(limiter.acquire("10.0.0.1", t0)) << i;
    auto wait = limiter.acquire("10.0.0.1", t0);
    ASSERT_TRUE(wait.has_value());
    EXPECT_GT(*wait, 0ms);
    EXPECT_LE(*wait, 100ms);
    EXPECT_FALSE(limiter.acquire("10.0.0.2", t0));
    EXPECT_FALSE(limiter.acquire("10.0.0.1", t0 + 100ms));
}

TEST(RateLimiterTest, MapStaysBoundedAndForgetsRefilledBuckets) {
    RateLimiter limiter({10, 20, 50});
    const auto t0 = Clock::time_point{} + 1h;
    for (int i = 0; i < 5000; ++i) {
        EXPECT_FALSE(limiter.acquire("ip" + std::to_string(i), t0)) << i;
        ASSERT_LE(limiter.size(), 50u);
    }
    // Once everyone's bucket refilled, a new caller sweeps them all away.
    EXPECT_FALSE(limiter.acquire("late", t0 + 10s));
    for (int i = 0; i < 1100; ++i) limiter.acquire("late", t0 + 10s + std::chrono::seconds(i));
    EXPECT_LE(limiter.size(), 2u);
}

TEST(RateLimiterTest, EvictionDoesNotResetAnActiveAbuser) {
    RateLimiter limiter({1, 2, 3});
    const auto t0 = Clock::time_point{} + 1h;
    EXPECT_FALSE(limiter.acquire("abuser", t0));
    EXPECT_FALSE(limiter.acquire("abuser", t0));
    EXPECT_TRUE(limiter.acquire("abuser", t0 + 1ms).has_value());
    EXPECT_FALSE(limiter.acquire("a", t0 + 2ms));
    EXPECT_FALSE(limiter.acquire("b", t0 + 3ms));
    EXPECT_TRUE(limiter.acquire("abuser", t0 + 4ms).has_value());
    // The map is full: the least recently used source ("a"), not the active abuser, makes room.
    EXPECT_FALSE(limiter.acquire("c", t0 + 5ms));
    EXPECT_EQ(limiter.size(), 3u);
    EXPECT_TRUE(limiter.acquire("abuser", t0 + 6ms).has_value());
}

TEST(RateLimiterTest, ZeroRateDisables) {
    RateLimiter limiter({0, 0, 10});
    const auto t0 = Clock::time_point{} + 1h;
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.acquire("x", t0));
    EXPECT_EQ(limiter.size(), 0u);
}

}  // namespace
}  // namespace vcb::signaling
