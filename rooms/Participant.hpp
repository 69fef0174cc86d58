#pragma once
#include <string>
#include <vector>

#include "sfu/RtpParameters.hpp"

namespace vcb::rooms {

enum class ClientKind { WebSocket, WhipPublisher, WhepViewer };

struct TrackInfo {
    std::string id;  // "<participantId>-<mid>"
    sfu::MediaKind kind = sfu::MediaKind::Video;
};

// A unit connected to a meeting. Plain data: the media objects behind it live in the SFU.
struct Participant {
    std::string id;
    std::string displayName;
    ClientKind kind = ClientKind::WebSocket;
    std::vector<TrackInfo> tracks;  // what it publishes
    uint64_t publishedAt = 0;       // order of its latest publish, 0 = not publishing
};

}  // namespace vcb::rooms
