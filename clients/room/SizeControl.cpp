#include "clients/room/SizeControl.hpp"

#include <algorithm>
#include <cmath>

namespace vcb::room {
namespace {

// Rounded down to even: the encoders take 4:2:0 pictures.
int even(int v) { return std::max(2, v & ~1); }

}  // namespace

SizeControl::SizeControl(VideoSize configured, int framerate) : framerate_(std::max(1, framerate)) {
    ladder_.push_back(configured);
    constexpr int kEighths[] = {6, 4, 3, 2};  // 3/4, 1/2, 3/8, 1/4
    for (int eighths : kEighths) {
        const VideoSize s{even(configured.width * eighths / 8),
                          even(configured.height * eighths / 8)};
        if (s.width < kMinWidth) break;
        if (!(s == ladder_.back())) ladder_.push_back(s);
    }
}

int SizeControl::neededKbps(VideoSize size) const {
    return static_cast<int>(
        std::lround(double{1} * size.width * size.height * framerate_ * kBitsPerPixel / 1000));
}

std::optional<VideoSize> SizeControl::onRate(Clock::time_point now, int kbps) {
    std::size_t want = index_;
    while (want + 1 < ladder_.size() && neededKbps(ladder_[want]) > kbps) ++want;
    if (want == index_ && index_ > 0 && now - changed_ >= kHold &&
        neededKbps(ladder_[index_ - 1]) * kUpHeadroom <= kbps)
        want = index_ - 1;
    if (want == index_) return std::nullopt;
    index_ = want;
    changed_ = now;
    return ladder_[index_];
}

}  // namespace vcb::room
