#pragma once
// Whether the hall's publish pipeline still sends. Its sources are live (a camera, the still
// picture that replaces a missing one, a microphone): while the publish connection is up, video
// and audio buffers leave the encoders all the time. A driver or an encoder that hangs without
// an error stops one of them; nothing else notices (the connection stays up, the server still
// hears the pings), so the chair would see a frozen hall until someone restarts it. Plain logic:
// the counters and the clock are passed in.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace vcb::room {

class PublishWatch {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kStall{5};

    // `watching`: the session is joined and its publish connection connected; otherwise nothing
    // is expected to flow, and the time without buffers counts from when it is again. Returns
    // "video" or "audio" when that stream sent nothing for kStall while watched.
    std::optional<std::string> update(Clock::time_point now, bool watching,
                                      std::uint64_t videoBuffers, std::uint64_t audioBuffers);

  private:
    struct Stream {
        std::uint64_t count = 0;
        Clock::time_point movedAt{};
    };
    bool watching_ = false;
    Stream video_, audio_;
};

}  // namespace vcb::room
