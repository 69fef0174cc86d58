#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "signaling/api/TokenBucket.hpp"

namespace vcb::signaling {

// Per-key (remote IP) token buckets with a bounded map: buckets that have refilled completely
// are forgotten, and when the map is full the least recently used one makes room, so an attacker
// spraying source addresses costs memory bounded by maxKeys. Thread-safe.
class RateLimiter {
  public:
    using Clock = TokenBucket::Clock;
    struct Config {
        double ratePerSecond = 10;
        double burst = 20;
        std::size_t maxKeys = 10000;
    };

    explicit RateLimiter(Config config) : config_(config) {}

    // nullopt if `key` may proceed now; otherwise how long until it may (at least 1 s when
    // rounded up for Retry-After by the caller).
    std::optional<Clock::duration> acquire(std::string_view key, Clock::time_point now);
    std::size_t size() const;

  private:
    void evict(Clock::time_point now);

    const Config config_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, TokenBucket> buckets_;
    std::size_t callsSinceSweep_ = 0;
};

}  // namespace vcb::signaling
