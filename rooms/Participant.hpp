#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "sfu/RtpParameters.hpp"

namespace vcb::rooms {

enum class ClientKind { WebSocket, WhipPublisher, WhepViewer };

// What a participant's credentials say it is; dev mode (no tokens) makes everyone a participant.
enum class ParticipantRole { Chair, Participant, Viewer, Recorder };

constexpr std::string_view participantRoleName(ParticipantRole role) {
    switch (role) {
        case ParticipantRole::Chair:
            return "chair";
        case ParticipantRole::Participant:
            return "participant";
        case ParticipantRole::Viewer:
            return "viewer";
        case ParticipantRole::Recorder:
            return "recorder";
    }
    return "participant";
}

struct TrackInfo {
    std::string id;  // "<participantId>-<mid>"
    sfu::MediaKind kind = sfu::MediaKind::Video;
};

// A unit connected to a meeting. Plain data: the media objects behind it live in the SFU.
struct Participant {
    std::string id;
    std::string displayName;
    ClientKind kind = ClientKind::WebSocket;
    ParticipantRole role = ParticipantRole::Participant;
    std::vector<TrackInfo> tracks;  // what it publishes
    uint64_t publishedAt = 0;       // order of its latest publish, 0 = not publishing
};

}  // namespace vcb::rooms
