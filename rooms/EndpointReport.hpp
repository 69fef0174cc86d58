#pragma once
// Hall endpoints (vcb-room, role room): the state each reports over its session for the
// technician panel, and a technician's restart/reload request to one of them. Plain data kept
// in the meeting's state on its worker (LiveMeeting); the media core never sees it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vcb::rooms {

// The latest report of one endpoint, as it sent it (bounded and validated by the protocol).
struct EndpointReport {
    std::optional<std::string> version;
    std::optional<std::string> camera;
    std::optional<bool> cameraAvailable;
    std::optional<std::string> microphone;
    std::optional<std::string> display;
    std::optional<std::string> speaker;
    std::optional<std::string> encoder;
    std::optional<int64_t> videoWidth;
    std::optional<int64_t> videoHeight;
    std::optional<int64_t> fps;
    std::optional<int64_t> restarts;
    std::optional<int64_t> uptimeS;
    int64_t receivedAtMs = 0;  // wall clock when the server got it (ms since the epoch)
};

enum class EndpointAction { Restart, Reload };

constexpr std::string_view endpointActionName(EndpointAction a) {
    return a == EndpointAction::Reload ? "reload" : "restart";
}

enum class EndpointError {
    None,
    NotJoined,           // the sender is not in the meeting (or it closed)
    ForbiddenForRole,    // report: not a room; command: not a technician
    UnknownParticipant,  // command: no such participant in the meeting
    NotAnEndpoint,       // command: the target is not a room endpoint
};

}  // namespace vcb::rooms
