#include "signaling/api/ApiAuthorizer.hpp"

#include <strings.h>

#include <chrono>

#include "common/Log.hpp"
#include "signaling/http/Problem.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;

namespace {

int64_t wallClockSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

HttpResponse unauthorized(std::string_view detail) {
    auto r = problem(http::status::unauthorized, "unauthorized", detail);
    r.header("WWW-Authenticate", "Bearer");
    return r;
}

}  // namespace

ApiAuthorizer::ApiAuthorizer(auth::JwtVerifier verifier, Clock clock)
    : verifier_(std::move(verifier)), clock_(clock ? std::move(clock) : Clock(wallClockSeconds)) {}

std::string ApiAuthorizer::bearerToken(const HttpRequest& request) {
    auto header = request.header("Authorization");
    if (header.size() <= 7 || ::strncasecmp(header.data(), "Bearer ", 7) != 0) return {};
    auto value = header.substr(7);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return std::string(value);
}

std::optional<HttpResponse> ApiAuthorizer::requireAdmin(const HttpRequest& request) const {
    return check(request, std::nullopt);
}

std::optional<HttpResponse> ApiAuthorizer::requireMeetingReader(const HttpRequest& request,
                                                                std::string_view meetingId) const {
    return check(request, meetingId);
}

std::optional<HttpResponse> ApiAuthorizer::requireTechnician(const HttpRequest& request,
                                                             std::string_view meetingId) const {
    return check(request, meetingId, true);
}

Expected<auth::JwtClaims, HttpResponse> ApiAuthorizer::verified(const HttpRequest& request,
                                                                std::string_view missing) const {
    const std::string token = bearerToken(request);
    if (token.empty()) return unauthorized(missing);
    auto claims = verifier_->verify(token, clock_());
    if (!claims) {
        VCB_LOG_INFO("api: %s %s from %s refused: %s",
                     std::string(http::to_string(request.method)).c_str(),
                     request.path.substr(0, 80).c_str(), request.remoteAddress.c_str(),
                     std::string(auth::jwtErrorCode(claims.error())).c_str());
        return unauthorized("the token is invalid or expired");
    }
    return std::move(claims).value();
}

Expected<std::string, HttpResponse> ApiAuthorizer::requireUnitHolder(
    const HttpRequest& request) const {
    const std::optional<std::string> asked = request.queryParameter("unit");
    const auto noUnit = [] {
        return problem(http::status::bad_request, "invalid_field",
                       "give the unit: ?unit=<unit id>");
    };
    if (!verifier_) {
        if (!asked || asked->empty()) return noUnit();
        return *asked;
    }
    auto claims = verified(request, "a unit's token is required (Authorization: Bearer <token>)");
    if (!claims) return std::move(claims).error();
    const auth::JwtClaims& c = claims.value();
    if (c.admin) {
        if (!asked || asked->empty()) return noUnit();
        return *asked;
    }
    using rooms::ParticipantRole;
    const bool unitRole = c.role == ParticipantRole::Room || c.role == ParticipantRole::Delegate ||
                          c.role == ParticipantRole::Chair;
    if (unitRole && !c.unit.empty() && c.meeting == auth::JwtClaims::kAnyMeeting &&
        (!asked || *asked == c.unit))
        return c.unit;
    return problem(http::status::forbidden, "forbidden",
                   "a room, delegate or chair token for any meeting (\"meeting\": \"*\") that "
                   "names its unit is required");
}

std::optional<HttpResponse> ApiAuthorizer::check(const HttpRequest& request,
                                                 std::optional<std::string_view> meetingId,
                                                 bool technicianOnly) const {
    if (!verifier_) return std::nullopt;
    auto claims = verified(request, "an admin token is required (Authorization: Bearer <token>)");
    if (!claims) return std::move(claims).error();
    const auth::JwtClaims& c = claims.value();
    if (c.admin) return std::nullopt;
    if (meetingId && c.meeting == *meetingId &&
        ((!technicianOnly && c.role == rooms::ParticipantRole::Chair) ||
         c.role == rooms::ParticipantRole::Technician))
        return std::nullopt;
    return problem(http::status::forbidden, "forbidden",
                   technicianOnly ? "an admin token, or a technician token for this meeting, "
                                    "is required"
                   : meetingId ? "an admin token, or a chair or technician token for this meeting, "
                               "is required"
                             : "an admin token is required");
}

}  // namespace vcb::signaling
