#include <gtest/gtest.h>

#include "clients/loadgen/LatencyHistogram.hpp"

namespace vcb::loadgen {
namespace {

TEST(LatencyHistogramTest, EmptyHasNoPercentiles) {
    LatencyHistogram h;
    EXPECT_FALSE(h.percentile(50));
    EXPECT_FALSE(h.min());
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
    LatencyHistogram h;
    for (int v = 1; v <= 100; ++v) h.record(v);
    EXPECT_EQ(*h.percentile(50), 50u);
    EXPECT_EQ(*h.percentile(95), 95u);
    EXPECT_EQ(*h.percentile(99), 99u);
    EXPECT_EQ(*h.percentile(100), 100u);
    EXPECT_EQ(*h.percentile(0.5), 1u);
    EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, NearestRankOnSkewedData) {
    LatencyHistogram h;
    for (int i = 0; i < 90; ++i) h.record(10);
    for (int i = 0; i < 10; ++i) h.record(100);
    EXPECT_EQ(*h.percentile(90), 10u);
    EXPECT_EQ(*h.percentile(91), 100u);
}

TEST(LatencyHistogramTest, LargeValuesWithinResolution) {
    LatencyHistogram h;
    for (uint64_t v = 1; v <= 100000; ++v) h.record(static_cast<int64_t>(v));
    for (double p : {50.0, 95.0, 99.0, 99.9}) {
        double exact = p / 100.0 * 100000.0;
        double got = static_cast<double>(*h.percentile(p));
        EXPECT_NEAR(got, exact, exact / 64.0) << p;
    }
    EXPECT_EQ(*h.max(), 100000u);
    EXPECT_EQ(*h.min(), 1u);
    EXPECT_EQ(*h.percentile(100), 100000u);  // clamped to the real maximum
}

TEST(LatencyHistogramTest, NegativeCountsAsZeroAndHugeIsClamped) {
    LatencyHistogram h;
    h.record(-5);
    h.record(INT64_MAX);
    EXPECT_EQ(*h.min(), 0u);
    EXPECT_EQ(*h.percentile(50), 0u);
    EXPECT_EQ(h.count(), 2u);
}

TEST(LatencyHistogramTest, BucketsTileTheRange) {
    for (size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
        uint64_t low = LatencyHistogram::bucketLow(i);
        uint64_t high = LatencyHistogram::bucketHigh(i);
        ASSERT_LE(low, high);
        EXPECT_EQ(LatencyHistogram::bucketIndex(low), i);
        EXPECT_EQ(LatencyHistogram::bucketIndex(high), i);
        EXPECT_EQ(LatencyHistogram::bucketLow(i + 1), high + 1);
        // Relative width stays below 1/64 above the exact range.
        if (low >= LatencyHistogram::kExactLimit) {
            EXPECT_LE(high - low + 1, low / 64 + 1);
        }
    }
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
    LatencyHistogram a, b, all;
    for (int v = 0; v < 5000; ++v) {
        (v % 3 == 0 ? a : b).record(v * 7);
        all.record(v * 7);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    for (double p : {1.0, 50.0, 95.0, 99.0}) EXPECT_EQ(*a.percentile(p), *all.percentile(p));
    EXPECT_EQ(*a.max(), *all.max());
    EXPECT_DOUBLE_EQ(a.mean(), all.mean());
}

}  // namespace
}  // namespace vcb::loadgen
