#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/RtpParameters.hpp"

namespace vcb::rooms {

enum class ClientKind { WebSocket, WhipPublisher, WhepViewer };

// What a participant's credentials say it is (docs/meetings.md "Roles"):
//   chair       convenes and chairs; gives the floor, mutes, runs the roll call
//   delegate    a person speaking for a unit
//   room        a unit's hall endpoint, unattended
//   observer    watches only: may not publish
//   technician  link statistics and recording control; no floor, may not publish
//   recorder    a recording process; may not publish
// Dev mode (no tokens) makes everyone a delegate unless the join message states a role.
enum class ParticipantRole { Chair, Delegate, Room, Observer, Technician, Recorder };

inline constexpr ParticipantRole kAllParticipantRoles[] = {
    ParticipantRole::Chair,    ParticipantRole::Delegate,   ParticipantRole::Room,
    ParticipantRole::Observer, ParticipantRole::Technician, ParticipantRole::Recorder};

constexpr std::string_view participantRoleName(ParticipantRole role) {
    switch (role) {
        case ParticipantRole::Chair:
            return "chair";
        case ParticipantRole::Delegate:
            return "delegate";
        case ParticipantRole::Room:
            return "room";
        case ParticipantRole::Observer:
            return "observer";
        case ParticipantRole::Technician:
            return "technician";
        case ParticipantRole::Recorder:
            return "recorder";
    }
    return "delegate";
}

// The role named `name`. The names of the first token format are still read (migration, see
// docs/operations.md "Authentication"): "participant" is a delegate, "viewer" an observer.
constexpr std::optional<ParticipantRole> parseParticipantRole(std::string_view name) {
    for (ParticipantRole r : kAllParticipantRoles) {
        if (participantRoleName(r) == name) return r;
    }
    if (name == "participant") return ParticipantRole::Delegate;
    if (name == "viewer") return ParticipantRole::Observer;
    return std::nullopt;
}

// Whether the role may send media at all (WHIP or a WebSocket publish).
constexpr bool roleMayPublish(ParticipantRole role) {
    return role == ParticipantRole::Chair || role == ParticipantRole::Delegate ||
           role == ParticipantRole::Room;
}

// A unit id (units file, token claim `unit`, join field `unit`): 1-64 of [a-z0-9._-].
constexpr bool isValidUnitId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                        c == '-';
        if (!ok) return false;
    }
    return true;
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
    std::string unit;     // the unit it speaks for ("" = none: ad-hoc meetings, old tokens)
    std::string subject;  // who it is (token `sub`; "" = anonymous)
    std::vector<TrackInfo> tracks;  // what it publishes
    uint64_t publishedAt = 0;       // order of its latest publish, 0 = not publishing
};

}  // namespace vcb::rooms
