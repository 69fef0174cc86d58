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
    Internal,
};

// "bad_json", "unknown_type", ...
std::string_view toString(ErrorCode code);
std::optional<ErrorCode> errorCodeFromString(std::string_view text);

}  // namespace vcb::protocol
