#include "clients/room/RateControl.hpp"

#include <algorithm>
#include <cmath>

namespace vcb::room {

RateControl::RateControl(int maxKbps)
    : max_(maxKbps), min_(std::min(kMinKbps, maxKbps)), target_(maxKbps) {}

std::optional<int> RateControl::onReport(Clock::time_point now, double fractionLost,
                                         double roundTripS) {
    if (any_ && now - last_ < kInterval) return std::nullopt;
    any_ = true;
    last_ = now;
    const int before = target();
    const double loss = std::clamp(fractionLost, 0.0, 1.0);
    if (roundTripS > 0 && roundTripS < 10) {
        minRtt_ = minRtt_ == 0 ? roundTripS : std::min(roundTripS, minRtt_ + kMinRttCreep);
        queue_ = roundTripS - minRtt_;
    }
    if (loss > kDecreaseAbove) {
        lastCut_ = now;
        ceiling_ = target_;
        target_ = std::max<double>(min_, target_ * (1.0 - 0.5 * loss));
        if (target() < before) ++decreases_;
    } else if (queue_ > kQueueDecrease) {
        if (lastDelayCut_ == Clock::time_point{} || now - lastDelayCut_ >= kDelayHoldoff) {
            lastDelayCut_ = now;
            lastCut_ = now;
            ceiling_ = target_;
            target_ = std::max<double>(min_, target_ * kDelayDecrease);
            if (target() < before) ++decreases_;
        }
    } else if (loss < kIncreaseBelow && queue_ <= kQueueHold) {
        const bool near = ceiling_ > 0 && target_ >= kNearCeiling * ceiling_;
        if (!near || now - lastCut_ >= kProbeAfter) {
            target_ = std::min<double>(max_, target_ * (near ? kSlowIncrease : kIncrease));
            if (target_ > ceiling_) ceiling_ = 0;
        }
    }
    if (target() == before) return std::nullopt;
    return target();
}

void RateControl::setMax(int maxKbps) {
    max_ = maxKbps;
    min_ = std::min(kMinKbps, maxKbps);
    target_ = std::clamp<double>(target_, min_, max_);
}

}  // namespace vcb::room
