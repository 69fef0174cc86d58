#include "clients/room/RateControl.hpp"

#include <algorithm>
#include <cmath>

namespace vcb::room {

RateControl::RateControl(int maxKbps)
    : max_(maxKbps), min_(std::min(kMinKbps, maxKbps)), target_(maxKbps) {}

std::optional<int> RateControl::onReport(Clock::time_point now, double fractionLost) {
    if (any_ && now - last_ < kInterval) return std::nullopt;
    any_ = true;
    last_ = now;
    const int before = target();
    const double loss = std::clamp(fractionLost, 0.0, 1.0);
    if (loss > kDecreaseAbove) {
        target_ = std::max<double>(min_, target_ * (1.0 - 0.5 * loss));
        if (target() < before) ++decreases_;
    } else if (loss < kIncreaseBelow) {
        target_ = std::min<double>(max_, target_ * kIncrease);
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
