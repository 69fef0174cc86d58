#pragma once
// How fast the hall's camera may send: the link to the server decides, not the configuration.
// A commune hall on 3G/4G or a shared WAN line often carries less than the configured
// `video_bitrate_kbps`; sending more fills a queue somewhere, the excess is dropped, and the
// chair sees a broken, frozen picture. The server's receiver reports (RTCP RR, once a second)
// say what fraction of the hall's packets was lost; this is the loss-based controller of
// Google Congestion Control (draft-ietf-rmcat-gcc-02 §6): more than 10 % lost → the target falls
// by half the loss, less than 2 % → it grows by 5 %, in between it holds. Between `min` and the
// configured maximum; at most one change per report interval. Plain logic: times passed in.
//
// Loss alone makes it probe until the link's queue overflows: on a link with a deep queue (a
// 3G/4G modem, a shaper) each probe ends in a burst of loss (25 % in a second, seen in CI) and a
// frozen picture. So the round trip the same reports give steers it too, as GCC's delay-based
// part does: the queueing delay is the round trip above the least one seen (which may creep up
// 2 ms a report, so a longer route is learnt); above kQueueHold it stops growing, above
// kQueueDecrease it falls by 10 % (at most every kDelayHoldoff, while the queue drains). And
// within 10 % of the rate it last had to cut it holds for kProbeAfter after that cut (a link does
// not change every few seconds; each probe costs a burst of loss), then grows by 1 % a report
// instead of 5 %.
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
    static constexpr double kQueueHold = 0.1;                   // s of queueing delay: no growth
    static constexpr double kQueueDecrease = 0.25;  // s of queueing delay: × kDelayDecrease
    static constexpr double kDelayDecrease = 0.9;
    static constexpr std::chrono::seconds kDelayHoldoff{2};
    static constexpr double kNearCeiling = 0.9;  // of the rate last cut: grow by kSlowIncrease
    static constexpr double kSlowIncrease = 1.01;
    static constexpr std::chrono::seconds kProbeAfter{30};
    static constexpr double kMinRttCreep = 0.002;  // s per report

    // Starts at `maxKbps` (the configuration's rate); never below min(kMinKbps, maxKbps).
    explicit RateControl(int maxKbps);

    // One receiver report's loss (fraction 0..1) and round trip (s; 0: not measured) at `now`:
    // the new target when it changed.
    std::optional<int> onReport(Clock::time_point now, double fractionLost, double roundTripS = 0);
    // The round trip above the least seen (s), 0 before any round trip.
    double queueingDelay() const { return queue_; }
    // A reload changed the configured rate: the new maximum, the target capped to it.
    void setMax(int maxKbps);

    int target() const { return static_cast<int>(std::lround(target_)); }
    int max() const { return max_; }
    int decreases() const { return decreases_; }

  private:
    int max_;
    int min_;
    double target_;
    Clock::time_point last_{}, lastDelayCut_{}, lastCut_{};
    bool any_ = false;
    double minRtt_ = 0;   // the least round trip seen (creeping up), 0 before any
    double queue_ = 0;    // the last report's round trip above it
    double ceiling_ = 0;  // the target before the last cut, 0 once grown past it
    int decreases_ = 0;
};

}  // namespace vcb::room
