#pragma once
// The claims vcbridge reads from a verified token's payload (RFC 7519 §4.1 plus its own).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Expected.hpp"
#include "rooms/Participant.hpp"
#include "signaling/auth/JwtError.hpp"

namespace vcb::auth {

struct JwtClaims {
    // Seconds since the epoch; fractional NumericDates are truncated toward the past.
    int64_t expiresAt = 0;              // exp (required)
    std::optional<int64_t> notBefore;   // nbf
    std::optional<int64_t> issuedAt;    // iat
    std::string issuer;                 // iss ("" = absent)
    std::vector<std::string> audience;  // aud (a string or an array of strings)
    std::string subject;                // sub, for logs
    std::string meeting;                // the meeting id, or "*" for any (required unless admin)
    // admin: true — may manage meetings over the REST API (docs/operations.md "Admin tokens").
    // Grants no join by itself: an admin token without "meeting" admits to no meeting.
    bool admin = false;
    std::string displayName;            // name ("" = absent)
    rooms::ParticipantRole role = rooms::ParticipantRole::Delegate;  // role
    std::string unit;  // unit: the administrative unit the holder speaks for ("" = absent)

    static constexpr std::string_view kAnyMeeting = "*";
    static constexpr size_t kMaxNameBytes = 64;  // as protocol::kMaxDisplayNameBytes

    bool allowsMeeting(std::string_view meetingId) const {
        if (meeting.empty()) return false;
        return meeting == kAnyMeeting || meeting == meetingId;
    }

    // Reads the claims from payload JSON. Checks types and required claims only: times, issuer,
    // audience and meeting are the verifier's business.
    static Expected<JwtClaims, JwtError> fromJson(std::string_view payload);
};

// "chair", "delegate", "room", "observer", "technician", "recorder" (and the first format's
// "participant" and "viewer"): see rooms/Participant.hpp.
using rooms::parseParticipantRole;

}  // namespace vcb::auth
