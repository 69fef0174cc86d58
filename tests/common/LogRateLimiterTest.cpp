// The packet path logs through LogRateLimiter: a flood of bad packets must not become a flood of
// log lines, and logging must resume in the next second.
#include <gtest/gtest.h>

#include "common/Log.hpp"

namespace vcb {
namespace {

TEST(LogRateLimiterTest, AllowsPerSecondThenResumesNextSecond) {
    LogRateLimiter limiter(20);
    int allowed = 0;
    for (int i = 0; i < 100'000; ++i) allowed += limiter.allow(1000) ? 1 : 0;
    EXPECT_EQ(allowed, 20);
    allowed = 0;
    for (int i = 0; i < 100; ++i) allowed += limiter.allow(1001) ? 1 : 0;
    EXPECT_EQ(allowed, 20);
}

TEST(LogRateLimiterTest, CallSitesAreIndependent) {
    LogRateLimiter a(2);
    LogRateLimiter b(2);
    EXPECT_TRUE(a.allow(5));
    EXPECT_TRUE(a.allow(5));
    EXPECT_FALSE(a.allow(5));
    EXPECT_TRUE(b.allow(5));
}

}  // namespace
}  // namespace vcb
