#include "protocol/ErrorCode.hpp"

#include <array>
#include <utility>

namespace vcb::protocol {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 39> kNames{{
    {ErrorCode::BadJson, "bad_json"},
    {ErrorCode::BadMessage, "bad_message"},
    {ErrorCode::UnknownType, "unknown_type"},
    {ErrorCode::NotJoined, "not_joined"},
    {ErrorCode::AlreadyJoined, "already_joined"},
    {ErrorCode::MeetingNotFound, "meeting_not_found"},
    {ErrorCode::Unauthorized, "unauthorized"},
    {ErrorCode::Forbidden, "forbidden"},
    {ErrorCode::BadSdp, "bad_sdp"},
    {ErrorCode::UnsupportedMedia, "unsupported_media"},
    {ErrorCode::TooLarge, "too_large"},
    {ErrorCode::RateLimited, "rate_limited"},
    {ErrorCode::MeetingFull, "meeting_full"},
    {ErrorCode::TooManySessions, "too_many_sessions"},
    {ErrorCode::ServerShutdown, "server_shutdown"},
    {ErrorCode::UnknownTrack, "unknown_track"},
    {ErrorCode::TooManyTracks, "too_many_tracks"},
    {ErrorCode::WrongState, "wrong_state"},
    {ErrorCode::NotInvited, "not_invited"},
    {ErrorCode::Removed, "removed"},
    {ErrorCode::MeetingLocked, "meeting_locked"},
    {ErrorCode::RoomEndpointTaken, "room_endpoint_taken"},
    {ErrorCode::NotChair, "not_chair"},
    {ErrorCode::ForbiddenForRole, "forbidden_for_role"},
    {ErrorCode::NoSuchUnit, "no_such_unit"},
    {ErrorCode::NotPresent, "not_present"},
    {ErrorCode::HandNotRaised, "hand_not_raised"},
    {ErrorCode::HandAlreadyRaised, "hand_already_raised"},
    {ErrorCode::NoFloor, "no_floor"},
    {ErrorCode::RollCallActive, "roll_call_active"},
    {ErrorCode::NoRollCall, "no_roll_call"},
    {ErrorCode::NotGoverned, "not_governed"},
    {ErrorCode::RecordingDisabled, "recording_disabled"},
    {ErrorCode::AlreadyRecording, "already_recording"},
    {ErrorCode::NotRecording, "not_recording"},
    {ErrorCode::RecordingFailed, "recording_failed"},
    {ErrorCode::UnknownParticipant, "unknown_participant"},
    {ErrorCode::NotAnEndpoint, "not_an_endpoint"},
    {ErrorCode::Internal, "internal"},
}};

}  // namespace

std::string_view toString(ErrorCode code) {
    for (const auto& [c, name] : kNames) {
        if (c == code) return name;
    }
    return "internal";
}

std::optional<ErrorCode> errorCodeFromString(std::string_view text) {
    for (const auto& [c, name] : kNames) {
        if (name == text) return c;
    }
    return std::nullopt;
}

}  // namespace vcb::protocol
