#include "signaling/auth/JwtAuthenticator.hpp"

#include <chrono>
#include <string>

#include "common/Log.hpp"

namespace vcb::auth {
namespace {

int64_t wallClockSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Printable ASCII only and bounded: the subject comes from a verified token, but still should
// not be able to forge log lines.
std::string forLog(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 64)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
    return out.empty() ? "-" : out;
}

}  // namespace

JwtAuthenticator::JwtAuthenticator(JwtVerifier verifier, Clock clock)
    : verifier_(std::move(verifier)), clock_(clock ? std::move(clock) : Clock(wallClockSeconds)) {}

rooms::AuthDecision JwtAuthenticator::authorize(const rooms::JoinCredentials& credentials) const {
    const std::string meeting = forLog(credentials.meetingId);
    const std::string from = forLog(credentials.remoteAddress);
    if (credentials.token.empty()) {
        VCB_LOG_INFO("auth: join to %s from %s refused: no token", meeting.c_str(), from.c_str());
        return {rooms::RoomError::Unauthorized, {}, {}};
    }
    auto result = verifier_.verify(credentials.token, clock_());
    if (!result) {
        VCB_LOG_INFO("auth: join to %s from %s refused: %s", meeting.c_str(), from.c_str(),
                     std::string(jwtErrorCode(result.error())).c_str());
        return {rooms::RoomError::Unauthorized, {}, {}};
    }
    const JwtClaims& claims = result.value();
    const std::string subject = forLog(claims.subject);
    if (!claims.allowsMeeting(credentials.meetingId)) {
        VCB_LOG_INFO("auth: join to %s from %s refused: %s (sub %s)", meeting.c_str(), from.c_str(),
                     std::string(jwtErrorCode(JwtError::WrongMeeting)).c_str(), subject.c_str());
        return {rooms::RoomError::Forbidden, {}, {}};
    }
    if (!rooms::roleMayPublish(claims.role) &&
        credentials.kind == rooms::ClientKind::WhipPublisher) {
        VCB_LOG_INFO("auth: WHIP publish to %s from %s refused: %s token (sub %s)",
                     meeting.c_str(), from.c_str(),
                     std::string(rooms::participantRoleName(claims.role)).c_str(), subject.c_str());
        return {rooms::RoomError::Forbidden, {}, {}};
    }
    VCB_LOG_DEBUG("auth: %s joins %s as %s", subject.c_str(), meeting.c_str(),
                  std::string(rooms::participantRoleName(claims.role)).c_str());
    rooms::AuthDecision decision{rooms::RoomError::None, claims.role, claims.displayName,
                                 claims.unit, claims.subject};
    decision.verified = true;
    return decision;
}

}  // namespace vcb::auth
