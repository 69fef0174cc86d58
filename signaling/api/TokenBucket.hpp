#pragma once
#include <chrono>

namespace vcb::signaling {

// Classic token bucket: `rate` tokens per second up to `burst`. Time is passed in so the logic is
// deterministic and testable; the caller serializes access.
class TokenBucket {
  public:
    using Clock = std::chrono::steady_clock;

    TokenBucket(double ratePerSecond, double burst, Clock::time_point now)
        : rate_(ratePerSecond), burst_(burst), tokens_(burst), last_(now) {}

    // Takes one token if available.
    bool tryTake(Clock::time_point now);
    // Time until one token is available (zero if one is available now).
    Clock::duration waitTime(Clock::time_point now);
    // True when the bucket has refilled completely: forgetting it changes nothing.
    bool isFull(Clock::time_point now);
    Clock::time_point lastUse() const { return last_; }

  private:
    void refill(Clock::time_point now);

    double rate_;
    double burst_;
    double tokens_;
    Clock::time_point last_;
};

}  // namespace vcb::signaling
