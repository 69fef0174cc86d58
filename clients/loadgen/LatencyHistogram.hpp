#pragma once
// Fixed-size log-linear histogram of non-negative values (µs), HdrHistogram style: values below
// 128 are exact, larger ones fall into 64 buckets per power of two (relative error < 1/64).
// Memory stays constant however long a run is, and per-thread histograms merge exactly.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace vcb::loadgen {

class LatencyHistogram {
  public:
    static constexpr unsigned kSubBucketBits = 6;
    static constexpr uint64_t kExactLimit = uint64_t{1} << (kSubBucketBits + 1);  // 128
    static constexpr unsigned kMaxExponent = 40;  // values >= 2^41 µs (25 days) are clamped
    static constexpr size_t kBucketCount =
        kExactLimit + (kMaxExponent - kSubBucketBits) * (size_t{1} << kSubBucketBits);

    // Negative values (clock skew cannot happen with one monotonic clock, but be safe) count as 0.
    void record(int64_t value);
    void merge(const LatencyHistogram& other);

    uint64_t count() const { return count_; }
    std::optional<uint64_t> min() const;
    std::optional<uint64_t> max() const;
    double mean() const;
    // Nearest-rank percentile (0 < p <= 100): the smallest recorded value such that at least p %
    // of the values are <= it, up to the bucket resolution (bucket midpoint, clamped to
    // [min, max]). nullopt when empty.
    std::optional<uint64_t> percentile(double p) const;

    static size_t bucketIndex(uint64_t value);
    static uint64_t bucketLow(size_t index);
    static uint64_t bucketHigh(size_t index);  // inclusive

  private:
    std::array<uint64_t, kBucketCount> buckets_{};
    uint64_t count_ = 0;
    uint64_t min_ = UINT64_MAX;
    uint64_t max_ = 0;
    long double sum_ = 0;
};

}  // namespace vcb::loadgen
