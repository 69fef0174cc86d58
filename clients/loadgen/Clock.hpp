#pragma once
// The one clock every loadgen timestamp uses. Publishers and subscribers live in the same process,
// so a monotonic clock gives exact one-way latency without any synchronisation.
#include <chrono>
#include <cstdint>

namespace vcb::loadgen {

inline int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace vcb::loadgen
