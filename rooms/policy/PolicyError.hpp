#pragma once
#include <string_view>

namespace vcb::rooms::policy {

// Why the meeting policy refused an action. The codes are stable (snake_case, like RoomError and
// protocol::ErrorCode) so signaling can put them on the wire unchanged.
enum class PolicyError {
    None,
    WrongState,     // not allowed in the meeting's current state (e.g. grant in an ended meeting)
    NotInvited,     // the identity's unit is not invited to this meeting
    Removed,        // the chair removed this identity from this meeting
    MeetingLocked,  // the meeting is locked to identities not yet admitted
    RoomEndpointTaken,  // the unit's hall endpoint is already connected under another identity
    AlreadyJoined,      // this session id is already in the meeting
    NotJoined,          // no such session in the meeting
    NotChair,           // a chair action by someone who could chair but does not hold the chair
    ForbiddenForRole,   // the role never allows this action
    NoSuchUnit,         // the unit is not one of the meeting's units
    NotPresent,         // the unit or identity the action names is not connected
    HandNotRaised,      // grant/deny/lower for a unit that is not in the queue
    HandAlreadyRaised,  // the unit is already queued or already holds the floor
    NoFloor,            // revoke while nobody holds the floor
    RollCallActive,     // a roll call is already running
    NoRollCall,         // no roll call is running
    BadRequest,
};

constexpr std::string_view policyErrorCode(PolicyError e) {
    switch (e) {
        case PolicyError::None:
            return "ok";
        case PolicyError::WrongState:
            return "wrong_state";
        case PolicyError::NotInvited:
            return "not_invited";
        case PolicyError::Removed:
            return "removed";
        case PolicyError::MeetingLocked:
            return "meeting_locked";
        case PolicyError::RoomEndpointTaken:
            return "room_endpoint_taken";
        case PolicyError::AlreadyJoined:
            return "already_joined";
        case PolicyError::NotJoined:
            return "not_joined";
        case PolicyError::NotChair:
            return "not_chair";
        case PolicyError::ForbiddenForRole:
            return "forbidden_for_role";
        case PolicyError::NoSuchUnit:
            return "no_such_unit";
        case PolicyError::NotPresent:
            return "not_present";
        case PolicyError::HandNotRaised:
            return "hand_not_raised";
        case PolicyError::HandAlreadyRaised:
            return "hand_already_raised";
        case PolicyError::NoFloor:
            return "no_floor";
        case PolicyError::RollCallActive:
            return "roll_call_active";
        case PolicyError::NoRollCall:
            return "no_roll_call";
        case PolicyError::BadRequest:
            return "bad_request";
    }
    return "internal";
}

}  // namespace vcb::rooms::policy
