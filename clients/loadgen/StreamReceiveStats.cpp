#include "clients/loadgen/StreamReceiveStats.hpp"

namespace vcb::loadgen {

void StreamReceiveStats::onPacket(uint32_t counter) {
    if (!started_) {
        started_ = true;
        first_ = highest_ = counter;
        seen_.reset();
        seen_.set(counter % kWindow);
        received_ = 1;
        return;
    }
    // Nearest 64-bit value to highest_ with these low 32 bits (serial-number arithmetic).
    auto delta = static_cast<int32_t>(counter - static_cast<uint32_t>(highest_));
    auto ext = static_cast<int64_t>(highest_) + delta;
    if (ext < static_cast<int64_t>(first_)) {
        ++late_;
        return;
    }
    auto value = static_cast<uint64_t>(ext);
    if (value > highest_) {
        uint64_t gap = value - highest_;
        if (gap >= kWindow) {
            seen_.reset();
        } else {
            for (uint64_t c = highest_ + 1; c < value; ++c) seen_.reset(c % kWindow);
        }
        highest_ = value;
        seen_.set(value % kWindow);
        ++received_;
        return;
    }
    if (highest_ - value >= kWindow) {
        ++late_;
        return;
    }
    if (seen_.test(value % kWindow)) {
        ++duplicates_;
        return;
    }
    seen_.set(value % kWindow);
    ++received_;
}

}  // namespace vcb::loadgen
