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

struct TrackInfo {
    std::string id;  // "<participantId>-<mid>"
    sfu::MediaKind kind = sfu::MediaKind::Video;
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
