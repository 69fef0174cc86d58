#pragma once
// Verifies compact JWS tokens against one configured key: structure, algorithm (must equal the
// key's; "none" never does), signature, then the claims (exp, nbf, iat with a leeway; iss and
// aud when configured; the meeting when asked). "now" is an argument so tests are deterministic.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/Expected.hpp"
#include "signaling/auth/JwtClaims.hpp"
#include "signaling/auth/JwtError.hpp"
#include "signaling/auth/JwtKey.hpp"

namespace vcb::auth {

struct JwtVerifierConfig {
    std::string issuer;          // required "iss" when not empty
    std::string audience;        // required among "aud" when not empty
    int64_t leewaySeconds = 30;  // clock skew tolerated for exp, nbf and iat
};

using JwtResult = Expected<JwtClaims, JwtError>;

class JwtVerifier {
  public:
    static constexpr int64_t kMaxLeewaySeconds = 3600;

    JwtVerifier(JwtKey key, JwtVerifierConfig config);

    JwtAlgorithm algorithm() const { return key_.algorithm(); }
    const JwtVerifierConfig& config() const { return config_; }

    // Everything but the meeting.
    JwtResult verify(std::string_view token, int64_t nowSeconds) const;
    // Also requires the token's "meeting" to be `meetingId` or "*" (else WrongMeeting).
    JwtResult verify(std::string_view token, int64_t nowSeconds, std::string_view meetingId) const;

  private:
    JwtKey key_;
    JwtVerifierConfig config_;
};

}  // namespace vcb::auth
