#pragma once
// Stable error codes of the WebSocket protocol; the wire spelling is part of the contract.
#include <optional>
#include <string_view>

namespace vcb::protocol {

enum class ErrorCode {
    BadJson,
    BadMessage,
    UnknownType,
    NotJoined,
    AlreadyJoined,
    MeetingNotFound,
    Unauthorized,
    Forbidden,
    BadSdp,
    UnsupportedMedia,
    TooLarge,
    RateLimited,
    MeetingFull,
    TooManySessions,
    ServerShutdown,
    UnknownTrack,   // subscribe names a track the meeting does not have
    TooManyTracks,  // subscribe would exceed kMaxSubscribedTracks
    // Government meetings: the meeting policy's refusals (rooms/policy/PolicyError.hpp).
    WrongState,
    NotInvited,
    Removed,
    MeetingLocked,
    RoomEndpointTaken,
    NotChair,
    ForbiddenForRole,
    NoSuchUnit,
    NotPresent,
    HandNotRaised,
    HandAlreadyRaised,
    NoFloor,
    RollCallActive,
    NoRollCall,
    NotGoverned,  // a floor command in a meeting without a policy (a plain or ad-hoc meeting)
    // Recording (docs/recording.md "The server side")
    RecordingDisabled,  // the server has no recording.dir
    AlreadyRecording,
    NotRecording,
    RecordingFailed,  // the recorder could not be started
    // Hall endpoints (endpointCommand)
    UnknownParticipant,  // no such participant in the meeting
    NotAnEndpoint,       // the target is not a hall endpoint (role room)
    Internal,
};

// "bad_json", "unknown_type", ...
std::string_view toString(ErrorCode code);
std::optional<ErrorCode> errorCodeFromString(std::string_view text);

}  // namespace vcb::protocol
