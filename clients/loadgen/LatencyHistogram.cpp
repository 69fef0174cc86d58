#include "clients/loadgen/LatencyHistogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace vcb::loadgen {

size_t LatencyHistogram::bucketIndex(uint64_t value) {
    if (value < kExactLimit) return static_cast<size_t>(value);
    unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= 7
    if (exponent > kMaxExponent) return kBucketCount - 1;
    uint64_t mantissa = (value >> (exponent - kSubBucketBits)) & ((1u << kSubBucketBits) - 1);
    return static_cast<size_t>(kExactLimit +
                               (exponent - kSubBucketBits - 1) * (1u << kSubBucketBits) + mantissa);
}

uint64_t LatencyHistogram::bucketLow(size_t index) {
    if (index < kExactLimit) return index;
    size_t rel = index - kExactLimit;
    unsigned exponent = static_cast<unsigned>(rel >> kSubBucketBits) + kSubBucketBits + 1;
    uint64_t mantissa = rel & ((1u << kSubBucketBits) - 1);
    return (uint64_t{1} << exponent) + (mantissa << (exponent - kSubBucketBits));
}

uint64_t LatencyHistogram::bucketHigh(size_t index) {
    if (index < kExactLimit) return index;
    size_t rel = index - kExactLimit;
    unsigned exponent = static_cast<unsigned>(rel >> kSubBucketBits) + kSubBucketBits + 1;
    return bucketLow(index) + (uint64_t{1} << (exponent - kSubBucketBits)) - 1;
}

void LatencyHistogram::record(int64_t value) {
    uint64_t v = value < 0 ? 0 : static_cast<uint64_t>(value);
    ++buckets_[bucketIndex(v)];
    ++count_;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
    sum_ += static_cast<long double>(v);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

std::optional<uint64_t> LatencyHistogram::min() const {
    return count_ == 0 ? std::nullopt : std::optional<uint64_t>(min_);
}

std::optional<uint64_t> LatencyHistogram::max() const {
    return count_ == 0 ? std::nullopt : std::optional<uint64_t>(max_);
}

double LatencyHistogram::mean() const {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::optional<uint64_t> LatencyHistogram::percentile(double p) const {
    if (count_ == 0 || !(p > 0) || p > 100) return std::nullopt;
    auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<uint64_t>(rank, 1, count_);
    if (rank == count_) return max_;  // exact, not a bucket midpoint
    uint64_t seen = 0;
    for (size_t i = 0; i < kBucketCount; ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            uint64_t mid = bucketLow(i) + (bucketHigh(i) - bucketLow(i)) / 2;
            return std::clamp(mid, min_, max_);
        }
    }
    return max_;
}

}  // namespace vcb::loadgen
