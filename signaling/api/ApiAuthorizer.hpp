#pragma once
// Who may call the REST API /api/meetings (docs/operations.md "Admin tokens"):
//  * auth: jwt — a bearer token signed with the configured key (same issuer/audience/leeway
//    checks as joins) whose payload has "admin": true may do everything. A valid token without
//    it is 403 forbidden, except that a chair or technician token whose "meeting" claim is
//    exactly the meeting id (not "*") may read that meeting's attendance and events. Missing,
//    expired, forged or malformed tokens are 401 unauthorized (WWW-Authenticate: Bearer).
//  * auth: dev — no verifier: every call is allowed (vcbridge logs a warning at start-up).
// Tokens are never logged.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/Expected.hpp"
#include "signaling/auth/JwtVerifier.hpp"
#include "signaling/http/HttpRequest.hpp"
#include "signaling/http/HttpResponse.hpp"

namespace vcb::signaling {

class ApiAuthorizer {
  public:
    using Clock = std::function<int64_t()>;  // seconds since the epoch

    // Development: everything allowed.
    ApiAuthorizer() = default;
    // Production: tokens verified with `verifier`; `clock` defaults to the wall clock.
    explicit ApiAuthorizer(auth::JwtVerifier verifier, Clock clock = {});

    bool open() const { return !verifier_.has_value(); }

    // nullopt: allowed. Otherwise the 401/403 problem to answer.
    std::optional<HttpResponse> requireAdmin(const HttpRequest& request) const;
    // Admin, or a chair/technician token for exactly `meetingId`.
    std::optional<HttpResponse> requireMeetingReader(const HttpRequest& request,
                                                     std::string_view meetingId) const;

    // Admin, or a technician token for exactly `meetingId` (recordings).
    std::optional<HttpResponse> requireTechnician(const HttpRequest& request,
                                                  std::string_view meetingId) const;

    // GET /api/next-meeting: the unit whose next meeting the caller may learn, or the problem to
    // answer. jwt: a chair, delegate or room token whose "meeting" claim is "*" and that names a
    // unit answers for that unit (a `unit` query parameter, if given, must be the same); an admin
    // token for the `unit` query parameter. dev: the `unit` query parameter. No unit: 400
    // invalid_field `unit`.
    Expected<std::string, HttpResponse> requireUnitHolder(const HttpRequest& request) const;

    // The bearer token of an Authorization header (RFC 6750 §2.1), empty when there is none.
    static std::string bearerToken(const HttpRequest& request);

  private:
    // The verified claims of the bearer token, or the 401 to answer. Open mode: not called.
    Expected<auth::JwtClaims, HttpResponse> verified(const HttpRequest& request,
                                                     std::string_view missing) const;
    std::optional<HttpResponse> check(const HttpRequest& request,
                                      std::optional<std::string_view> meetingId,
                                      bool technicianOnly = false) const;

    std::optional<auth::JwtVerifier> verifier_;
    Clock clock_;
};

}  // namespace vcb::signaling
