#pragma once
#include <chrono>
#include <cstdint>

namespace vcb::sfu {

// Monotonic microseconds. Only the event loop reads the clock; logic below it receives `now`.
inline int64_t monotonicUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// NTP time (RFC 3550 §4) for sender reports: seconds since 1900 in 32.32 fixed point.
inline uint64_t ntpNow() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    uint64_t secs = static_cast<uint64_t>(us / 1000000) + 2208988800ULL;
    uint64_t frac = (static_cast<uint64_t>(us % 1000000) << 32) / 1000000;
    return (secs << 32) | frac;
}

}  // namespace vcb::sfu
