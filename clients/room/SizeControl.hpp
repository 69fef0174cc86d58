#pragma once
// At what size the hall's camera is encoded: the rate the link carries decides (RateControl's
// target), not only the configuration. At a rate far below what the configured size needs, the
// encoder spends its few bits on many pixels: a blurred, blocky picture that still drops frames.
// A smaller picture at the same rate is sharper and smoother once the viewer scales it up, which
// is what libwebrtc's quality scaler does. Each step is 3/4 of the previous one's width and height
// (1, 3/4, 1/2, 3/8, 1/4 of the configured size, never narrower than kMinWidth); a size needs
// kBitsPerPixel bits per pixel and frame. Down at once when the rate is below what the current
// size needs; up one step only when the rate has kUpHeadroom above what the larger size needs
// and the size held for kHold (each change costs the viewers a key frame). Plain logic: times
// passed in.
#include <chrono>
#include <optional>
#include <vector>

namespace vcb::room {

struct VideoSize {
    int width = 0;
    int height = 0;
    bool operator==(const VideoSize&) const = default;
};

class SizeControl {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr double kBitsPerPixel = 0.05;  // 1280×720 at 25 frames/s: ≈ 1150 kbit/s
    static constexpr double kUpHeadroom = 1.3;
    static constexpr std::chrono::seconds kHold{4};
    static constexpr int kMinWidth = 160;

    SizeControl(VideoSize configured, int framerate);

    // The encoder's rate is now `kbps`: the new size when it changes.
    std::optional<VideoSize> onRate(Clock::time_point now, int kbps);

    VideoSize current() const { return ladder_[index_]; }
    VideoSize configured() const { return ladder_.front(); }
    // The sizes it may take, largest (the configured one) first.
    const std::vector<VideoSize>& ladder() const { return ladder_; }
    // What `size` needs at the framerate (kbit/s).
    int neededKbps(VideoSize size) const;

  private:
    std::vector<VideoSize> ladder_;
    int framerate_;
    std::size_t index_ = 0;
    Clock::time_point changed_{};
};

}  // namespace vcb::room
