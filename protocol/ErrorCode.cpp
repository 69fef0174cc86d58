#include "protocol/ErrorCode.hpp"

#include <array>
#include <utility>

namespace vcb::protocol {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 18> kNames{{
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
