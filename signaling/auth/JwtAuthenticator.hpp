#pragma once
// rooms::Authenticator for production: every join needs a bearer token from the operator's
// issuer. Missing or invalid -> Unauthorized; valid but for another meeting (or a viewer trying
// to publish over WHIP) -> Forbidden. Tokens are never logged, only the error code and subject.
#include <cstdint>
#include <functional>
#include <memory>

#include "rooms/Authenticator.hpp"
#include "signaling/auth/JwtVerifier.hpp"

namespace vcb::auth {

class JwtAuthenticator final : public rooms::Authenticator {
  public:
    using Clock = std::function<int64_t()>;  // seconds since the epoch

    // `clock` defaults to the system wall clock.
    explicit JwtAuthenticator(JwtVerifier verifier, Clock clock = {});

    rooms::AuthDecision authorize(const rooms::JoinCredentials& credentials) const override;

  private:
    JwtVerifier verifier_;
    Clock clock_;
};

}  // namespace vcb::auth
