#include "signaling/auth/JwtVerifier.hpp"

#include <algorithm>

#include "signaling/auth/JwtToken.hpp"

namespace vcb::auth {

JwtVerifier::JwtVerifier(JwtKey key, JwtVerifierConfig config)
    : key_(std::move(key)), config_(std::move(config)) {
    config_.leewaySeconds = std::clamp<int64_t>(config_.leewaySeconds, 0, kMaxLeewaySeconds);
}

JwtResult JwtVerifier::verify(std::string_view token, int64_t nowSeconds) const {
    auto parsed = JwtToken::parse(token);
    if (!parsed) return parsed.error();
    const JwtToken& t = parsed.value();
    // The key decides the algorithm, never the token: this is what defeats "none" and
    // HS256-with-the-public-key tokens.
    if (t.algorithm() != jwtAlgorithmName(key_.algorithm())) return JwtError::WrongAlgorithm;
    if (!key_.verify(t.signingInput(), t.signature())) return JwtError::BadSignature;

    auto claims = JwtClaims::fromJson(t.payload());
    if (!claims) return claims.error();
    const JwtClaims& c = claims.value();
    // Claims dates are clamped to +-2^53, so these sums cannot overflow for any sane "now".
    const int64_t now = std::clamp<int64_t>(nowSeconds, -(int64_t{1} << 60), int64_t{1} << 60);
    const int64_t leeway = config_.leewaySeconds;
    if (now >= c.expiresAt + leeway) return JwtError::Expired;
    if (c.notBefore && *c.notBefore > now + leeway) return JwtError::NotYetValid;
    if (c.issuedAt && *c.issuedAt > now + leeway) return JwtError::NotYetValid;
    if (!config_.issuer.empty() && c.issuer != config_.issuer) return JwtError::WrongIssuer;
    if (!config_.audience.empty() &&
        std::find(c.audience.begin(), c.audience.end(), config_.audience) == c.audience.end())
        return JwtError::WrongAudience;
    return claims;
}

JwtResult JwtVerifier::verify(std::string_view token, int64_t nowSeconds,
                              std::string_view meetingId) const {
    auto result = verify(token, nowSeconds);
    if (result && !result.value().allowsMeeting(meetingId)) return JwtError::WrongMeeting;
    return result;
}

}  // namespace vcb::auth
