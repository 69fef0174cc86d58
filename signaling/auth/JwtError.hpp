#pragma once
#include <string_view>

namespace vcb::auth {

// Why a token was refused. The codes are stable: they appear in logs and metrics.
enum class JwtError {
    Malformed,       // not header.payload.signature of base64url JSON objects, or a bad header
    TooLarge,        // longer than JwtToken::kMaxBytes
    WrongAlgorithm,  // "alg" is not the configured algorithm ("none" included)
    BadSignature,
    MissingClaim,  // exp or meeting absent
    BadClaim,      // a claim of the wrong type or an unknown role
    Expired,
    NotYetValid,  // nbf (or iat) later than now + leeway
    WrongIssuer,
    WrongAudience,
    WrongMeeting,
};

constexpr std::string_view jwtErrorCode(JwtError e) {
    switch (e) {
        case JwtError::Malformed:
            return "malformed";
        case JwtError::TooLarge:
            return "too_large";
        case JwtError::WrongAlgorithm:
            return "wrong_algorithm";
        case JwtError::BadSignature:
            return "bad_signature";
        case JwtError::MissingClaim:
            return "missing_claim";
        case JwtError::BadClaim:
            return "bad_claim";
        case JwtError::Expired:
            return "expired";
        case JwtError::NotYetValid:
            return "not_yet_valid";
        case JwtError::WrongIssuer:
            return "wrong_issuer";
        case JwtError::WrongAudience:
            return "wrong_audience";
        case JwtError::WrongMeeting:
            return "wrong_meeting";
    }
    return "malformed";
}

}  // namespace vcb::auth
