#pragma once
#include <string_view>

namespace vcb::rooms {

// Control-plane errors with stable codes that signaling maps to HTTP/JSON errors.
enum class RoomError {
    None,
    MeetingNotFound,
    MeetingFull,
    AlreadyJoined,
    NotJoined,
    Unauthorized,  // no valid credentials (missing, malformed, expired or badly signed token)
    Forbidden,     // valid credentials that do not allow this operation
    BadRequest,
    Unavailable,
    TooManySessions,  // the server's media session limit is reached
};

constexpr std::string_view roomErrorCode(RoomError e) {
    switch (e) {
        case RoomError::None:
            return "ok";
        case RoomError::MeetingNotFound:
            return "meeting_not_found";
        case RoomError::MeetingFull:
            return "meeting_full";
        case RoomError::AlreadyJoined:
            return "already_joined";
        case RoomError::NotJoined:
            return "not_joined";
        case RoomError::Unauthorized:
            return "unauthorized";
        case RoomError::Forbidden:
            return "forbidden";
        case RoomError::BadRequest:
            return "bad_request";
        case RoomError::Unavailable:
            return "unavailable";
        case RoomError::TooManySessions:
            return "too_many_sessions";
    }
    return "internal";
}

}  // namespace vcb::rooms
