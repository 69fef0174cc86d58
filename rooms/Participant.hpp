#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/policy/Roles.hpp"
#include "sfu/RtpParameters.hpp"

namespace vcb::rooms {

enum class ClientKind { WebSocket, WhipPublisher, WhepViewer };

// What a participant's credentials say it is: the government meeting's roles
// (rooms/policy/Roles.hpp, docs/meetings.md). Dev mode (no tokens) makes everyone a delegate
// unless the join message states a role.
using ParticipantRole = policy::Role;

inline std::string_view participantRoleName(ParticipantRole role) { return policy::roleName(role); }

// The role named `name`. The names of the first token format are still read (migration, see
// docs/operations.md "Authentication"): "participant" is a delegate, "viewer" an observer.
inline std::optional<ParticipantRole> parseParticipantRole(std::string_view name) {
    if (name == "participant") return ParticipantRole::Delegate;
    if (name == "viewer") return ParticipantRole::Observer;
    return policy::parseRole(name);
}

// Whether the role may send media at all (WHIP or a WebSocket publish).
inline bool roleMayPublish(ParticipantRole role) {
    return policy::may(role, policy::Action::PublishAudio) ||
           policy::may(role, policy::Action::PublishVideo);
}

// What a published track carries. A participant publishes at most one of each: its producers
// are keyed by source.
enum class MediaSource { Microphone, Camera, Screen };

inline sfu::MediaKind kindOf(MediaSource s) {
    return s == MediaSource::Microphone ? sfu::MediaKind::Audio : sfu::MediaKind::Video;
}
// The source a track of `kind` has unless it is named the screen.
inline MediaSource defaultSource(sfu::MediaKind kind) {
    return kind == sfu::MediaKind::Audio ? MediaSource::Microphone : MediaSource::Camera;
}
// The suffix of its track id: "<participantId>-audio", "-video" (camera), "-screen".
inline std::string_view trackSuffix(MediaSource s) {
    switch (s) {
        case MediaSource::Microphone:
            return "audio";
        case MediaSource::Camera:
            return "video";
        case MediaSource::Screen:
            return "screen";
    }
    return "video";
}

struct TrackInfo {
    std::string id;  // "<participantId>-audio" | "-video" | "-screen"
    sfu::MediaKind kind = sfu::MediaKind::Video;
    MediaSource source = MediaSource::Camera;
    // Video: the codec it is sent in ("VP8", "H264"), as negotiated with its publisher. A
    // subscriber is offered that codec alone: the server does not transcode, and a subscriber
    // that answers with another one (webrtcbin answers with the first codec it can take) would
    // get nothing.
    std::string codec{};
};

// A unit connected to a meeting. Plain data: the media objects behind it live in the SFU.
struct Participant {
    std::string id;
    std::string displayName;
    ClientKind kind = ClientKind::WebSocket;
    ParticipantRole role = ParticipantRole::Delegate;
    std::string unit;       // the unit it speaks for ("" = none: ad-hoc meetings, old tokens)
    std::string subject;    // who it is (token `sub`; "" = anonymous)
    bool verified = false;  // its identity comes from a verified token (auth: jwt)
    std::vector<TrackInfo> tracks;  // what it publishes
    uint64_t publishedAt = 0;       // order of its latest publish, 0 = not publishing
};

}  // namespace vcb::rooms
