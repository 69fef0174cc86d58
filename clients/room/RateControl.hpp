#pragma once
// How fast the hall's camera may send: the link to the server decides, not the configuration.
// A commune hall on 3G/4G or a shared WAN line often carries less than the configured
// `video_bitrate_kbps`; sending more fills a queue somewhere, the excess is dropped, and the
// chair sees a broken, frozen picture. The server's receiver reports (RTCP RR, once a second)
// say what fraction of the hall's packets was lost; this is the loss-based controller of
// Google Congestion Control (draft-ietf-rmcat-gcc-02 §6): more than 10 % lost → the target falls
// by half the loss, less than 2 % → it grows by 5 %, in between it holds. Between `min` and the
// configured maximum; at most one change per report interval. Plain logic: times passed in.
#include <chrono>
#include <cmath>
#include <optional>

namespace vcb::room {

class RateControl {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kMinKbps = 150;
    static constexpr double kDecreaseAbove = 0.10;
    static constexpr double kIncreaseBelow = 0.02;
    static constexpr double kIncrease = 1.05;
    static constexpr std::chrono::milliseconds kInterval{900};  // the server reports every 1 s

    // Starts at `maxKbps` (the configuration's rate); never below min(kMinKbps, maxKbps).
    explicit RateControl(int maxKbps);

    // One receiver report's loss (fraction 0..1) at `now`: the new target when it changed.
    std::optional<int> onReport(Clock::time_point now, double fractionLost);
    // A reload changed the configured rate: the new maximum, the target capped to it.
    void setMax(int maxKbps);

    int target() const { return static_cast<int>(std::lround(target_)); }
    int max() const { return max_; }
    int decreases() const { return decreases_; }

  private:
    int max_;
    int min_;
    double target_;
    Clock::time_point last_{};
    bool any_ = false;
    int decreases_ = 0;
};

}  // namespace vcb::room
