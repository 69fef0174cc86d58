#include "signaling/api/RateLimiter.hpp"

namespace vcb::signaling {

namespace {
// Sweep refilled buckets every this many calls so the map shrinks after a burst of sources.
constexpr std::size_t kSweepInterval = 1024;
}  // namespace

std::optional<RateLimiter::Clock::duration> RateLimiter::acquire(std::string_view key,
                                                                 Clock::time_point now) {
    if (config_.ratePerSecond <= 0 || config_.burst < 1) return std::nullopt;  // disabled
    std::lock_guard lock(mutex_);
    if (++callsSinceSweep_ >= kSweepInterval) evict(now);
    auto it = buckets_.find(std::string(key));
    if (it == buckets_.end()) {
        if (buckets_.size() >= config_.maxKeys) evict(now);
        it = buckets_
                 .emplace(std::string(key), TokenBucket(config_.ratePerSecond, config_.burst, now))
                 .first;
    }
    if (it->second.tryTake(now)) return std::nullopt;
    return it->second.waitTime(now);
}

std::size_t RateLimiter::size() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

void RateLimiter::evict(Clock::time_point now) {
    callsSinceSweep_ = 0;
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        it = it->second.isFull(now) ? buckets_.erase(it) : std::next(it);
    }
    // Still full of active sources: drop the least recently used to make room for one more.
    while (!buckets_.empty() && buckets_.size() >= config_.maxKeys) {
        auto oldest = buckets_.begin();
        for (auto it = buckets_.begin(); it != buckets_.end(); ++it) {
            if (it->second.lastUse() < oldest->second.lastUse()) oldest = it;
        }
        buckets_.erase(oldest);
    }
}

}  // namespace vcb::signaling
