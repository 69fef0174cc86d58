#include "signaling/api/TokenBucket.hpp"

#include <algorithm>

namespace vcb::signaling {

void TokenBucket::refill(Clock::time_point now) {
    if (now <= last_) return;  // a clock that does not advance adds nothing
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
}

bool TokenBucket::tryTake(Clock::time_point now) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
}

TokenBucket::Clock::duration TokenBucket::waitTime(Clock::time_point now) {
    refill(now);
    if (tokens_ >= 1.0 || rate_ <= 0.0) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>((1.0 - tokens_) / rate_));
}

bool TokenBucket::isFull(Clock::time_point now) {
    refill(now);
    return tokens_ >= burst_;
}

}  // namespace vcb::signaling
