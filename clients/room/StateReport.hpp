#pragma once
// What vcb-room tells the server about itself (`endpointReport`, docs/room-endpoint.md
// "Reporting to the server"), and when. Plain logic: no sockets, the clock passed in.
//
// When: at once after each join (the server forgets a participant's report when it leaves), then
// whenever something but the uptime changed (the camera lost or back, another encoder, a
// technician's restart counted), at most once per kMinGap so that a flapping camera cannot flood
// the server, and otherwise every kRefresh so that the panel's uptime stays roughly current.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "clients/room/MediaChoice.hpp"
#include "clients/room/RoomConfig.hpp"
#include "clients/room/SizeControl.hpp"
#include "protocol/ClientMessages.hpp"

namespace vcb::room {

// A configured value as the protocol takes it: at most 200 bytes (cut at a UTF-8 character
// boundary), control characters as spaces; nullopt for an empty value. The server refuses a
// report with a longer or control-laden field, and a `pipeline:` device can be either.
std::optional<std::string> reportText(std::string_view value);

struct ReportInputs {
    std::string version;
    bool cameraAvailable = true;
    std::optional<EncoderChoice> encoder;
    int restarts = 0;  // sessions restarted at a technician's request (restart or reload)
    std::chrono::seconds uptime{0};
    // The size the camera is encoded at now (SizeControl), when the link made it smaller than
    // the configured one; the configured size otherwise.
    std::optional<VideoSize> sending{};
};
protocol::EndpointReportFields makeReport(const RoomConfig& config, const ReportInputs& inputs);

class ReportPacer {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kMinGap{3};
    static constexpr std::chrono::seconds kRefresh{30};

    // A new session joined: its first report goes at once.
    void joined() { sentInSession_ = false; }
    // Whether `report` should be sent now.
    bool due(const protocol::EndpointReportFields& report, Clock::time_point now) const;
    void sent(const protocol::EndpointReportFields& report, Clock::time_point now);

  private:
    bool sentInSession_ = false;
    std::optional<protocol::EndpointReportFields> last_;
    Clock::time_point lastAt_{};
};

}  // namespace vcb::room
